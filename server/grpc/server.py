"""Build the grpc.aio server with Qdrant's four public services over one shared `Service`, plus
the standard health service and server reflection (grpc.reflection.v1alpha), as Qdrant serves them.

It runs in the same event loop as uvicorn (see `server/app.py`); engine work leaves the loop only
through the service's thread pool.
"""

from __future__ import annotations

from collections.abc import Sequence

import grpc
from grpc_health.v1 import health_pb2_grpc  # type: ignore[import-untyped]
from grpc_reflection.v1alpha import reflection  # type: ignore[import-untyped]

from server.auth.policy import AuthPolicy
from server.grpc.collections_service import CollectionsService
from server.grpc.health_service import SERVICE_NAME as HEALTH_SERVICE
from server.grpc.health_service import HealthService
from server.grpc.interceptor import RequestGuard
from server.grpc.points_service import PointsService
from server.grpc.qdrant_service import QdrantService
from server.grpc.snapshots_service import SnapshotsService
from server.pb import (
    collections_service_pb2_grpc,
    points_service_pb2_grpc,
    qdrant_pb2_grpc,
    snapshots_service_pb2_grpc,
)
from server.service import Service

PUBLIC_SERVICES = ("qdrant.Qdrant", "qdrant.Collections", "qdrant.Points", "qdrant.Snapshots")
UNLIMITED = -1
"""Qdrant decodes messages of any size on its public gRPC port (tonic `max_decoding_message_size(usize::MAX)`)."""

GRPC_IDLE_MS = 300_000


def build_grpc_server(service: Service, host: str, port: int, max_message_bytes: int = UNLIMITED,
                      snapshots_path: str = "./data/snapshots",
                      interceptors: Sequence[grpc.aio.ServerInterceptor] = (),
                      policy: AuthPolicy | None = None,
                      credentials: grpc.ServerCredentials | None = None) -> grpc.aio.Server:
    """A configured, not yet started server bound to host:port: TLS with `credentials`, else plain
    (Qdrant's default). A port it cannot bind is a one-line `SystemExit`."""
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
        # exclusive: with SO_REUSEPORT (grpc's default) a second server shares the port silently
        ("grpc.so_reuseport", 0),
        # idle channels get a GOAWAY after 5 minutes (clients reconnect on their next call)
        ("grpc.max_connection_idle_ms", GRPC_IDLE_MS),
    ]
    # the guard first: it decodes the request, so the accounting after it sees the message (its
    # collection_name); a refused call therefore never reaches the access log
    server = grpc.aio.server(options=options, interceptors=[RequestGuard(policy), *interceptors])
    qdrant_pb2_grpc.add_QdrantServicer_to_server(QdrantService(), server)  # type: ignore[no-untyped-call]
    collections_service_pb2_grpc.add_CollectionsServicer_to_server(CollectionsService(service), server)  # type: ignore[no-untyped-call]
    points_service_pb2_grpc.add_PointsServicer_to_server(PointsService(service), server)  # type: ignore[no-untyped-call]
    snapshots_service_pb2_grpc.add_SnapshotsServicer_to_server(SnapshotsService(service, snapshots_path), server)  # type: ignore[no-untyped-call]
    health_pb2_grpc.add_HealthServicer_to_server(HealthService(PUBLIC_SERVICES), server)
    reflection.enable_server_reflection((*PUBLIC_SERVICES, HEALTH_SERVICE, reflection.SERVICE_NAME), server)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        if credentials is None:
            server.add_insecure_port(address)
        else:
            server.add_secure_port(address, credentials)
    except RuntimeError:
        raise SystemExit(f"cannot listen on {address} for gRPC: address in use or not available") from None
    return server
