"""Which shards and how many replicas a read asks, as the request names them: Qdrant's
`shard_key` (body) and `consistency` (query parameter; gRPC `read_consistency`).

Only cluster mode acts on them (server/cluster_service.py reads `current()`); a standalone node
holds one shard and one replica, so both select nothing there. The transport sets the scope for
the request it serves (a context variable: each request runs in its own task), so the many read
routes and the Service's signatures stay as they are.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from dataclasses import dataclass, replace

from engine.errors import MalformedRequest, ValidationError
from engine.types.sharding import ShardKeySelector

CONSISTENCY_TYPES = ("majority", "quorum", "all")


@dataclass(frozen=True, slots=True)
class ReadScope:
    shard_key: ShardKeySelector | None = None
    consistency: int | str | None = None


EVERYTHING = ReadScope()
"""Every shard, one replica each: the scope of a request that names neither."""
_SCOPE: ContextVar[ReadScope] = ContextVar("quiver_read_scope", default=EVERYTHING)


def current() -> ReadScope:
    return _SCOPE.get()


def begin(scope: ReadScope) -> Token[ReadScope]:
    return _SCOPE.set(scope)


def end(token: Token[ReadScope]) -> None:
    _SCOPE.reset(token)


def with_shard_key(selector: ShardKeySelector | None) -> None:
    """The request's body named shard keys (kept for the rest of this request)."""
    if selector is not None:
        _SCOPE.set(replace(_SCOPE.get(), shard_key=selector))


def consistency_from_query(raw: str | None) -> int | str | None:
    """`?consistency=`: a replica count (1 or more) or majority / quorum / all."""
    if raw is None:
        return None
    if raw in CONSISTENCY_TYPES:
        return raw
    try:
        value = int(raw)
    except ValueError:
        raise MalformedRequest(f"Query deserialize error: data did not match any variant of untagged enum "
                               f"ReadConsistency for `consistency`: `{raw}`") from None
    if value < 1:
        raise ValidationError(f"Validation error in query parameters: [consistency: value {value} invalid, "
                              "must be 1 or larger]")
    return value
