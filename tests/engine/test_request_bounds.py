"""Bounded work: every parameter that multiplies work has a cap with Qdrant's validation text,
checked before any work; the distance matrix is vectorised and stops at its deadline."""

from __future__ import annotations

import time

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.deadline import Deadline
from engine.errors import Timeout, ValidationError
from engine.shard.search import nearest
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import Filter, HasId
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import (
    MAX_BATCH,
    MAX_LIMIT,
    MAX_MATRIX_SAMPLE,
    MAX_PREFETCHES,
    FacetRequest,
    GroupsRequest,
    MatrixRequest,
    NearestQuery,
    Prefetch,
    QueryRequest,
    ScrollRequest,
    SearchParams,
    validate_batch,
)


def _col(distance: Distance, n: int = 40) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=8, distance=distance)}, unnamed=True)
    col = Collection("m", CollectionConfig(params=params))
    rng = np.random.default_rng(5)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=8).astype(np.float32)})
                                    for i in range(1, n + 1)]))
    return col


@pytest.mark.parametrize("request_, text", [
    (QueryRequest(limit=MAX_LIMIT + 1), f"limit: value {MAX_LIMIT + 1} invalid, must be {MAX_LIMIT} or smaller"),
    (QueryRequest(limit=0), "limit: value 0 invalid, must be 1 or larger"),
    (QueryRequest(offset=10**9), "offset: value 1000000000 invalid, must be 1000000 or smaller"),
    (QueryRequest(params=SearchParams(hnsw_ef=10**7)), "params.hnsw_ef: value 10000000 invalid"),
    (QueryRequest(prefetch=[Prefetch(limit=10**9)]), "prefetch.limit: value 1000000000 invalid"),
    (QueryRequest(prefetch=[Prefetch(prefetch=[Prefetch()] * MAX_PREFETCHES)] * 2),
     f"prefetch: value {MAX_PREFETCHES + 1} invalid, must be {MAX_PREFETCHES} or smaller"),
    (GroupsRequest(query=QueryRequest(limit=10), group_by="g", group_size=10**6), "group_size: value 1000000"),
    (GroupsRequest(query=QueryRequest(limit=1000), group_by="g", group_size=1000), "limit: value 1000 invalid, must be 100 or"),
    (MatrixRequest(sample=10**9, limit=10**9), f"sample: value 1000000000 invalid, must be {MAX_MATRIX_SAMPLE} or smaller"),
    (MatrixRequest(sample=1), "sample: value 1 invalid, must be 2 or larger"),
    (MatrixRequest(limit=10**6), "limit: value 1000000 invalid"),
    (ScrollRequest(limit=10**7), "limit: value 10000000 invalid"),
    (FacetRequest(key="k", limit=10**7), "limit: value 10000000 invalid"),
])
def test_each_bound_is_a_validation_error(request_: object, text: str) -> None:
    with pytest.raises(ValidationError, match="Validation error in body: \\[" + text.replace("[", "\\[")):
        request_.validate()  # type: ignore[attr-defined]


def test_batches_are_bounded() -> None:
    validate_batch([QueryRequest()] * MAX_BATCH)
    with pytest.raises(ValidationError, match=f"searches: value {MAX_BATCH + 1} invalid"):
        validate_batch([QueryRequest()] * (MAX_BATCH + 1))


def test_the_engine_refuses_before_any_work() -> None:
    col = _col(Distance.DOT)
    started = time.perf_counter()
    with pytest.raises(ValidationError):
        reads.search_matrix(col, MatrixRequest(sample=10**9, limit=10**9))
    with pytest.raises(ValidationError):
        reads.query(col, QueryRequest(query=NearestQuery(vector=np.ones(8, dtype=np.float32)), limit=10**9))
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("distance", [Distance.COSINE, Distance.EUCLID, Distance.MANHATTAN])
def test_matrix_equals_a_nearest_search_per_sampled_point(distance: Distance) -> None:
    col = _col(distance)
    result = reads.search_matrix(col, MatrixRequest(sample=100, limit=3))
    assert result.ids == list(range(1, 41)) and len(result.entries) == 120
    with col.reading() as view:
        for row, pid in enumerate(result.ids):
            found = view.locate(pid)
            assert found is not None
            vector = found[0].columns[""].get(found[1])
            others = Filter(must=(HasId(frozenset(result.ids) - {pid}),))
            expected = [(seg.point_id(o), s)
                        for s, seg, o in nearest(view, "", vector, others, 3)]
            got = [(result.ids[c], s) for r, c, s in result.entries if r == row]
            assert [g[0] for g in got] == [e[0] for e in expected]
            assert np.allclose([g[1] for g in got], [e[1] for e in expected], atol=1e-5)


def test_an_expired_deadline_stops_the_matrix() -> None:
    col = _col(Distance.DOT)
    deadline = Deadline(0.0)
    with pytest.raises(Timeout):
        reads.search_matrix(col, MatrixRequest(sample=40, limit=3), deadline)
    assert Deadline.after(None) is None and not Deadline(60).expired()
