"""Which shard an operation's points go to. Pure.

Auto sharding places a point by a hash ring over the shard ids (as Qdrant's `HashRingRouter::Fair`
with 100 virtual nodes per shard, though with our own hash: a point's shard is *not* the one
Qdrant would pick for it; the placement only has to be the same on every Quiver node). Custom
sharding names the shard key in the request; inside a key with several shards the same ring
picks among that key's shards. By-filter operations and payload-index changes go to every shard.
"""

from __future__ import annotations

import bisect
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import replace

from engine.point_id import PointId
from engine.types.operations import (
    ClearPayload,
    CreateFieldIndex,
    DeleteFieldIndex,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    Operation,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)

VIRTUAL_NODES = 100


def _hash(data: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little")


def _id_bytes(pid: PointId) -> bytes:
    if isinstance(pid, int):
        return b"n" + pid.to_bytes(8, "little")
    return b"u" + uuid.UUID(pid).bytes


class HashRing:
    """A consistent-hash ring over shard ids: adding a shard moves only ~1/n of the points."""

    __slots__ = ("_points", "_shards")

    def __init__(self, shard_ids: Sequence[int]) -> None:
        if not shard_ids:
            raise ValueError("a hash ring needs at least one shard")
        ring = sorted((_hash(f"{sid}:{v}".encode()), sid) for sid in shard_ids for v in range(VIRTUAL_NODES))
        self._points = [h for h, _ in ring]
        self._shards = [sid for _, sid in ring]

    def shard_of(self, pid: PointId) -> int:
        at = bisect.bisect(self._points, _hash(_id_bytes(pid)))
        return self._shards[at % len(self._shards)]


def _group_ids(ring: HashRing, ids: list[PointId]) -> dict[int, list[PointId]]:
    groups: dict[int, list[PointId]] = {}
    for pid in ids:
        groups.setdefault(ring.shard_of(pid), []).append(pid)
    return groups


def split(op: Operation, shard_ids: Sequence[int]) -> list[tuple[int, Operation]]:
    """`op` cut into one operation per shard it touches, in shard id order; every shard of
    `shard_ids` for by-filter and index operations. Each part is the same kind of operation."""
    ring = HashRing(shard_ids)
    every = sorted(shard_ids)
    match op:
        case UpsertPoints(points=points):
            parts: dict[int, list] = {}  # type: ignore[type-arg]
            for point in points:
                parts.setdefault(ring.shard_of(point.id), []).append(point)
            return [(sid, replace(op, points=parts[sid])) for sid in sorted(parts)]
        case UpdateVectors(points=points):
            vparts: dict[int, list] = {}  # type: ignore[type-arg]
            for pid, vectors in points:
                vparts.setdefault(ring.shard_of(pid), []).append((pid, vectors))
            return [(sid, replace(op, points=vparts[sid])) for sid in sorted(vparts)]
        case (DeletePoints(ids=list() as ids) | SetPayload(ids=list() as ids) | OverwritePayload(ids=list() as ids)
              | DeletePayload(ids=list() as ids) | ClearPayload(ids=list() as ids)
              | DeleteVectors(ids=list() as ids)):
            groups = _group_ids(ring, ids)
            if not groups:
                return [(every[0], op)]  # an empty id list still answers (and validates) once
            return [(sid, replace(op, ids=groups[sid])) for sid in sorted(groups)]
        case CreateFieldIndex() | DeleteFieldIndex():
            return [(sid, op) for sid in every]
        case _:
            return [(sid, op) for sid in every]  # by filter: each shard applies it to its points
