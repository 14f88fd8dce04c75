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


_REST_LABEL = "Validation error in JSON body: "
_GRPC_LABEL = "Validation error in body: "


def describe(error: EngineError, grpc: bool = False) -> tuple[int, str, str]:
    """(HTTP status, gRPC code name, full message) for an engine error.

    A validation failure is labelled by the transport that read the request, as Qdrant: actix's
    extractor says `Validation error in JSON body: [...]` (src/actix/mod.rs), tonic's `validate`
    `Validation error in body: [...]` (src/tonic/api/mod.rs). Whichever label the raising code
    used, the one of the transport is shown."""
    for kind in type(error).__mro__:
        if kind in _TABLE:
            status, code, prefix = _TABLE[kind]  # type: ignore[index]
            message = error.message
            if prefix and not message.startswith(prefix):
                message = prefix + message
            if isinstance(error, ValidationError):
                message = _relabel(message, _GRPC_LABEL if grpc else _REST_LABEL)
            return status, code, message
    return 500, "INTERNAL", f"Service internal error: {error.message}"


def _relabel(message: str, label: str) -> str:
    for known in (_REST_LABEL, _GRPC_LABEL):
        if message.startswith(known):
            return label + message[len(known):]
    return message
