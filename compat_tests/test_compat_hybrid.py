"""Hybrid search as RAG services run it: a collection with a dense and a sparse (IDF) vector,
prefetch from both, fuse with RRF, then DBSF, then rescore — over REST and gRPC, congruent with
`QdrantClient(":memory:")` (ids in order; scores within 1e-4; equal scores may swap order)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from itertools import groupby
from typing import Any

import pytest
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

DIM = 16
N = 300
VOCAB = 200
Pair = tuple[tuple[QdrantClient, str], tuple[QdrantClient, str]]


def _sparse(rng: random.Random, terms: int) -> models.SparseVector:
    indices = sorted(rng.sample(range(VOCAB), terms))
    return models.SparseVector(indices=indices, values=[round(rng.uniform(0.1, 2.0), 3) for _ in indices])


def _points() -> list[models.PointStruct]:
    rng = random.Random(11)
    return [
        models.PointStruct(
            id=i,
            vector={"dense": [rng.gauss(0, 1) for _ in range(DIM)], "text": _sparse(rng, rng.randint(3, 12))},
            payload={"tenant": rng.choice(["a", "b", "c"]), "year": rng.randint(2000, 2024)},
        )
        for i in range(N)
    ]


@pytest.fixture(scope="module")
def pair(client: QdrantClient) -> Iterator[Pair]:
    oracle = QdrantClient(":memory:")
    name = unique_collection_name("hybrid")
    points = _points()
    for target in (client, oracle):
        target.create_collection(
            name,
            vectors_config={"dense": models.VectorParams(size=DIM, distance=models.Distance.COSINE)},
            sparse_vectors_config={"text": models.SparseVectorParams(modifier=models.Modifier.IDF)},
        )
        target.upsert(name, points=points, wait=True)
    yield (client, name), (oracle, name)
    oracle.close()


def _run(pair: Pair, **kwargs: Any) -> tuple[list[models.ScoredPoint], list[models.ScoredPoint]]:
    (server, name), (oracle, oracle_name) = pair
    return (server.query_points(name, with_payload=True, **kwargs).points,
            oracle.query_points(oracle_name, with_payload=True, **kwargs).points)


def _same(got: list[models.ScoredPoint], want: list[models.ScoredPoint]) -> None:
    """Same scores in the same order; among equal scores (fusion ties) the same set of ids."""
    assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=1e-4)

    def groups(points: list[models.ScoredPoint]) -> list[set[Any]]:
        return [{p.id for p in g} for _, g in groupby(points, key=lambda p: round(p.score, 4))]

    assert groups(got) == groups(want)
    assert {p.id: p.payload for p in got} == {p.id: p.payload for p in want}


def _prefetch(seed: int, flt: models.Filter | None = None) -> list[models.Prefetch]:
    rng = random.Random(seed)
    return [
        models.Prefetch(query=[rng.gauss(0, 1) for _ in range(DIM)], using="dense", limit=40, filter=flt),
        models.Prefetch(query=_sparse(rng, 4), using="text", limit=40, filter=flt),
    ]


@pytest.mark.parametrize("fusion", [models.Fusion.RRF, models.Fusion.DBSF])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_dense_plus_sparse_fusion(pair: Pair, fusion: models.Fusion, seed: int) -> None:
    got, want = _run(pair, prefetch=_prefetch(seed), query=models.FusionQuery(fusion=fusion), limit=10)
    assert len(want) == 10
    _same(got, want)


def test_fusion_with_tenant_filter(pair: Pair) -> None:
    tenant = models.Filter(must=[models.FieldCondition(key="tenant", match=models.MatchValue(value="b"))])
    got, want = _run(pair, prefetch=_prefetch(4), query=models.FusionQuery(fusion=models.Fusion.RRF),
                     query_filter=tenant, limit=10)
    assert want and all(p.payload["tenant"] == "b" for p in got)
    _same(got, want)


def test_fused_candidates_rescored_by_dense(pair: Pair) -> None:
    rng = random.Random(5)
    rescore = [rng.gauss(0, 1) for _ in range(DIM)]
    inner = models.Prefetch(prefetch=_prefetch(6), query=models.FusionQuery(fusion=models.Fusion.RRF), limit=30)
    got, want = _run(pair, prefetch=[inner], query=rescore, using="dense", limit=8)
    _same(got, want)


def test_sparse_only_query(pair: Pair) -> None:
    got, want = _run(pair, query=_sparse(random.Random(8), 5), using="text", limit=10)
    _same(got, want)
