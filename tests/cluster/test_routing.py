"""Routing of operations to shards: every point lands in exactly one shard, the same on every call."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from cluster.routing import HashRing, split
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import (
    CreateFieldIndex,
    DeletePayload,
    DeletePoints,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct


def _point(pid: int | str) -> PointStruct:
    return PointStruct(id=pid, vectors={"": np.zeros(2, dtype=np.float32)}, payload={"n": str(pid)})


def test_ring_is_deterministic_and_spreads_points() -> None:
    ring, again = HashRing(range(6)), HashRing([5, 4, 3, 2, 1, 0])
    counts = [0] * 6
    for pid in range(6000):
        assert ring.shard_of(pid) == again.shard_of(pid)
        counts[ring.shard_of(pid)] += 1
    assert min(counts) > 500, counts  # ~1000 each; a broken ring piles them up


def test_uuid_and_int_ids_route() -> None:
    ring = HashRing([0, 1, 2])
    u = str(uuid.UUID(int=7))
    assert ring.shard_of(u) in (0, 1, 2)
    assert ring.shard_of(u) == HashRing([2, 1, 0]).shard_of(u)


def test_adding_a_shard_moves_few_points() -> None:
    before, after = HashRing(range(4)), HashRing(range(5))
    moved = sum(before.shard_of(p) != after.shard_of(p) for p in range(4000))
    assert moved < 4000 * 0.35  # consistent hashing: ~1/5 move, not most


def test_upsert_split_keeps_every_point_once_in_its_shard() -> None:
    op = UpsertPoints(points=[_point(i) for i in range(50)], update_mode="insert_only")
    parts = split(op, [0, 1, 2])
    ring = HashRing([0, 1, 2])
    seen = []
    for sid, part in parts:
        assert isinstance(part, UpsertPoints) and part.update_mode == "insert_only"
        assert all(ring.shard_of(p.id) == sid for p in part.points)
        seen.extend(p.id for p in part.points)
    assert sorted(seen) == list(range(50))
    assert [sid for sid, _ in parts] == sorted(sid for sid, _ in parts)


def test_by_id_ops_split_and_filter_ops_go_everywhere() -> None:
    ids: list[int | str] = list(range(20))
    parts = split(SetPayload(payload={"a": 1}, ids=ids), [0, 1, 2, 3])
    assert sorted(i for _, p in parts for i in p.ids) == ids  # type: ignore[union-attr]
    flt = Filter(must=(FieldMatch(key="a", match=MatchValue(value=1)),))
    assert [sid for sid, _ in split(DeletePayload(keys=["a"], filter=flt), [2, 0, 1])] == [0, 1, 2]
    assert [sid for sid, _ in split(DeletePoints(filter=flt), [0, 1])] == [0, 1]
    index = CreateFieldIndex(key="a", schema=PayloadSchema(type="keyword"))
    assert [sid for sid, p in split(index, [0, 1, 2]) if p is index] == [0, 1, 2]


def test_update_vectors_split_by_point() -> None:
    op = UpdateVectors(points=[(i, {"": np.ones(2, dtype=np.float32)}) for i in range(10)])
    parts = split(op, [0, 1])
    assert sorted(pid for _, part in parts for pid, _ in part.points) == list(range(10))  # type: ignore[union-attr]


def test_empty_id_list_still_goes_to_one_shard() -> None:
    assert len(split(DeletePoints(ids=[]), [0, 1, 2])) == 1


def test_ring_needs_a_shard() -> None:
    with pytest.raises(ValueError):
        HashRing([])
