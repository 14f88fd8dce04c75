"""The metadata records as values: a collection's record (config, shards, replicas, transfers)
and its JSON form in the `quiver-collections` bucket. Pure: no NATS here.

A record is replaced whole by a compare-and-set on its KV revision (meta.py), so every change is a
function `CollectionRecord -> CollectionRecord` that a node may re-run on a newer revision.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from engine.errors import BadInput
from engine.persistence.codec import decode_document, encode_document
from engine.types.config import CollectionConfig
from engine.types.sharding import ShardKey as ShardKey  # re-exported: cluster code names it from here

ACTIVE = "Active"
PARTIAL = "Partial"
RECOVERY = "Recovery"
"""A replica of a restarted node catching up on its stream: not read, not counted for `wait`."""
DEAD = "Dead"
READABLE = frozenset({ACTIVE})
"""Replica states a read may be answered from."""


@dataclass(slots=True)
class ShardRecord:
    id: int
    key: ShardKey | None
    replicas: dict[int, str]
    """peer id → replica state (Qdrant's names: Active, Partial, Dead, ...)."""


@dataclass(slots=True)
class CollectionRecord:
    name: str
    uuid: str
    """Hex; names the shard streams, so a re-created collection never sees the old log."""
    config: CollectionConfig
    sharding_method: str = "auto"
    shards: list[ShardRecord] = field(default_factory=list)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0

    def shard(self, shard_id: int) -> ShardRecord | None:
        return next((s for s in self.shards if s.id == shard_id), None)

    def shards_of_key(self, key: ShardKey | None) -> list[ShardRecord]:
        return [s for s in self.shards if s.key == key]

    @property
    def shard_keys(self) -> list[ShardKey]:
        keys: list[ShardKey] = []
        for s in self.shards:
            if s.key is not None and s.key not in keys:
                keys.append(s.key)
        return keys

    def bumped(self, **changes: Any) -> CollectionRecord:
        """A copy with `changes` applied and the version advanced (every committed change does)."""
        return replace(self, **changes, version=self.version + 1)


def incoming_snapshot(record: CollectionRecord, shard_id: int, peer_id: int) -> dict[str, Any] | None:
    """The snapshot transfer that fills `peer_id`'s replica of the shard, if one is listed."""
    return next((t for t in record.transfers if t.get("shard_id") == shard_id and t.get("to") == peer_id
                 and t.get("method") == "snapshot"), None)


def with_replica_state(record: CollectionRecord, peer_id: int, old: str, new: str) -> CollectionRecord:
    """A copy in which every replica of `peer_id` in state `old` is in state `new` (the same
    record, unbumped, when there is none)."""
    if not any(s.replicas.get(peer_id) == old for s in record.shards):
        return record
    shards = [ShardRecord(id=s.id, key=s.key, replicas={p: (new if p == peer_id and st == old else st)
                                                        for p, st in s.replicas.items()})
              for s in record.shards]
    return record.bumped(shards=shards)


def to_json(record: CollectionRecord) -> bytes:
    body = {
        "name": record.name, "uuid": record.uuid, "config": encode_document(record.config),
        "sharding_method": record.sharding_method,
        "shards": [{"id": s.id, "key": s.key, "replicas": {str(p): st for p, st in s.replicas.items()}}
                   for s in record.shards],
        "transfers": record.transfers, "version": record.version,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def from_json(data: bytes) -> CollectionRecord:
    body = json.loads(data)
    config = decode_document(body["config"])
    if not isinstance(config, CollectionConfig):
        raise ValueError("collection record without a collection config")
    return CollectionRecord(
        name=body["name"], uuid=body["uuid"], config=config, sharding_method=body.get("sharding_method", "auto"),
        shards=[ShardRecord(id=int(s["id"]), key=s.get("key"),
                            replicas={int(p): str(st) for p, st in s.get("replicas", {}).items()})
                for s in body.get("shards", [])],
        transfers=list(body.get("transfers", [])), version=int(body.get("version", 0)),
    )


def place(shard_ids: list[int], peers: list[int], replication_factor: int, start: int = 0) -> dict[int, list[int]]:
    """Replicas for each shard: round-robin over the peers (sorted), `replication_factor` distinct
    peers per shard (fewer when the cluster has fewer peers, as Qdrant places what it can)."""
    if not peers:
        raise BadInput("No alive peers in the cluster to place shards on")
    ordered = sorted(peers)
    count = min(replication_factor, len(ordered))
    return {sid: [ordered[(start + i + r) % len(ordered)] for r in range(count)]
            for i, sid in enumerate(shard_ids)}


def new_shards(first_id: int, shard_number: int, key: ShardKey | None, peers: list[int],
               replication_factor: int, start: int = 0) -> list[ShardRecord]:
    ids = list(range(first_id, first_id + shard_number))
    placement = place(ids, peers, replication_factor, start)
    return [ShardRecord(id=sid, key=key, replicas={p: ACTIVE for p in placement[sid]}) for sid in ids]


def alias_record(aliases: dict[str, str]) -> bytes:
    return json.dumps({"aliases": aliases}, separators=(",", ":"), sort_keys=True).encode()


def aliases_from(data: bytes) -> dict[str, str]:
    body = json.loads(data)
    return {str(k): str(v) for k, v in body.get("aliases", {}).items()}
