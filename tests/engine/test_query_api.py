"""The query API in the engine: fusion arithmetic, prefetch trees, recommend/discover/context
objectives, formula evaluation and errors, groups and the distance matrix."""

from __future__ import annotations

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.errors import BadInput, BadRequest, NotFound
from engine.query.candidates import Found
from engine.query.fusion import dbsf, rrf
from engine.segment import Segment
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.expressions import Constant, Div, Mult, Sum, Variable
from engine.types.operations import UpsertPoints
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import (
    ContextPair,
    ContextQuery,
    FormulaQuery,
    Fusion,
    FusionQuery,
    GroupsRequest,
    MatrixRequest,
    NearestQuery,
    Prefetch,
    QueryRequest,
    RecommendQuery,
    RecommendStrategy,
    VectorInput,
)

DIM = 4


@pytest.fixture()
def col() -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.EUCLID)}, unnamed=True)
    c = Collection("c", CollectionConfig(params=params))
    rng = np.random.default_rng(3)
    c.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)},
                                              payload={"g": i % 3, "n": i}) for i in range(1, 31)]))
    return c


def _found(ids: list[int], scores: list[float]) -> list[Found]:
    seg = Segment({})
    return [Found(i, s, seg, 0) for i, s in zip(ids, scores, strict=True)]


def test_rrf_scores_and_tie_order() -> None:
    fused = rrf([_found([1, 2, 3], [0.9, 0.8, 0.7]), _found([4, 2], [5.0, 4.0])], limit=10)
    # k = 2: rank r contributes 1 / (r + 2); ties keep the order of first appearance
    assert [(f.id, round(f.score, 6)) for f in fused] == [
        (2, round(1 / 3 + 1 / 3, 6)), (1, 0.5), (4, 0.5), (3, 0.25)]
    weighted = rrf([_found([1], [1.0]), _found([2], [1.0])], limit=10, k=60, weights=[2.0, 0.0])
    assert [(f.id, f.score) for f in weighted] == [(1, pytest.approx(1 / (0.5 + 59))), (2, 0.0)]


def test_dbsf_normalises_each_source() -> None:
    fused = dbsf([_found([1, 2, 3], [3.0, 2.0, 1.0]), _found([9], [7.0])], limit=10)
    # mean 2, sample std 1: (s - (2 - 3)) / 6; a single result scores 0.5
    assert [(f.id, round(f.score, 6)) for f in fused] == [(1, round(4 / 6, 6)), (2, 0.5), (9, 0.5), (3, round(2 / 6, 6))]


def test_prefetch_rescore_and_errors(col: Collection) -> None:
    q = np.ones(DIM, dtype=np.float32)
    inner = Prefetch(query=NearestQuery(point_id=5), limit=8)
    got = reads.query(col, QueryRequest(prefetch=[inner], query=NearestQuery(vector=q), limit=3))
    candidates = {p.id for p in reads.query(col, QueryRequest(query=NearestQuery(point_id=5), limit=8))}
    assert len(got) == 3 and {p.id for p in got} <= candidates and 5 not in candidates
    assert [p.score for p in got] == sorted(p.score for p in got)  # Euclid: distances ascend
    with pytest.raises(BadRequest, match="cannot apply Fusion without prefetches"):
        reads.query(col, QueryRequest(query=FusionQuery(Fusion.RRF)))
    with pytest.raises(BadRequest, match="cannot have prefetches without a query"):
        reads.query(col, QueryRequest(prefetch=[inner]))
    with pytest.raises(NotFound):
        reads.query(col, QueryRequest(query=NearestQuery(point_id=999)))
    deep = Prefetch(query=NearestQuery(vector=q))
    for _ in range(70):
        deep = Prefetch(prefetch=[deep], query=FusionQuery(Fusion.RRF))
    with pytest.raises(BadRequest, match="exceeds max depth"):
        reads.query(col, QueryRequest(prefetch=[deep], query=FusionQuery(Fusion.RRF)))


def test_recommend_excludes_examples_and_context_is_non_positive(col: Collection) -> None:
    for strategy in RecommendStrategy:
        got = reads.query(col, QueryRequest(query=RecommendQuery([VectorInput(point_id=1)], [VectorInput(point_id=2)],
                                                                 strategy), limit=30))
        assert not {1, 2} & {p.id for p in got}
    pairs = [ContextPair(VectorInput(point_id=3), VectorInput(point_id=4))]
    got = reads.query(col, QueryRequest(query=ContextQuery(pairs), limit=30))
    assert all(p.score <= 0 for p in got) and [p.score for p in got] == sorted((p.score for p in got), reverse=True)
    with pytest.raises(BadRequest, match="positive"):
        reads.query(col, QueryRequest(query=RecommendQuery([], [VectorInput(point_id=2)])))


def test_formula(col: Collection) -> None:
    prefetch = Prefetch(query=NearestQuery(vector=np.zeros(DIM, dtype=np.float32)), limit=30)
    formula = FormulaQuery(Sum((Variable("n"), Mult((Constant(0.0), Variable("missing"))))))
    got = reads.query(col, QueryRequest(prefetch=[prefetch], query=formula, limit=3, with_payload=ALL_PAYLOAD))
    assert [p.id for p in got] == [30, 29, 28] and [p.score for p in got] == [30.0, 29.0, 28.0]
    with pytest.raises(BadInput, match="Expected number value for missing .* No value found in a payload nor defaults"):
        reads.query(col, QueryRequest(prefetch=[prefetch], query=FormulaQuery(Variable("missing"))))
    with pytest.raises(BadInput, match="non-finite"):
        reads.query(col, QueryRequest(prefetch=[prefetch], query=FormulaQuery(Div(Constant(1.0), Constant(0.0)))))
    with pytest.raises(BadRequest, match="cannot apply Formula without prefetches"):
        reads.query(col, QueryRequest(query=formula))


def test_groups_and_matrix(col: Collection) -> None:
    q = QueryRequest(query=NearestQuery(vector=np.ones(DIM, dtype=np.float32)), limit=2)
    groups = reads.query_groups(col, GroupsRequest(query=q, group_by="g", group_size=4))
    assert len(groups) == 2 and all(len(g.hits) == 4 for g in groups)
    assert all(h.id % 3 == g.id for g in groups for h in g.hits)
    result = reads.search_matrix(col, MatrixRequest(sample=100, limit=2))
    assert result.ids == list(range(1, 31)) and len(result.entries) == 60
    assert all(row != colm for row, colm, _ in result.entries)
