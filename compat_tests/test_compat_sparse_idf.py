"""Sparse IDF over a corpus (`params.idf`, Qdrant 1.19): IDF statistics (N, df per index) computed
over the points that have the vector and match the corpus filter, independently of the retrieval
filter. Pinned twice: against Qdrant's own figures (its integration test's four points, where
the expected scores are sums of ln((N - df + 0.5) / (df + 0.5) + 1)) and against
`QdrantClient(":memory:")` on a seeded data set, over REST and gRPC (the `client` fixture).

Sparse recommend / discover / context (with or without IDF) are compared here too: they score
every point that has the vector, 0 against an example sharing no index with it.

Where local mode and Qdrant differ, Qdrant wins: local mode ignores `idf` on a vector without the
IDF modifier, Qdrant refuses it with 400 (`test_idf_on_a_vector_without_the_modifier_is_refused`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from itertools import groupby
from typing import Any

import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, is_local
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

ERRORS = (UnexpectedResponse, Exception)
VOCAB = 40
N = 200
TOLERANCE = 1e-4


def _idf(n: int, df: int) -> float:
    return math.log((n - df + 0.5) / (df + 0.5) + 1.0)


def _tenant(value: str) -> models.Filter:
    return models.Filter(must=[models.FieldCondition(key="tenant", match=models.MatchValue(value=value))])


def _corpus(flt: models.Filter) -> models.SearchParams:
    return models.SearchParams(idf=models.IdfCorpusParams(corpus=flt))


def _create(client: QdrantClient, name: str) -> None:
    client.create_collection(name, vectors_config={"dense": models.VectorParams(size=2, distance=models.Distance.DOT)},
                             sparse_vectors_config={"s": models.SparseVectorParams(modifier=models.Modifier.IDF),
                                                    "plain": models.SparseVectorParams()})


def _qdrant_points() -> list[models.PointStruct]:
    """lib/collection/tests/integration/sparse_idf_test.rs: (tenant, dims) of points 0..3."""
    rows = [("a", [0, 1]), ("a", [0]), ("b", [0, 1, 2]), ("b", [1])]
    return [models.PointStruct(id=i, vector={"s": models.SparseVector(indices=dims, values=[1.0] * len(dims))},
                               payload={"tenant": tenant}) for i, (tenant, dims) in enumerate(rows)]


def _scores(client: QdrantClient, name: str, **kwargs: Any) -> dict[Any, float]:
    query = models.SparseVector(indices=[0, 1, 2], values=[1.0, 1.0, 1.0])
    return {p.id: p.score for p in client.query_points(name, query=query, using="s", limit=10, **kwargs).points}


def _approx(got: dict[Any, float], want: dict[Any, float]) -> None:
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-5), key


def test_idf_corpus_matches_qdrants_figures(client: QdrantClient, collection_name: str) -> None:
    _create(client, collection_name)
    client.upsert(collection_name, _qdrant_points(), wait=True)
    g = lambda df: _idf(4, df)  # noqa: E731  global: N = 4, df = [3, 3, 1]
    baseline = _scores(client, collection_name)
    _approx(baseline, {0: g(3) + g(3), 1: g(3), 2: g(3) + g(3) + g(1), 3: g(3)})
    explicit = _scores(client, collection_name, search_params=models.SearchParams(idf=models.IdfScope.GLOBAL))
    assert explicit == baseline
    a = lambda df: _idf(2, df)  # noqa: E731  corpus tenant a: N = 2, df = [2, 1, 0]
    _approx(_scores(client, collection_name, search_params=_corpus(_tenant("a"))),
            {0: a(2) + a(1), 1: a(2), 2: a(2) + a(1) + a(0), 3: a(1)})
    # the retrieval filter narrows the hits, never the corpus
    _approx(_scores(client, collection_name, query_filter=_tenant("a"), search_params=_corpus(_tenant("a"))),
            {0: a(2) + a(1), 1: a(2)})
    b = lambda df: _idf(2, df)  # noqa: E731  corpus tenant b: N = 2, df = [1, 2, 1]
    broad = _scores(client, collection_name, search_params=_corpus(_tenant("b")))
    narrow = _scores(client, collection_name, query_filter=_tenant("b"), search_params=_corpus(_tenant("b")))
    assert broad[2] == pytest.approx(b(1) + b(2) + b(1), abs=1e-5)
    _approx(narrow, {2: broad[2], 3: broad[3]})
    # an empty corpus: N = 0, df = 0, ln 2 per index; never a fallback to global statistics
    empty = _scores(client, collection_name, search_params=_corpus(_tenant("missing")))
    assert empty[0] == pytest.approx(2 * math.log(2), abs=1e-5)
    assert empty[2] == pytest.approx(3 * math.log(2), abs=1e-5)


def _sparse(rng: random.Random) -> models.SparseVector:
    # a skewed vocabulary, so that document frequencies differ between corpora
    indices = sorted({min(int(rng.expovariate(0.12)), VOCAB - 1) for _ in range(rng.randint(2, 9))})
    return models.SparseVector(indices=indices, values=[round(rng.uniform(0.1, 2.0), 3) for _ in indices])


def _points() -> list[models.PointStruct]:
    rng = random.Random(23)
    out = []
    for i in range(N):
        vector: dict[str, Any] = {"dense": [rng.gauss(0, 1), rng.gauss(0, 1)], "plain": _sparse(rng)}
        if i % 7:  # some points have no IDF vector: they are no documents of any corpus
            vector["s"] = _sparse(rng)
        out.append(models.PointStruct(id=i, vector=vector, payload={
            "tenant": rng.choice(["a", "b", "c"]), "year": rng.randint(2000, 2024)}))
    return out


Pair = tuple[tuple[QdrantClient, str], tuple[QdrantClient, str]]


@pytest.fixture(scope="module")
def pair(client: QdrantClient) -> Iterator[Pair]:
    oracle = QdrantClient(":memory:")
    name = unique_collection_name("idf_corpus")
    points = _points()
    for target in (client, oracle):
        _create(target, name)
        target.upsert(name, points=points, wait=True)
    # deleted points leave every corpus at once (both sides count live points)
    for target in (client, oracle):
        target.delete(name, points_selector=models.PointIdsList(points=list(range(0, N, 11))), wait=True)
    yield (client, name), (oracle, name)
    oracle.close()


def _same(got: list[models.ScoredPoint], want: list[models.ScoredPoint]) -> None:
    """Same scores in the same order; among equal scores the same set of ids."""
    assert want, "the oracle found nothing: the case proves nothing"
    assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=TOLERANCE)

    def groups(points: list[models.ScoredPoint]) -> list[set[Any]]:
        return [{p.id for p in g} for _, g in groupby(points, key=lambda p: round(p.score, 4))]

    assert groups(got) == groups(want)


CORPORA = {
    "tenant_a": _tenant("a"),
    "recent": models.Filter(must=[models.FieldCondition(key="year", range=models.Range(gte=2015))]),
    "not_c_or_old": models.Filter(should=[models.FieldCondition(key="tenant", match=models.MatchValue(value="b")),
                                          models.FieldCondition(key="year", range=models.Range(lt=2005))]),
    "empty": _tenant("nobody"),
}


@pytest.mark.parametrize("corpus", list(CORPORA))
def test_idf_corpus_congruent_with_local_mode(pair: Pair, corpus: str) -> None:
    (server, name), (oracle, _) = pair
    rng = random.Random(corpus)
    params = _corpus(CORPORA[corpus])
    for retrieval in (None, _tenant("b")):
        query = _sparse(rng)
        kwargs: dict[str, Any] = {"query": query, "using": "s", "limit": 25, "query_filter": retrieval,
                                  "search_params": params}
        _same(server.query_points(name, **kwargs).points, oracle.query_points(name, **kwargs).points)


def test_idf_corpus_in_a_prefetch_congruent_with_local_mode(pair: Pair) -> None:
    """The corpus belongs to the level whose params carry it: a sparse prefetch fused with a dense one."""
    (server, name), (oracle, _) = pair
    rng = random.Random(5)
    prefetch = [models.Prefetch(query=_sparse(rng), using="s", limit=30, params=_corpus(CORPORA["recent"])),
                models.Prefetch(query=[0.3, -0.2], using="dense", limit=30)]
    kwargs: dict[str, Any] = {"prefetch": prefetch, "query": models.FusionQuery(fusion=models.Fusion.DBSF),
                              "limit": 20}
    _same(server.query_points(name, **kwargs).points, oracle.query_points(name, **kwargs).points)
    # and the root's own params rescore the prefetched points over its corpus
    kwargs = {"prefetch": models.Prefetch(query=[0.3, -0.2], using="dense", limit=60), "query": _sparse(rng),
              "using": "s", "limit": 15, "search_params": _corpus(CORPORA["tenant_a"])}
    _same(server.query_points(name, **kwargs).points, oracle.query_points(name, **kwargs).points)


def test_idf_corpus_scores_recommend_examples(pair: Pair) -> None:
    """Sparse examples of a recommend query are IDF-weighted over the corpus too."""
    (server, name), (oracle, _) = pair
    rng = random.Random(9)
    query = models.RecommendQuery(recommend=models.RecommendInput(
        positive=[_sparse(rng), _sparse(rng)], negative=[_sparse(rng)], strategy=models.RecommendStrategy.SUM_SCORES))
    kwargs: dict[str, Any] = {"query": query, "using": "s", "limit": 20, "search_params": _corpus(CORPORA["recent"])}
    _same(server.query_points(name, **kwargs).points, oracle.query_points(name, **kwargs).points)


def _custom_queries(rng: random.Random) -> dict[str, Any]:
    ex = lambda: _sparse(rng)  # noqa: E731
    return {
        "best_score": models.RecommendQuery(recommend=models.RecommendInput(
            positive=[ex()], negative=[ex()], strategy=models.RecommendStrategy.BEST_SCORE)),
        "sum_scores": models.RecommendQuery(recommend=models.RecommendInput(
            positive=[ex(), ex()], negative=[ex()], strategy=models.RecommendStrategy.SUM_SCORES)),
        "discover": models.DiscoverQuery(discover=models.DiscoverInput(
            target=ex(), context=[models.ContextPair(positive=ex(), negative=ex())])),
        "context": models.ContextQuery(context=[models.ContextPair(positive=ex(), negative=ex())]),
    }


@pytest.mark.parametrize("kind", ["best_score", "sum_scores", "discover", "context"])
@pytest.mark.parametrize("using", ["plain", "s"])
def test_sparse_custom_queries_score_every_point_with_the_vector(pair: Pair, kind: str, using: str) -> None:
    """Recommend, discover and context over a sparse vector score every point that has it (Qdrant's
    sparse index runs them as `search_scored` over all points, not over the posting lists): a point
    sharing no index with an example scores 0 against it, and is a result. The limit covers every
    point, so the zero-score ties are compared as sets."""
    (server, name), (oracle, _) = pair
    query = _custom_queries(random.Random(kind))[kind]
    kwargs: dict[str, Any] = {"query": query, "using": using, "limit": N}
    got, want = server.query_points(name, **kwargs).points, oracle.query_points(name, **kwargs).points
    assert len(want) == sum(1 for p in _points() if using in p.vector and p.id % 11)  # type: ignore[operator]
    _same(got, want)


def test_idf_on_a_vector_without_the_modifier_is_refused(client: QdrantClient, collection_name: str) -> None:
    """Qdrant (lib/shard/src/query/query_context.rs) refuses `idf` - even "global" - on a vector
    without the IDF modifier instead of ignoring a scoring parameter; local mode ignores it."""
    _create(client, collection_name)
    client.upsert(collection_name, _qdrant_points(), wait=True)
    for using, query in (("plain", models.SparseVector(indices=[1], values=[1.0])), ("dense", [1.0, 0.0])):
        for idf in (models.IdfScope.GLOBAL, models.IdfCorpusParams(corpus=_tenant("a"))):
            params = models.SearchParams(idf=idf)
            if is_local(client):
                client.query_points(collection_name, query=query, using=using, search_params=params)
                continue
            with pytest.raises(ERRORS) as err:
                client.query_points(collection_name, query=query, using=using, search_params=params)
            # the full text (quotes escaped in the client's exception) is pinned over raw HTTP below
            assert "search param `idf` requires a sparse vector with the `idf` modifier, which vector" in str(err.value)
            assert using in str(err.value)


def test_idf_params_over_raw_http(raw: httpx.Client, collection_name: str) -> None:
    url = f"/collections/{collection_name}"
    assert_ok(raw.put(url, json={"sparse_vectors": {"s": {"modifier": "idf"}, "plain": {}}}))
    points = [{"id": p.id, "vector": {"s": {"indices": p.vector["s"].indices, "values": p.vector["s"].values}},  # type: ignore[index]
               "payload": p.payload} for p in _qdrant_points()]
    assert_ok(raw.put(f"{url}/points?wait=true", json={"points": points}))
    query = {"indices": [0, 1, 2], "values": [1, 1, 1]}

    def scores(params: object, **extra: object) -> dict[int, float]:
        body = {"query": query, "using": "s", "params": params, **extra}
        return {p["id"]: p["score"] for p in assert_ok(raw.post(f"{url}/points/query", json=body))["points"]}

    assert scores({"idf": "global"}) == scores({}) == scores({"idf": None})
    corpus = {"must": [{"key": "tenant", "match": {"value": "a"}}]}
    got = scores({"idf": {"corpus": corpus}})
    assert got[2] == pytest.approx(_idf(2, 2) + _idf(2, 1) + _idf(2, 0), abs=1e-5)
    for bad in ("local", {"corpus": None}, {"filter": corpus}, 3):
        assert_qdrant_error(raw.post(f"{url}/points/query", json={"query": query, "using": "s", "params": {"idf": bad}}),
                            400, "data did not match any variant of untagged enum IdfParams")
    body = {"query": {"indices": [1], "values": [1]}, "using": "plain", "params": {"idf": "global"}}
    assert_qdrant_error(raw.post(f"{url}/points/query", json=body), 400, "Bad request: Validation failed: search "
                        'param `idf` requires a sparse vector with the `idf` modifier, which vector "plain" is not')
    # the corpus filter is read like any read filter: strict mode's unindexed-field rule applies
    assert_ok(raw.patch(url, json={"strict_mode_config": {"enabled": True, "unindexed_filtering_retrieve": False}}))
    assert_qdrant_error(raw.post(f"{url}/points/query", json={"query": query, "using": "s",
                                                              "params": {"idf": {"corpus": corpus}}}),
                        400, 'Index required but not found for "tenant"')
