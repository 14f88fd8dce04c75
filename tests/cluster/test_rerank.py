"""Root MMR and the search matrix over gathered candidates (cluster/rerank.py) give what the engine
gives on one collection holding all the points."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from cluster import rerank
from engine.collection import Collection, reads
from engine.errors import BadRequest
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Distance,
    Modifier,
    SparseVectorParams,
    VectorParams,
)
from engine.types.operations import SetPayload, UpsertPoints
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import GroupsRequest, MatrixRequest, Mmr, NearestQuery, QueryRequest, SearchParams

DISTANCES = [Distance.COSINE, Distance.DOT, Distance.EUCLID, Distance.MANHATTAN]


def _collection(distance: Distance, n: int = 200, seed: int = 3) -> Collection:
    params = CollectionParams(vectors={"v": VectorParams(size=6, distance=distance)}, unnamed=False)
    col = Collection("c", CollectionConfig(params=params))
    rng = np.random.default_rng(seed)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"v": rng.normal(size=6).astype(np.float32)},
                                                payload={"i": i}) for i in range(n)]))
    return col


@pytest.mark.parametrize("distance", DISTANCES)
def test_mmr_over_the_gathered_pool_is_the_engines(distance: Distance) -> None:
    col = _collection(distance)
    query = np.random.default_rng(9).normal(size=6).astype(np.float32)
    request = QueryRequest(query=NearestQuery(vector=query, mmr=Mmr(diversity=0.7, candidates_limit=50)), using="v",
                           limit=7, offset=2, with_payload=ALL_PAYLOAD, params=SearchParams(exact=True))
    want = reads.query(col, request)
    # what the shards' merged answers are: the plain nearest pool with the vector scored on
    pool_request = rerank.mmr_pool_request(request, col.config.params)
    assert pool_request.limit == 50 and pool_request.with_vector == ["v"] and pool_request.query.mmr is None
    pool = reads.query(col, pool_request)
    for hit in pool:
        hit.shard_key = "k"
    got = rerank.mmr_rerank(col.config.params, request, pool)
    assert [h.id for h in got] == [h.id for h in want]
    assert np.allclose([h.score for h in got], [h.score for h in want])
    assert [h.payload for h in got] == [h.payload for h in want] and all(h.vectors is None for h in got)
    assert {h.shard_key for h in got} == {"k"}


def test_mmr_pool_default_is_offset_plus_limit() -> None:
    params = CollectionParams(vectors={"v": VectorParams(size=2, distance=Distance.DOT)}, unnamed=False)
    request = QueryRequest(query=NearestQuery(vector=[1.0, 0.0], mmr=Mmr()), using="v", limit=5, offset=3,
                           with_vector=True)
    pool = rerank.mmr_pool_request(request, params)
    assert (pool.limit, pool.offset, pool.with_vector) == (8, 0, True)


def test_mmr_over_sparse_idf_is_refused() -> None:
    params = CollectionParams(vectors={}, unnamed=False, sparse_vectors={"s": SparseVectorParams(modifier=Modifier.IDF)})
    request = QueryRequest(query=NearestQuery(vector=None, mmr=Mmr()), using="s")
    with pytest.raises(BadRequest, match="not supported in cluster mode yet"):
        rerank.mmr_pool_request(request, params)


@pytest.mark.parametrize("distance", DISTANCES)
def test_matrix_over_every_point_is_the_engines(distance: Distance) -> None:
    col = _collection(distance, n=60)
    request = MatrixRequest(sample=60, limit=4, using="v")
    want = reads.search_matrix(col, request)
    points = reads.query(col, QueryRequest(query=None, limit=60, with_vector=["v"]))
    got = rerank._matrix(col.config.params, points, request, None)
    assert got.ids == want.ids
    assert [(r, c) for r, c, _ in got.entries] == [(r, c) for r, c, _ in want.entries]
    assert np.allclose([s for *_, s in got.entries], [s for *_, s in want.entries])


def test_groups_over_the_mmr_pool_are_the_engines() -> None:
    col = _collection(Distance.COSINE, n=120)
    col.update(SetPayload(payload={"g": "a"}, ids=list(range(0, 120, 3))))
    col.update(SetPayload(payload={"g": "b"}, ids=list(range(1, 120, 3))))
    query = np.random.default_rng(4).normal(size=6).astype(np.float32)
    request = GroupsRequest(query=QueryRequest(query=NearestQuery(vector=query, mmr=Mmr(diversity=0.4)), using="v",
                                               limit=2, with_payload=ALL_PAYLOAD, params=SearchParams(exact=True)),
                            group_by="g", group_size=3)
    want = reads.query_groups(col, request)
    pool_request = replace(rerank.mmr_pool_request(request.query, col.config.params, size=120),
                           with_payload=ALL_PAYLOAD)
    got = rerank.mmr_groups(col.config.params, request, reads.query(col, pool_request))
    assert [(g.id, [h.id for h in g.hits]) for g in got] == [(g.id, [h.id for h in g.hits]) for g in want]
