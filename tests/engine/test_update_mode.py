"""`update_mode` of an upsert (Qdrant 1.19's conditional upsert): insert_only skips ids that exist,
update_only skips ids that do not, and both survive the WAL codec."""

from __future__ import annotations

import numpy as np

from engine.collection import Collection, reads
from engine.persistence.codec import from_plain, to_plain
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import UpdateMode, UpsertPoints
from engine.types.points import ALL_PAYLOAD, PointStruct


def make() -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.DOT)}, unnamed=True)
    return Collection("c", CollectionConfig(params=params))


def points(ids: list[int], tag: str) -> list[PointStruct]:
    return [PointStruct(id=i, vectors={"": np.array([1.0, float(i)], dtype=np.float32)}, payload={"tag": tag})
            for i in ids]


def tags(col: Collection) -> dict[object, object]:
    page = reads.retrieve(col, [1, 2, 3, 4], ALL_PAYLOAD, False)
    return {r.id: (r.payload or {})["tag"] for r in page}


def seeded() -> Collection:
    col = make()
    col.update(UpsertPoints(points=points([1, 2], "old")))
    return col


def test_insert_only_keeps_existing_points_and_inserts_new_ones() -> None:
    col = seeded()
    col.update(UpsertPoints(points=points([2, 3], "new"), update_mode="insert_only"))
    assert tags(col) == {1: "old", 2: "old", 3: "new"}


def test_insert_only_of_new_ids_takes_the_bulk_path() -> None:
    col = make()
    col.update(UpsertPoints(points=points([3, 4], "new"), update_mode="insert_only"))
    assert tags(col) == {3: "new", 4: "new"}


def test_update_only_replaces_existing_points_and_inserts_nothing() -> None:
    col = seeded()
    col.update(UpsertPoints(points=points([2, 3], "new"), update_mode="update_only"))
    assert tags(col) == {1: "old", 2: "new"}
    col.update(UpsertPoints(points=points([4], "new"), update_mode="update_only"))
    assert tags(col) == {1: "old", 2: "new"}


def test_update_only_honours_update_filter() -> None:
    col = seeded()
    col.update(UpsertPoints(points=points([1], "mid")))
    only_old = Filter(must=(FieldMatch("tag", MatchValue("old")),))
    col.update(UpsertPoints(points=points([1, 2, 3], "new"), update_filter=only_old, update_mode="update_only"))
    assert tags(col) == {1: "mid", 2: "new"}


def test_update_mode_survives_the_wal_codec() -> None:
    modes: tuple[UpdateMode, ...] = ("upsert", "insert_only", "update_only")
    for mode in modes:
        op = UpsertPoints(points=points([1, 2], "x"), update_mode=mode)
        back = from_plain(to_plain(op))
        assert back.update_mode == mode
        assert [p.id for p in back.points] == [1, 2]
