"""Indexed (HNSW) search: recall against exact search with and without filters, and updates and
deletes of points that live in sealed segments."""

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldMatch, FieldRange, Filter, MatchValue, Range
from engine.types.operations import CreateFieldIndex, DeletePoints, SetPayload, UpdateVectors, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import CountRequest, NearestQuery, QueryRequest, SearchParams

DIM = 32
N = 6000


def build(distance: Distance = Distance.COSINE, seed: int = 1) -> tuple[Collection, np.ndarray]:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=distance)}, unnamed=True)
    # 200 KB of vectors per segment = 1600 points of 32 floats: several sealed segments
    col = Collection("c", CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=200)))
    col.update(CreateFieldIndex(key="bucket", schema=PayloadSchema(type="integer")))
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(50, DIM))
    vectors = (centres[rng.integers(0, 50, N)] + 0.3 * rng.normal(size=(N, DIM))).astype(np.float32)
    for start in range(0, N, 500):
        points = [PointStruct(id=i, vectors={"": vectors[i]}, payload={"bucket": i % 100, "rank": i})
                  for i in range(start, min(start + 500, N))]
        col.update(UpsertPoints(points=points))
        while optimize_shard(col.shard):
            pass
    return col, vectors


def recall(col: Collection, queries: np.ndarray, flt: Filter | None) -> float:
    hits = total = 0
    for q in queries:
        approx = reads.query(col, QueryRequest(query=NearestQuery(vector=q), filter=flt, limit=10))
        exact = reads.query(col, QueryRequest(query=NearestQuery(vector=q), filter=flt, limit=10,
                                              params=SearchParams(exact=True)))
        want = {p.id for p in exact}
        hits += len(want & {p.id for p in approx})
        total += len(want)
        for a in approx:  # scores of indexed results are exact scores
            assert a.score == pytest.approx(next((e.score for e in exact if e.id == a.id), a.score), abs=1e-5)
    return hits / max(total, 1)


@pytest.fixture(scope="module")
def indexed() -> tuple[Collection, np.ndarray]:
    return build()


def test_segments_are_sealed_and_indexed(indexed: tuple[Collection, np.ndarray]) -> None:
    col, _ = indexed
    info = col.info()
    assert info.segments_count > 2
    assert info.indexed_vectors_count > N // 2
    assert info.points_count == N


@pytest.mark.parametrize("selectivity", [None, 1, 10, 50])
def test_recall_with_and_without_filters(indexed: tuple[Collection, np.ndarray], selectivity: int | None) -> None:
    col, vectors = indexed
    flt = None
    if selectivity == 1:
        flt = Filter(must=(FieldMatch(key="bucket", match=MatchValue(value=7)),))
    elif selectivity is not None:
        flt = Filter(must=(FieldRange(key="bucket", range=Range(lt=selectivity)),))
    rng = np.random.default_rng(9)
    queries = vectors[rng.integers(0, N, 40)] + 0.05 * rng.normal(size=(40, DIM)).astype(np.float32)
    assert recall(col, queries.astype(np.float32), flt) >= 0.95


@pytest.mark.parametrize("distance", [Distance.DOT, Distance.EUCLID, Distance.MANHATTAN])
def test_every_distance_scores_like_exact(distance: Distance) -> None:
    col, vectors = build(distance, seed=3)
    queries = vectors[:20] + 0.01
    assert recall(col, queries.astype(np.float32), None) >= 0.95


def test_updates_and_deletes_of_sealed_points_are_visible_at_once() -> None:
    col, vectors = build(seed=5)
    sealed = col.segments[0]
    assert sealed.sealed and sealed.hnsw
    target = int(sealed.point_id(0))
    # delete: gone from search and count immediately
    col.update(DeletePoints(ids=[target]))
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=vectors[target]), limit=5))
    assert target not in {h.id for h in hits}
    assert reads.count(col, CountRequest()) == N - 1
    # vector update: the point moves to the appendable segment and is found by its new vector
    other = int(sealed.point_id(1))
    new_vec = -vectors[other]
    col.update(UpdateVectors(points=[(other, {"": new_vec})]))
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=new_vec), limit=1, with_payload=ALL_PAYLOAD))
    assert hits[0].id == other and hits[0].payload == {"bucket": other % 100, "rank": other}
    assert reads.count(col, CountRequest()) == N - 1
    # payload update in place keeps the indexed filter correct
    col.update(SetPayload(payload={"bucket": 1000}, ids=[int(sealed.point_id(2))]))
    flt = Filter(must=(FieldMatch(key="bucket", match=MatchValue(value=1000)),))
    assert reads.count(col, CountRequest(filter=flt)) == 1
    # re-upsert of a sealed point replaces it
    again = int(sealed.point_id(3))
    col.update(UpsertPoints(points=[PointStruct(id=again, vectors={"": vectors[again]}, payload={"x": 1})]))
    assert reads.retrieve(col, [again], ALL_PAYLOAD, False)[0].payload == {"x": 1}
    assert reads.count(col, CountRequest()) == N - 1
