"""The one error table: engine error kinds → HTTP status + Qdrant body, and → gRPC status code."""

from __future__ import annotations

from engine.errors import (
    AlreadyExists,
    BadInput,
    BadRequest,
    EngineError,
    Forbidden,
    InsufficientStorage,
    MalformedRequest,
    NotFound,
    RateLimited,
    ServiceError,
    StandaloneMode,
    Timeout,
    TooLarge,
    Unauthorized,
    ValidationError,
)

# kind → (HTTP status, gRPC status code name, message prefix as Qdrant prints it)
_TABLE: dict[type[EngineError], tuple[int, str, str]] = {
    BadInput: (400, "INVALID_ARGUMENT", "Wrong input: "),
    BadRequest: (400, "INVALID_ARGUMENT", "Bad request: "),
    ValidationError: (422, "INVALID_ARGUMENT", ""),
    MalformedRequest: (400, "INVALID_ARGUMENT", ""),
    NotFound: (404, "NOT_FOUND", "Not found: "),
    AlreadyExists: (409, "ALREADY_EXISTS", "Wrong input: "),
    TooLarge: (400, "RESOURCE_EXHAUSTED", "Payload error: "),
    Timeout: (408, "DEADLINE_EXCEEDED", "Timeout error: "),
    Unauthorized: (401, "UNAUTHENTICATED", ""),
    Forbidden: (403, "PERMISSION_DENIED", "Forbidden: "),
    RateLimited: (429, "RESOURCE_EXHAUSTED", "Rate limiting exceeded: "),
    InsufficientStorage: (507, "RESOURCE_EXHAUSTED", "Insufficient storage: "),
    ServiceError: (500, "INTERNAL", "Service internal error: "),
    StandaloneMode: (405, "UNIMPLEMENTED", ""),
}


def describe(error: EngineError) -> tuple[int, str, str]:
    """(HTTP status, gRPC code name, full message) for an engine error."""
    for kind in type(error).__mro__:
        if kind in _TABLE:
            status, code, prefix = _TABLE[kind]  # type: ignore[index]
            message = error.message
            if prefix and not message.startswith(prefix):
                message = prefix + message
            return status, code, message
    return 500, "INTERNAL", f"Service internal error: {error.message}"
