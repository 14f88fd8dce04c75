"""Shard keys (Qdrant's custom sharding): which shards of a collection a request addresses."""

from __future__ import annotations

from dataclasses import dataclass

from engine.types.operations import Operation

ShardKey = str | int
"""A user-defined shard key: a string or an unsigned integer."""


@dataclass(frozen=True, slots=True)
class ShardKeySelector:
    """Qdrant's `ShardKeySelector`: one key, several keys (a write goes to each), or a target key
    with a fallback key used while the target does not exist (`ShardKeyWithFallback`)."""

    keys: tuple[ShardKey, ...]
    fallback: ShardKey | None = None


@dataclass(slots=True)
class Addressed:
    """An update operation with the shard keys its request names (a transport's build result;
    standalone takes `op` alone: one shard, no shard keys)."""

    op: Operation
    shard_key: ShardKeySelector | None = None


def addressed(item: Operation | Addressed) -> Addressed:
    return item if isinstance(item, Addressed) else Addressed(item)
