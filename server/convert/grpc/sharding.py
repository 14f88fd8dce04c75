"""`shard_key_selector` of gRPC requests → engine ShardKeySelector (REST: server/convert/sharding.py)."""

from __future__ import annotations

from typing import Any

from engine.types.sharding import ShardKey, ShardKeySelector
from server.convert.json_fields import format_error


def _key_from_pb(msg: Any) -> ShardKey:
    which = msg.WhichOneof("key")
    if which is None:
        raise format_error("shard key without a value")
    return str(msg.keyword) if which == "keyword" else int(msg.number)


def selector_from_pb(request: Any) -> ShardKeySelector | None:
    """The `shard_key_selector` of a gRPC request or batch operation (None when unset)."""
    if "shard_key_selector" not in request.DESCRIPTOR.fields_by_name or not request.HasField("shard_key_selector"):
        return None
    msg = request.shard_key_selector
    keys = tuple(_key_from_pb(k) for k in msg.shard_keys)
    fallback = _key_from_pb(msg.fallback) if msg.HasField("fallback") else None
    return ShardKeySelector(keys=keys, fallback=fallback)


def batch_op_selector_from_pb(op: Any) -> ShardKeySelector | None:
    which = op.WhichOneof("operation")
    return None if which is None else selector_from_pb(getattr(op, which))
