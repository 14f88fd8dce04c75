"""Universal query API vs QdrantClient(":memory:") over REST and gRPC: prefetch + RRF / DBSF,
recommend (each strategy), discover, context, formula rescoring, sample, lookup_from."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

DIM = 4
N = 60


def _points(seed: int = 7) -> list[models.PointStruct]:
    rng = random.Random(seed)
    return [
        models.PointStruct(
            id=i,
            vector=[rng.uniform(-1, 1) for _ in range(DIM)],
            payload={"group": i % 5 + 1, "n": rng.randint(0, 100), "w": round(rng.uniform(0, 2), 3),
                     "kind": rng.choice(["a", "b", "c"]),
                     "at": f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z",
                     "geo": {"lon": rng.uniform(-10, 10), "lat": rng.uniform(40, 55)}},
        )
        for i in range(1, N + 1)
    ]


Both = tuple[tuple[QdrantClient, str], tuple[QdrantClient, str]]


@pytest.fixture(scope="module")
def both(client: QdrantClient) -> Iterator[Both]:
    oracle = QdrantClient(":memory:")
    name = unique_collection_name("qapi")
    for target in (client, oracle):
        target.create_collection(name, vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE))
        target.upsert(name, points=_points(), wait=True)
    yield (client, name), (oracle, name)
    oracle.close()


def run(both: Both, **kwargs: Any) -> tuple[list[models.ScoredPoint], list[models.ScoredPoint]]:
    (server, name), (oracle, _) = both
    return server.query_points(name, **kwargs).points, oracle.query_points(name, **kwargs).points


def same(got: list[models.ScoredPoint], want: list[models.ScoredPoint]) -> None:
    assert [p.id for p in got] == [p.id for p in want]
    # Qdrant's scores are f32 (rendered in float32 form); the local client's are doubles: relative tolerance
    assert [p.score for p in got] == pytest.approx([p.score for p in want], rel=1e-6, abs=1e-4)
    assert [p.payload for p in got] == [p.payload for p in want]


Q1 = [0.3, -0.2, 0.9, 0.1]
Q2 = [-0.5, 0.4, 0.1, 0.7]
ODD = models.Filter(must=[models.FieldCondition(key="kind", match=models.MatchAny(any=["a", "b"]))])


def _two_prefetches() -> list[models.Prefetch]:
    return [models.Prefetch(query=Q1, limit=20),
            models.Prefetch(query=Q2, limit=15, filter=ODD)]


@pytest.mark.parametrize("fusion", [models.Fusion.RRF, models.Fusion.DBSF])
def test_prefetch_fusion(both: Both, fusion: models.Fusion) -> None:
    got, want = run(both, prefetch=_two_prefetches(), query=models.FusionQuery(fusion=fusion), limit=10,
                    with_payload=True)
    same(got, want)
    assert len(got) == 10


def test_rrf_with_k_and_filter_propagation(both: Both) -> None:
    flt = models.Filter(must=[models.FieldCondition(key="n", range=models.Range(gte=20))])
    got, want = run(both, prefetch=_two_prefetches(), query=models.RrfQuery(rrf=models.Rrf(k=5)), query_filter=flt,
                    limit=8, with_payload=True)
    same(got, want)
    assert all(p.payload["n"] >= 20 for p in got)


def test_nested_prefetch_rescored_by_vector(both: Both) -> None:
    inner = models.Prefetch(prefetch=_two_prefetches(), query=models.FusionQuery(fusion=models.Fusion.RRF), limit=12)
    got, want = run(both, prefetch=[inner], query=Q2, limit=5, with_payload=False)
    same(got, want)


@pytest.mark.parametrize("strategy", list(models.RecommendStrategy))
def test_recommend_strategies(both: Both, strategy: models.RecommendStrategy) -> None:
    query = models.RecommendQuery(recommend=models.RecommendInput(positive=[3, 11, Q1], negative=[7, Q2],
                                                                   strategy=strategy))
    got, want = run(both, query=query, limit=8)
    same(got, want)
    assert not {3, 7, 11} & {p.id for p in got}


def test_discover(both: Both) -> None:
    query = models.DiscoverQuery(discover=models.DiscoverInput(
        target=5, context=[models.ContextPair(positive=9, negative=Q2), models.ContextPair(positive=Q1, negative=21)]))
    got, want = run(both, query=query, limit=10)
    same(got, want)


def test_context(both: Both) -> None:
    query = models.ContextQuery(context=[models.ContextPair(positive=9, negative=14),
                                         models.ContextPair(positive=Q1, negative=Q2)])
    got, want = run(both, query=query, limit=N)
    # many points satisfy every pair (score 0): compare scores, and ids within each score
    assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=1e-4)
    by_score: dict[float, set[Any]] = {}
    for p in want:
        by_score.setdefault(round(p.score, 4), set()).add(p.id)
    for p in got:
        assert p.id in by_score[round(p.score, 4)]


def test_formula_rescoring(both: Both) -> None:
    formula = models.FormulaQuery(
        formula=models.SumExpression(sum=[
            "$score",
            models.MultExpression(mult=[0.01, "n"]),
            models.MultExpression(mult=[0.3, models.FieldCondition(key="kind", match=models.MatchValue(value="a"))]),
            models.ExpDecayExpression(exp_decay=models.DecayParamsExpression(x="w", target=1.0, scale=0.5)),
            models.GaussDecayExpression(gauss_decay=models.DecayParamsExpression(
                x=models.GeoDistance(geo_distance=models.GeoDistanceParams(
                    origin=models.GeoPoint(lat=48.0, lon=2.0), to="geo")), scale=500000.0)),
        ]),
        defaults={"n": 0},
    )
    got, want = run(both, prefetch=models.Prefetch(query=Q1, limit=25), query=formula, limit=10, with_payload=True)
    same(got, want)


def test_formula_datetime_and_div(both: Both) -> None:
    formula = models.FormulaQuery(formula=models.DivExpression(div=models.DivParams(
        left=models.DatetimeKeyExpression(datetime_key="at"), right=models.SumExpression(sum=["$score", 2.0]))))
    got, want = run(both, prefetch=models.Prefetch(query=Q2, limit=15), query=formula, limit=6)
    same(got, want)


def test_sample_random(both: Both) -> None:
    (server, name), _ = both
    points = server.query_points(name, query=models.SampleQuery(sample=models.Sample.RANDOM), query_filter=ODD,
                                 limit=7, with_payload=True).points
    assert len(points) == 7 and len({p.id for p in points}) == 7
    assert all(p.payload["kind"] in ("a", "b") for p in points)


def test_lookup_from_other_collection(both: Both) -> None:
    (server, name), (oracle, _) = both
    other = unique_collection_name("qapi_lookup")
    for target in (server, oracle):
        target.create_collection(other, vectors_config={"img": models.VectorParams(size=DIM,
                                                                                   distance=models.Distance.DOT)})
        target.upsert(other, points=[models.PointStruct(id=1, vector={"img": Q2})], wait=True)
    lookup = models.LookupLocation(collection=other, vector="img")
    got, want = run(both, query=1, lookup_from=lookup, limit=5)
    same(got, want)
    assert 1 in [p.id for p in got] or len(got) == 5  # id 1 of *this* collection is not excluded
    for target in (server, oracle):
        target.delete_collection(other)


def test_fusion_without_prefetch_is_an_error(both: Both) -> None:
    (server, name), _ = both
    with pytest.raises(Exception, match="(?i)fusion"):
        server.query_points(name, query=models.FusionQuery(fusion=models.Fusion.RRF))
