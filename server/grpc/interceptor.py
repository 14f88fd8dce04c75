"""Every gRPC call passes here first: authentication, access control and message decoding.

- Authentication as Qdrant's tonic `AuthMiddleware`: metadata `api-key` or `authorization:
  Bearer ...`; `qdrant.Qdrant/HealthCheck` and `grpc.health.v1.Health/Check` are exempt. Failures
  answer UNAUTHENTICATED / PERMISSION_DENIED with Qdrant's text and are logged.
- Access: the requirement of the method (`server.auth.table`) is checked against the collection the
  request names, with the same rules and texts as REST.
- Decoding: unary requests reach us as bytes and are decoded here, so a malformed message answers
  INVALID_ARGUMENT with a short message (grpc would answer UNKNOWN with a Python class name).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc

from engine.errors import EngineError, Forbidden, Unauthorized
from server.auth.access import FULL, Access, Requirement, Scope
from server.auth.context import current_access
from server.auth.policy import AuthPolicy, log_denied
from server.auth.table import GRPC_EXEMPT, grpc_requirement
from server.convert.errors import describe

log = logging.getLogger("quiver.grpc")

_UNLISTED = Requirement(Scope.GLOBAL, write=True, manage=True)
"""A served method missing from the table needs full access (fail closed)."""
_MAX_DECODE_ERROR = 200


class RequestGuard(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    def __init__(self, policy: AuthPolicy | None) -> None:
        self.policy = policy

    async def intercept_service(
        self, continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        handler = await continuation(details)
        if handler is None:
            return handler
        method: str = details.method  # type: ignore[attr-defined]
        access = FULL
        if self.policy is not None and method not in GRPC_EXEMPT:
            metadata = _metadata(details.invocation_metadata)  # type: ignore[attr-defined]
            try:
                access = await self.policy.authenticate(metadata.get)
            except (Unauthorized, Forbidden) as exc:
                return _refusal(handler, method, exc)
        if handler.unary_unary is None:
            return handler  # streaming (reflection, health watch): authenticated above, nothing to decode
        return _guarded(handler, method, access)


def _metadata(pairs: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in pairs or ():
        if isinstance(value, str):
            found[key.lower()] = value
    return found


def _guarded(handler: grpc.RpcMethodHandler, method: str, access: Access) -> grpc.RpcMethodHandler:
    inner = handler.unary_unary
    decode = handler.request_deserializer
    requirement = grpc_requirement(method) or _UNLISTED

    async def behavior(raw: bytes, context: grpc.aio.ServicerContext) -> Any:
        try:
            request = decode(raw) if decode is not None else raw
        except Exception as exc:  # protobuf's DecodeError and friends: the caller's bytes are broken
            reason = str(exc)[:_MAX_DECODE_ERROR] or type(exc).__name__
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"Unable to decode the request: {reason}")
        collection = getattr(request, "collection_name", None) or None
        try:
            access.check(requirement, collection)
        except Forbidden as exc:
            log_denied("grpc", method, context.peer(), exc)
            _, code, message = describe(exc, grpc=True)
            await context.abort(getattr(grpc.StatusCode, code), message)
        token = current_access.set(access)
        try:
            return await inner(request, context)
        finally:
            current_access.reset(token)

    return grpc.unary_unary_rpc_method_handler(
        behavior, request_deserializer=None, response_serializer=handler.response_serializer)


def _refusal(handler: grpc.RpcMethodHandler, method: str, exc: EngineError) -> grpc.RpcMethodHandler:
    """A handler of the same kind as `handler` that answers with the authentication failure."""
    code = grpc.StatusCode.UNAUTHENTICATED if isinstance(exc, Unauthorized) else grpc.StatusCode.PERMISSION_DENIED

    async def refuse(context: grpc.aio.ServicerContext) -> None:
        log_denied("grpc", method, context.peer(), exc)
        await context.abort(code, exc.message)

    async def unary(request: Any, context: grpc.aio.ServicerContext) -> Any:
        await refuse(context)

    async def streaming(request: Any, context: grpc.aio.ServicerContext) -> AsyncIterator[Any]:
        await refuse(context)
        yield None  # never reached: abort raises

    serializer = handler.response_serializer
    if handler.unary_unary is not None:
        return grpc.unary_unary_rpc_method_handler(unary, response_serializer=serializer)
    if handler.unary_stream is not None:
        return grpc.unary_stream_rpc_method_handler(streaming, response_serializer=serializer)
    if handler.stream_unary is not None:
        return grpc.stream_unary_rpc_method_handler(unary, response_serializer=serializer)
    return grpc.stream_stream_rpc_method_handler(streaming, response_serializer=serializer)
