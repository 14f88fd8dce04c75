"""gRPC request accounting: one server interceptor times every unary RPC, records it in the shared
request statistics (per full method name and status code, and per collection) and writes one
access-log line (logger `quiver.access.grpc`; silence it with `log_level: INFO,quiver.access=off`).
Health checks and reflection are counted but not logged, like REST's status endpoints."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from server.telemetry.requests import TransportStats

log = logging.getLogger("quiver.access.grpc")
_NOT_LOGGED_PREFIXES = ("/grpc.health.", "/grpc.reflection.")


class AccessInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, stats: TransportStats) -> None:
        self.stats = stats

    async def intercept_service(self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Any]],
                                details: grpc.HandlerCallDetails) -> Any:
        handler = await continuation(details)
        if handler is None or handler.unary_unary is None:
            return handler
        method: str = details.method  # type: ignore[attr-defined]
        inner = handler.unary_unary
        request_id = _request_id(details)

        async def accounted(request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
            started = time.perf_counter()
            code = grpc.StatusCode.OK
            try:
                return await inner(request, context)
            except Exception:
                code = _code(context) or grpc.StatusCode.UNKNOWN
                raise
            finally:
                if code is grpc.StatusCode.OK:
                    code = _code(context) or grpc.StatusCode.OK
                self._account(method, code, time.perf_counter() - started, request, request_id)

        return grpc.unary_unary_rpc_method_handler(accounted, request_deserializer=handler.request_deserializer,
                                                   response_serializer=handler.response_serializer)

    def _account(self, method: str, code: grpc.StatusCode, duration_s: float, request: Any,
                 request_id: str) -> None:
        collection = getattr(request, "collection_name", None) or None
        status = code.name
        self.stats.record(method, status, duration_s, code is not grpc.StatusCode.OK, collection)
        if method.startswith(_NOT_LOGGED_PREFIXES) or not log.isEnabledFor(logging.INFO):
            return
        log.info("%s %s", method, status, extra={
            "transport": "grpc", "rpc": method, "status": status, "duration_ms": round(duration_s * 1000, 3),
            "request_id": request_id, "collection": collection})


def _code(context: Any) -> grpc.StatusCode | None:
    try:
        code = context.code()
    except (AttributeError, NotImplementedError):
        return None
    return code if isinstance(code, grpc.StatusCode) else None


def _request_id(details: grpc.HandlerCallDetails) -> str:
    for key, value in details.invocation_metadata or ():  # type: ignore[attr-defined]
        if key == "x-request-id":
            return str(value)[:128]
    return uuid.uuid4().hex[:16]
