"""`shard_key` of REST update bodies → engine ShardKeySelector (gRPC: server/convert/grpc/sharding.py)."""

from __future__ import annotations

from typing import Any

from engine.types.sharding import ShardKey, ShardKeySelector
from server.convert.json_fields import format_error

_NOT_A_SELECTOR = "data did not match any variant of untagged enum ShardKeySelector"


def _key(raw: Any) -> ShardKey:
    if isinstance(raw, bool) or not (isinstance(raw, str) or (isinstance(raw, int) and 0 <= raw < 1 << 64)):
        raise format_error(_NOT_A_SELECTOR)
    return raw


def selector_from_json(raw: Any) -> ShardKeySelector | None:
    """`"a"`, `7`, `["a", 7]` or `{"target": "a", "fallback": "b"}`; null or absent: None."""
    if raw is None:
        return None
    if isinstance(raw, list):
        return ShardKeySelector(keys=tuple(_key(k) for k in raw))
    if isinstance(raw, dict):
        if set(raw) != {"target", "fallback"}:
            raise format_error(_NOT_A_SELECTOR)
        return ShardKeySelector(keys=(_key(raw["target"]),), fallback=_key(raw["fallback"]))
    return ShardKeySelector(keys=(_key(raw),))


def selector_of(body: Any) -> ShardKeySelector | None:
    """The `shard_key` of an update body (bodies were validated by their converters first)."""
    return selector_from_json(body.get("shard_key")) if isinstance(body, dict) else None


def batch_selectors_from_json(body: Any) -> list[ShardKeySelector | None]:
    """One selector per operation of a `points/batch` body, in order (each operation's own)."""
    return [selector_of(next(iter(raw.values()))) for raw in body["operations"]]
