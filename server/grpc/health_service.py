"""`grpc.health.v1.Health`: the standard gRPC health protocol beside Qdrant's own `HealthCheck`.

Qdrant answers Check with SERVING whatever service name is asked (an empty name means the whole
server), so load balancers and Kubernetes probes configured with any name keep working; Check does
the same here. Watch streams the status of the server ("") and of each public service, and
SERVICE_UNKNOWN for other names, as the protocol prescribes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2  # type: ignore[import-untyped]

SERVICE_NAME = "grpc.health.v1.Health"
SERVING = health_pb2.HealthCheckResponse.SERVING


class HealthService(health.aio.HealthServicer):  # type: ignore[misc]
    def __init__(self, service_names: Iterable[str]) -> None:
        super().__init__()
        # set() is a coroutine; at construction nobody watches yet, so the table is filled directly
        for name in ("", *service_names):
            self._server_status[name] = SERVING

    async def Check(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return health_pb2.HealthCheckResponse(status=SERVING)
