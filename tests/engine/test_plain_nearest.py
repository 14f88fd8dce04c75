"""The plain nearest query (a vector, no prefetch) skips the stage tree in engine/query/execute.py:
its answers must equal the staged path's (resolve → run_stage → to_points) for every request shape it
takes, over a sealed segment with a graph plus an appendable one."""

from __future__ import annotations

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.errors import BadInput, BadRequest
from engine.query import execute
from engine.query.candidates import to_points
from engine.query.resolve import resolve, root_offset
from engine.shard.optimizer import optimize_shard
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Distance,
    HnswConfig,
    OptimizersConfig,
    VectorParams,
)
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import CreateFieldIndex, DeletePoints, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import IdfParams, NearestQuery, QueryRequest, SearchParams

DIM = 8


@pytest.fixture(scope="module")
def col() -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.COSINE)}, unnamed=True)
    config = CollectionConfig(params=params, hnsw_config=HnswConfig(m=8, ef_construct=32, full_scan_threshold=1),
                              optimizer_config=OptimizersConfig(indexing_threshold=1))
    c = Collection("c", config)
    c.update(CreateFieldIndex(key="g", schema=PayloadSchema(type="keyword")))
    rng = np.random.default_rng(7)

    def points(ids: range) -> list[PointStruct]:
        return [PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)},
                            payload={"g": "ab"[i % 2], "n": i}) for i in ids]

    c.update(UpsertPoints(points=points(range(1, 401))))
    while optimize_shard(c.shard):
        pass
    c.update(UpsertPoints(points=points(range(401, 451))))  # the appendable segment
    c.update(DeletePoints(ids=[3, 404]))
    assert len(c.segments) >= 2 and any(s.hnsw for s in c.segments)
    return c


def _staged(col: Collection, req: QueryRequest) -> list:
    with col.reading() as view:
        stage = resolve(view, req, lambda name: col.shard)
        found = execute.run_stage(view, stage, None)
        return to_points(found[root_offset(req):], req.with_payload, req.with_vector)


REQUESTS = [
    {},
    {"limit": 5, "offset": 7},
    {"score_threshold": 0.3},
    {"filter": Filter(must=(FieldMatch(key="g", match=MatchValue(value="a")),)), "limit": 20},
    {"with_payload": ALL_PAYLOAD, "with_vector": True, "limit": 3},
    {"params": SearchParams(hnsw_ef=4)},
    {"params": SearchParams(exact=True), "offset": 2},
]


@pytest.mark.parametrize("extra", REQUESTS)
def test_plain_path_equals_the_staged_path(col: Collection, extra: dict) -> None:
    rng = np.random.default_rng(11)
    for _ in range(5):
        req = QueryRequest(query=NearestQuery(vector=rng.normal(size=DIM).astype(np.float32)), **extra)
        fast = reads.query(col, req)
        assert fast, "the request must find points"
        slow = _staged(col, req)
        assert [(p.id, p.version, p.score, p.payload) for p in fast] == \
            [(p.id, p.version, p.score, p.payload) for p in slow]
        for a, b in zip(fast, slow, strict=True):
            assert (a.vectors is None) == (b.vectors is None)
            if a.vectors is not None and b.vectors is not None:
                assert np.array_equal(a.vectors[""], b.vectors[""])  # type: ignore[arg-type]


def test_plain_path_refuses_what_the_staged_path_refuses(col: Collection) -> None:
    idf = QueryRequest(query=NearestQuery(vector=np.ones(DIM, dtype=np.float32)),
                       params=SearchParams(idf=IdfParams()))
    with pytest.raises(BadRequest, match="requires a sparse vector"):
        reads.query(col, idf)
    with pytest.raises(BadRequest, match="requires a sparse vector"):
        _staged(col, idf)
    for vector, message in ((np.ones(DIM + 1, dtype=np.float32), "expected dim: 8, got 9"),
                            (np.array([np.nan] + [1.0] * (DIM - 1), dtype=np.float32), "NaN or infinite"),
                            (np.full(DIM, 3e38, dtype=np.float32), None)):  # finite, its squares overflow
        req = QueryRequest(query=NearestQuery(vector=vector))
        if message is None:
            assert reads.query(col, req)
            continue
        with pytest.raises(BadInput, match=message):
            reads.query(col, req)
        with pytest.raises(BadInput, match=message):
            _staged(col, req)
