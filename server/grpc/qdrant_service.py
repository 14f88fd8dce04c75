"""`qdrant.Qdrant`: HealthCheck, with the same title and version as REST's `GET /`."""

from __future__ import annotations

from typing import Any

import grpc

from server.grpc.handler import rpc
from server.pb import qdrant_pb2, qdrant_pb2_grpc
from server.version import VERSION

TITLE = "qdrant - vector search engine"


class QdrantService(qdrant_pb2_grpc.QdrantServicer):  # type: ignore[misc]
    @rpc
    async def HealthCheck(self, request: Any, context: grpc.aio.ServicerContext) -> Any:
        return qdrant_pb2.HealthCheckReply(title=TITLE, version=VERSION)
