"""Qdrant's strict-mode error texts (lib/collection/src/operations/verification): a violated limit
is `Bad request: <what>. Help: <how>` (HTTP 400 / INVALID_ARGUMENT)."""

from __future__ import annotations

from engine.errors import BadRequest


def strict_error(error: str, solution: str) -> BadRequest:
    return BadRequest(f"{error}. Help: {solution}")


def check_limit(value: int | float | None, limit: int | float | None, name: str) -> None:
    """`Limit exceeded V > L for "name"` when a configured limit is exceeded."""
    if value is None or limit is None or value <= limit:
        return
    raise strict_error(f'Limit exceeded {_number(value)} > {_number(limit)} for "{name}"',
                       f'Reduce the "{name}" parameter to or below {_number(limit)}.')


def _number(x: int | float) -> str:
    """A number as Qdrant's messages print it (Rust's Display: a whole float has no `.0`)."""
    return str(int(x)) if isinstance(x, float) and x.is_integer() else str(x)


def check_allowed(value: bool | None, allowed: bool | None, name: str, parameter: str) -> None:
    """`<name> disabled!` when the request asks for something strict mode turned off."""
    if allowed is False and value:
        raise strict_error(f"{name} disabled!", f"Set {parameter}=false.")
