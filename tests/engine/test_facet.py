"""Facet counts read from payload-index postings, checked against counting payloads by hand."""

from collections import Counter

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.deadline import Deadline
from engine.errors import BadRequest, Timeout
from engine.shard.optimizer import optimize_shard
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldRange, Filter, Range
from engine.types.operations import CreateFieldIndex, DeletePoints, SetPayload, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct
from engine.types.requests import FacetRequest


def make(schema: str, payloads: list[dict], sealed: bool = False) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.DOT)}, unnamed=True)
    config = CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=1))
    col = Collection("c", config)
    col.update(CreateFieldIndex(key="k", schema=PayloadSchema(type=schema)))
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": np.array([1.0, float(i)], dtype=np.float32)},
                                                payload=p) for i, p in enumerate(payloads)]))
    if sealed:
        while optimize_shard(col.shard):
            pass
    return col


def counted(col: Collection, **kw: object) -> list[tuple[object, int]]:
    return [(h.value, h.count) for h in reads.facet(col, FacetRequest(key="k", **kw))]  # type: ignore[arg-type]


@pytest.mark.parametrize("sealed", [False, True])
def test_keyword_counts_per_point_best_first_with_filter(sealed: bool) -> None:
    rng = np.random.default_rng(3)
    payloads = [{"k": [str(v) for v in rng.integers(0, 6, size=int(rng.integers(0, 3)))], "n": i}
                for i in range(300)]
    col = make("keyword", payloads, sealed)
    expected = Counter(v for p in payloads for v in set(p["k"]))
    want = sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))[:4]
    assert counted(col, limit=4) == want
    flt = Filter(must=(FieldRange(key="n", range=Range(lt=100.0)),))
    expected = Counter(v for p in payloads[:100] for v in set(p["k"]))
    assert counted(col, filter=flt, limit=10) == sorted(expected.items(), key=lambda kv: (-kv[1], kv[0]))


def test_deletes_and_payload_changes_are_counted_at_once() -> None:
    col = make("keyword", [{"k": "a"}, {"k": "a"}, {"k": "b"}], sealed=True)
    col.update(DeletePoints(ids=[0]))
    col.update(SetPayload(payload={"k": "c"}, ids=[1]))
    assert counted(col) == [("b", 1), ("c", 1)]


def test_integer_index_keeps_bools_out_and_uuid_buckets_are_canonical() -> None:
    col = make("integer", [{"k": 5}, {"k": [5, 7]}, {"k": True}, {"k": "5"}])
    assert counted(col) == [(5, 2), (7, 1)]
    u = "550e8400-e29b-41d4-a716-446655440000"
    col = make("uuid", [{"k": u}, {"k": u.upper()}, {"k": u.replace("-", "")}, {"k": "nope"}])
    assert counted(col) == [(u, 3)]


def test_bool_index_and_missing_index() -> None:
    col = make("bool", [{"k": True}, {"k": False}, {"k": True}, {"k": 1}])
    assert counted(col) == [(True, 2), (False, 1)]
    with pytest.raises(BadRequest, match="Index required but not found"):
        reads.facet(col, FacetRequest(key="other"))


def test_an_expired_deadline_stops_the_facet() -> None:
    col = make("keyword", [{"k": "a"}])
    with pytest.raises(Timeout):
        reads.facet(col, FacetRequest(key="k"), Deadline(0.0))


def test_an_expired_deadline_stops_query_groups_and_scroll() -> None:
    from engine.types.requests import GroupsRequest, NearestQuery, QueryRequest, ScrollRequest

    col = make("keyword", [{"k": "a"}, {"k": "b"}])
    query = QueryRequest(query=NearestQuery(vector=np.array([1.0, 0.0], dtype=np.float32)))
    assert len(reads.query(col, query, deadline=Deadline(60.0))) == 2
    with pytest.raises(Timeout, match="Operation timed out after 0.0 seconds"):
        reads.query(col, query, deadline=Deadline(0.0))
    with pytest.raises(Timeout):
        reads.query_groups(col, GroupsRequest(query=query, group_by="k"), deadline=Deadline(0.0))
    with pytest.raises(Timeout):
        reads.scroll(col, ScrollRequest(), Deadline(0.0))
