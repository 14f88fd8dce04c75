"""The cluster API's answers as plain values (no NATS here: the standalone server's REST layer imports
these names without importing the cluster's client)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

ShardKey = str | int


@dataclass(slots=True)
class ClusterStatus:
    peer_id: int
    peers: dict[int, str]
    """peer id → its REST URI."""
    commit: int
    """Metadata changes committed so far (the collections bucket's last sequence)."""
    last_update: datetime


@dataclass(slots=True)
class LocalShard:
    shard_id: int
    shard_key: ShardKey | None
    points_count: int
    state: str


@dataclass(slots=True)
class RemoteShard:
    shard_id: int
    shard_key: ShardKey | None
    peer_id: int
    state: str


@dataclass(slots=True)
class CollectionClusterInfo:
    peer_id: int
    shard_count: int
    local_shards: list[LocalShard] = field(default_factory=list)
    remote_shards: list[RemoteShard] = field(default_factory=list)
    shard_transfers: list[dict[str, Any]] = field(default_factory=list)
