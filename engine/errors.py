"""Error kinds the engine raises. Transports map each kind once (server/convert/errors.py)."""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the engine raises on purpose. `message` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(EngineError):
    """The request is well-formed but wrong (Qdrant: `Wrong input: ...`, HTTP 400)."""


class ValidationError(EngineError):
    """The request violates the schema (Qdrant: `Validation error ...`, HTTP 422)."""


class NotFound(EngineError):
    """A collection, point, alias, snapshot or vector name does not exist (HTTP 404)."""


class AlreadyExists(EngineError):
    """The thing to create exists already (HTTP 409)."""


class Timeout(EngineError):
    """The operation did not finish in the time the caller allowed (HTTP 408 / DEADLINE_EXCEEDED)."""


class Unauthorized(EngineError):
    """Missing or wrong API key (HTTP 401 / UNAUTHENTICATED)."""


class Forbidden(EngineError):
    """The key may not do this (HTTP 403 / PERMISSION_DENIED)."""


class ServiceError(EngineError):
    """An internal failure that is not the caller's fault (HTTP 500 / INTERNAL)."""


class BadRequest(EngineError):
    """A request the engine cannot serve as asked (Qdrant: `Bad request: ...`, HTTP 400)."""


class MalformedRequest(EngineError):
    """The request body cannot be read as the expected shape (Qdrant: `Format error in JSON body`, 400)."""


class TooLarge(EngineError):
    """A request above the configured size limit (Qdrant: 400 `Payload error: ...` / RESOURCE_EXHAUSTED)."""


class StandaloneMode(EngineError):
    """The operation needs cluster mode and this node runs standalone (Qdrant: HTTP 405 with
    `Qdrant is running in standalone mode`, gRPC UNIMPLEMENTED)."""

    def __init__(self, message: str = "Qdrant is running in standalone mode") -> None:
        super().__init__(message)


class InsufficientStorage(EngineError):
    """A resource quota refused an update (Qdrant: `Insufficient storage: ...`, HTTP 507 /
    RESOURCE_EXHAUSTED)."""


class RateLimited(EngineError):
    """A strict-mode rate limit refused the request (Qdrant: `Rate limiting exceeded: ...`, HTTP 429 /
    RESOURCE_EXHAUSTED); `retry_after` seconds when waiting helps (the Retry-After header)."""

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
