"""The collection write path and reads, against a plain-dict model of what should be stored."""

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.errors import BadInput, NotFound
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import (
    ClearPayload,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import CountRequest, NearestQuery, QueryRequest, ScrollRequest


def make(distance: Distance = Distance.DOT, dim: int = 3) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=dim, distance=distance)}, unnamed=True)
    return Collection("c", CollectionConfig(params=params))


def vec(*xs: float) -> np.ndarray:
    return np.asarray(xs, dtype=np.float32)


def upsert(col: Collection, pid: int | str, v: np.ndarray, payload: dict | None = None) -> int:
    return col.update(UpsertPoints(points=[PointStruct(id=pid, vectors={"": v}, payload=payload)]))


def tenant(value: str) -> Filter:
    return Filter(must=(FieldMatch(key="tenant", match=MatchValue(value=value)),))


def test_upsert_search_returns_best_first_with_versions() -> None:
    col = make()
    upsert(col, 1, vec(1, 0, 0), {"tenant": "a"})
    op = upsert(col, 2, vec(0, 1, 0), {"tenant": "b"})
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=vec(0.1, 0.9, 0)), with_payload=ALL_PAYLOAD))
    assert [h.id for h in hits] == [2, 1]
    assert hits[0].version == op
    assert hits[0].payload == {"tenant": "b"}
    assert hits[0].score == pytest.approx(0.9)


def test_filter_and_exclusion_of_query_point() -> None:
    col = make()
    for i in range(10):
        upsert(col, i, vec(i, 1, 0), {"tenant": "a" if i % 2 else "b"})
    hits = reads.query(col, QueryRequest(query=NearestQuery(point_id=3), filter=tenant("a"), limit=100))
    ids = [h.id for h in hits]
    assert 3 not in ids and set(ids) == {1, 5, 7, 9}


def test_wrong_dimension_changes_nothing() -> None:
    col = make()
    upsert(col, 1, vec(1, 0, 0))
    bad = UpsertPoints(points=[PointStruct(id=2, vectors={"": vec(1, 2, 3)}),
                               PointStruct(id=3, vectors={"": vec(1, 2)})])
    with pytest.raises(BadInput, match="expected dim: 3, got 2"):
        col.update(bad)
    assert reads.count(col, CountRequest()) == 1


def test_nan_rejected() -> None:
    col = make()
    with pytest.raises(BadInput):
        upsert(col, 1, vec(1, float("nan"), 0))


def test_delete_by_filter_and_count() -> None:
    col = make()
    for i in range(6):
        upsert(col, i, vec(1, 1, 1), {"tenant": "a" if i < 4 else "b"})
    col.update(DeletePoints(filter=tenant("a")))
    assert reads.count(col, CountRequest()) == 2
    assert reads.count(col, CountRequest(filter=tenant("a"))) == 0


def test_payload_operations() -> None:
    col = make()
    upsert(col, 1, vec(1, 0, 0), {"a": 1, "b": {"c": 2}})
    col.update(SetPayload(payload={"x": 5}, ids=[1]))
    col.update(SetPayload(payload={"d": 3}, ids=[1], key="b"))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, False)[0].payload == {"a": 1, "b": {"c": 2, "d": 3}, "x": 5}
    col.update(DeletePayload(keys=["b.c", "a"], ids=[1]))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, False)[0].payload == {"b": {"d": 3}, "x": 5}
    col.update(OverwritePayload(payload={"only": True}, ids=[1]))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, False)[0].payload == {"only": True}
    col.update(ClearPayload(ids=[1]))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, False)[0].payload == {}


def test_payload_op_on_missing_point_is_not_found_and_changes_nothing() -> None:
    col = make()
    upsert(col, 1, vec(1, 0, 0), {"a": 1})
    with pytest.raises(NotFound):
        col.update(SetPayload(payload={"x": 1}, ids=[1, 99]))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, False)[0].payload == {"a": 1}


def test_vector_update_and_delete() -> None:
    col = make()
    upsert(col, 1, vec(1, 0, 0))
    col.update(UpdateVectors(points=[(1, {"": vec(0, 0, 2)})]))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, True)[0].vectors[""].tolist() == [0, 0, 2]
    col.update(DeleteVectors(vector_names=[""], ids=[1]))
    assert reads.retrieve(col, [1], ALL_PAYLOAD, True)[0].vectors == {}
    assert reads.query(col, QueryRequest(query=NearestQuery(vector=vec(1, 1, 1)))) == []


def test_scroll_pages_in_id_order_ints_before_uuids() -> None:
    col = make()
    uid = "6f1b8a4e-8a5e-4c8e-9a55-0c2a5b1f7e10"
    for pid in [5, uid, 1, 3]:
        upsert(col, pid, vec(1, 0, 0))
    first = reads.scroll(col, ScrollRequest(limit=2))
    assert [r.id for r in first.points] == [1, 3] and first.next_page_offset == 5
    second = reads.scroll(col, ScrollRequest(limit=2, offset=first.next_page_offset))
    assert [r.id for r in second.points] == [5, uid] and second.next_page_offset is None


@pytest.mark.parametrize("space", [Distance.EUCLID, Distance.MANHATTAN])
def test_distances_sort_ascending_and_threshold_is_maximum(space: Distance) -> None:
    col = make(space)
    upsert(col, 1, vec(0, 0, 0))
    upsert(col, 2, vec(3, 4, 0))
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=vec(0, 0, 0))))
    assert [h.id for h in hits] == [1, 2]
    assert hits[1].score == pytest.approx(5.0 if space is Distance.EUCLID else 7.0)
    near = reads.query(col, QueryRequest(query=NearestQuery(vector=vec(0, 0, 0)), score_threshold=1.0))
    assert [h.id for h in near] == [1]


def test_update_filter_replaces_only_matching_existing_points_and_inserts_new_ones() -> None:
    col = make()
    upsert(col, 1, vec(1, 0, 0), {"tenant": "a"})
    upsert(col, 2, vec(0, 1, 0), {"tenant": "b"})
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vec(0, 0, 1)}, payload={"tenant": "new"})
                                    for i in (1, 2, 3)], update_filter=tenant("a")))
    payloads = {r.id: r.payload for r in reads.retrieve(col, [1, 2, 3], ALL_PAYLOAD, False)}
    assert payloads == {1: {"tenant": "new"}, 2: {"tenant": "b"}, 3: {"tenant": "new"}}
    col.update(UpdateVectors(points=[(1, {"": vec(1, 1, 1)}), (2, {"": vec(1, 1, 1)})],
                             update_filter=tenant("b")))
    vectors = {r.id: r.vectors[""].tolist() for r in reads.retrieve(col, [1, 2], ALL_PAYLOAD, True)}
    assert vectors == {1: [0, 0, 1], 2: [1, 1, 1]}
