"""The segment planner on a graph-indexed segment with filters too broad for exact scoring (the
graph with a filter callback): recall and exact scores hold, and the per-search beam width gives the
same beam as hnswlib's own `set_ef`. A low full_scan_threshold makes the test segment (4,000
points) large enough for the graph paths."""

import hnswlib
import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Distance,
    HnswConfig,
    OptimizersConfig,
    VectorParams,
)
from engine.types.filters import FieldRange, Filter, Range
from engine.types.operations import CreateFieldIndex, DeletePoints, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import NearestQuery, QueryRequest, SearchParams

DIM = 16
N = 4000


@pytest.fixture(scope="module")
def indexed() -> tuple[Collection, np.ndarray]:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.COSINE)}, unnamed=True)
    config = CollectionConfig(params=params, hnsw_config=HnswConfig(m=16, ef_construct=100, full_scan_threshold=4),
                              optimizer_config=OptimizersConfig(indexing_threshold=1))
    col = Collection("g", config)
    col.update(CreateFieldIndex(key="rank", schema=PayloadSchema(type="integer")))
    rng = np.random.default_rng(5)
    centres = rng.normal(size=(40, DIM))
    vectors = (centres[rng.integers(0, 40, N)] + 0.4 * rng.normal(size=(N, DIM))).astype(np.float32)
    rank = rng.permutation(N)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vectors[i]}, payload={"rank": int(rank[i])})
                                    for i in range(N)]))
    while optimize_shard(col.shard):
        pass
    assert any(seg.hnsw for seg in col.segments)
    return col, vectors


def _rank_below(share: float) -> Filter:
    return Filter(must=(FieldRange(key="rank", range=Range(lt=share * N)),))


def _recall(col: Collection, queries: np.ndarray, flt: Filter) -> float:
    hits = total = 0
    for q in queries:
        approx = reads.query(col, QueryRequest(query=NearestQuery(vector=q), filter=flt, limit=10,
                                               params=SearchParams(hnsw_ef=64)))
        exact = reads.query(col, QueryRequest(query=NearestQuery(vector=q), filter=flt, limit=10,
                                              params=SearchParams(exact=True)))
        scores = {p.id: p.score for p in exact}
        hits += len(scores.keys() & {p.id for p in approx})
        total += len(scores)
        for p in approx:
            if p.id in scores:
                assert p.score == pytest.approx(scores[p.id], abs=1e-5)
    return hits / total


@pytest.mark.parametrize("share", [0.1, 0.3, 0.6])
def test_filtered_graph_search_keeps_recall_and_exact_scores(indexed: tuple[Collection, np.ndarray],
                                                             share: float) -> None:
    col, vectors = indexed
    assert _recall(col, vectors[:30] + np.float32(0.05), _rank_below(share)) >= 0.95


def test_beam_width_per_search_equals_set_ef(indexed: tuple[Collection, np.ndarray]) -> None:
    """hnswlib searches with a beam of max(ef_, k): asking for k = ef with ef_ pinned to 1 (and no
    lock around a shared setting) finds the same neighbours as set_ef(ef) with k."""
    col, vectors = indexed
    seg = next(s for s in col.segments if s.hnsw)
    index = seg.hnsw[""]
    raw = hnswlib.Index(space="ip", dim=DIM)
    column = seg.dense[""]
    live = np.flatnonzero(column.present[: seg.size])
    raw.init_index(max_elements=live.size, M=16, ef_construction=100, random_seed=100)
    raw.add_items(column.data[live], live)
    for ef in (16, 64):
        raw.set_ef(ef)
        for q in vectors[:20]:
            query = q / np.linalg.norm(q)
            want = raw.knn_query(query, k=10, num_threads=1)[0][0]
            mine = index.search(query, 10, ef)
            assert mine is not None and mine.shape == (10,)
            rebuilt = _with_ef_one(raw, query, ef)
            assert np.array_equal(rebuilt, want)


def _with_ef_one(raw: hnswlib.Index, query: np.ndarray, ef: int) -> np.ndarray:
    old = raw.ef
    raw.set_ef(1)
    try:
        labels: np.ndarray = raw.knn_query(query, k=ef, num_threads=1)[0][0][:10]
        return labels
    finally:
        raw.set_ef(old)


def test_beam_results_match_the_filter_after_deletes(indexed: tuple[Collection, np.ndarray]) -> None:
    col, vectors = indexed
    flt = _rank_below(0.5)
    before = reads.query(col, QueryRequest(query=NearestQuery(vector=vectors[3]), filter=flt, limit=10))
    gone = [p.id for p in before[:5]]
    col.update(DeletePoints(ids=gone))
    after = reads.query(col, QueryRequest(query=NearestQuery(vector=vectors[3]), filter=flt, limit=10))
    assert len(after) == 10 and not set(gone) & {p.id for p in after}
    ranks = {p.id: p.payload["rank"] for p in reads.query(
        col, QueryRequest(query=NearestQuery(vector=vectors[3]), filter=flt, limit=10, with_payload=ALL_PAYLOAD))}
    assert all(r < 0.5 * N for r in ranks.values())
