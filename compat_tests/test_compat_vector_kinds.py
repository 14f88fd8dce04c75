"""Vector kinds over REST and gRPC vs `QdrantClient(":memory:")`: sparse vectors (with and without
IDF), multivectors (max_sim), float16/uint8 storage, mixed dense + sparse collections with missing
vectors, `has_vector`, config echo and input validation.

Searches go through the query API (`query_points` with sparse and multivector inputs).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from conftest import memory_mode, unique_collection_name
from qdrant_client import QdrantClient, models

RNG = np.random.default_rng(11)
N = 60


def _sparse(rng: np.random.Generator, vocab: int = 30) -> models.SparseVector:
    n = int(rng.integers(1, 7))
    return models.SparseVector(indices=rng.choice(vocab, size=n, replace=False).tolist(),
                               values=rng.random(n).round(3).tolist())


def _points(seed: int) -> list[models.PointStruct]:
    rng = np.random.default_rng(seed)
    points = []
    for i in range(N):
        vector: dict[str, Any] = {}
        if i % 5:
            vector["text"] = _sparse(rng)
        if i % 3:
            vector["dense"] = rng.random(4).round(4).tolist()
        if i % 4:
            vector["colbert"] = rng.random((int(rng.integers(1, 4)), 3)).round(4).tolist()
        points.append(models.PointStruct(id=i, vector=vector, payload={"i": i}))
    return points


def _create(client: QdrantClient, name: str, modifier: models.Modifier | None, multi: models.Distance) -> None:
    client.create_collection(
        name,
        vectors_config={
            "dense": models.VectorParams(size=4, distance=models.Distance.COSINE),
            "colbert": models.VectorParams(size=3, distance=multi, multivector_config=models.MultiVectorConfig(
                comparator=models.MultiVectorComparator.MAX_SIM)),
        },
        sparse_vectors_config={"text": models.SparseVectorParams(
            index=models.SparseIndexParams(on_disk=False, full_scan_threshold=5000), modifier=modifier)},
    )
    client.upsert(name, _points(3), wait=True)


Pair = tuple[tuple[QdrantClient, str], tuple[QdrantClient, str]]


@pytest.fixture(scope="module", params=[None, models.Modifier.IDF], ids=["plain", "idf"])
def mixed(request: pytest.FixtureRequest, client: QdrantClient) -> Pair:
    oracle = QdrantClient(":memory:")
    name = unique_collection_name("kinds")
    multi = models.Distance.DOT if request.param is None else models.Distance.EUCLID
    _create(client, name, request.param, multi)
    _create(oracle, "oracle", request.param, multi)
    return (client, name), (oracle, "oracle")


def _same(got: list[models.ScoredPoint], want: list[models.ScoredPoint], tol: float = 1e-4) -> None:
    assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=tol, rel=tol)
    assert [p.id for p in got] == [p.id for p in want]


def _query(pair: Pair, **kwargs: Any) -> tuple[list[models.ScoredPoint], list[models.ScoredPoint]]:
    (server, name), (oracle, oracle_name) = pair
    got = server.query_points(name, **kwargs).points
    return got, oracle.query_points(oracle_name, **kwargs).points


def test_config_is_echoed(mixed: Pair) -> None:
    (server, name), (oracle, oracle_name) = mixed
    got, want = server.get_collection(name).config.params, oracle.get_collection(oracle_name).config.params
    assert got.sparse_vectors == want.sparse_vectors
    assert got.vectors["colbert"].multivector_config == want.vectors["colbert"].multivector_config  # type: ignore[index]


def test_points_render_every_kind(mixed: Pair) -> None:
    (server, name), (oracle, oracle_name) = mixed
    ids = list(range(12))
    got = server.retrieve(name, ids, with_vectors=True)
    want = oracle.retrieve(oracle_name, ids, with_vectors=True)
    assert [p.id for p in got] == [p.id for p in want]
    for g, w in zip(got, want, strict=True):
        assert isinstance(g.vector, dict) and isinstance(w.vector, dict)
        assert set(g.vector) == set(w.vector)
        for key, value in w.vector.items():
            if isinstance(value, models.SparseVector):
                mine = g.vector[key]
                assert isinstance(mine, models.SparseVector) and mine.indices == sorted(value.indices)
                order = np.argsort(value.indices)
                assert np.allclose(mine.values, np.asarray(value.values)[order], atol=1e-6)
            else:
                assert np.allclose(np.asarray(g.vector[key]), np.asarray(value), atol=1e-6)


@pytest.mark.parametrize("vector_name", ["text", "colbert", "dense"])
def test_has_vector(mixed: Pair, vector_name: str) -> None:
    (server, name), (oracle, oracle_name) = mixed
    flt = models.Filter(must=[models.HasVectorCondition(has_vector=vector_name)])
    got = server.count(name, count_filter=flt).count
    assert got == oracle.count(oracle_name, count_filter=flt).count
    page, _ = server.scroll(name, scroll_filter=flt, limit=N, with_vectors=[vector_name])
    assert page and all(vector_name in p.vector for p in page)  # type: ignore[operator]


def test_sparse_search(mixed: Pair) -> None:
    rng = np.random.default_rng(5)
    for _ in range(5):
        got, want = _query(mixed, query=_sparse(rng), using="text", limit=8, with_vectors=["text"])
        _same(got, want)
        assert all(isinstance(p.vector["text"], models.SparseVector) for p in got)  # type: ignore[index]


def test_sparse_search_with_filter_and_deleted_vector(mixed: Pair) -> None:
    flt = models.Filter(must=[models.FieldCondition(key="i", range=models.Range(gte=20))])
    got, want = _query(mixed, query=models.SparseVector(indices=[1, 2, 3], values=[1.0, 0.5, 0.25]),
                       using="text", query_filter=flt, limit=10)
    _same(got, want)
    assert all(p.id >= 20 for p in got)  # type: ignore[operator]


def test_multivector_search(mixed: Pair) -> None:
    rng = np.random.default_rng(6)
    for _ in range(4):
        query = rng.random((2, 3)).round(4).tolist()
        got, want = _query(mixed, query=query, using="colbert", limit=8, with_vectors=["colbert"])
        _same(got, want)


def test_dense_search_skips_points_without_it(mixed: Pair) -> None:
    got, want = _query(mixed, query=[0.1, 0.2, 0.3, 0.4], using="dense", limit=N)
    _same(got, want)
    assert all(p.id % 3 for p in got)  # type: ignore[operator]


@pytest.mark.parametrize("datatype", [models.Datatype.FLOAT16, models.Datatype.UINT8])
@pytest.mark.parametrize("distance", [models.Distance.COSINE, models.Distance.DOT, models.Distance.EUCLID])
def test_datatypes(client: QdrantClient, datatype: models.Datatype, distance: models.Distance) -> None:
    """uint8: integer inputs in 0..255 score exactly as float32 (local mode ignores the datatype);
    float16: scores agree within half-precision tolerance."""
    rng = np.random.default_rng(9)
    name = unique_collection_name("dtype")
    oracle = QdrantClient(":memory:")
    uint8 = datatype == models.Datatype.UINT8
    rows = rng.integers(0, 256, size=(40, 8)) if uint8 else rng.random((40, 8)) - 0.5
    for target, target_name in ((client, name), (oracle, "oracle")):
        target.create_collection(target_name, vectors_config=models.VectorParams(
            size=8, distance=distance, datatype=datatype))
        target.upsert(target_name, [models.PointStruct(id=i, vector=[float(x) for x in row])
                                    for i, row in enumerate(rows)], wait=True)
    assert client.get_collection(name).config.params.vectors.datatype == datatype  # type: ignore[union-attr]
    query = (rng.integers(0, 256, size=8) if uint8 else rng.random(8) - 0.5).tolist()
    got = client.query_points(name, query=query, limit=10).points
    want = oracle.query_points("oracle", query=query, limit=10).points
    tol = 1e-4 if uint8 else 2e-2
    assert [p.score for p in got] == pytest.approx([p.score for p in want], rel=tol, abs=tol)
    if uint8:
        assert [p.id for p in got] == [p.id for p in want]
        stored = client.retrieve(name, [0], with_vectors=True)[0].vector
        assert stored == [float(x) for x in rows[0]]


def test_invalid_sparse_vectors_are_rejected(client: QdrantClient) -> None:
    name = unique_collection_name("badsparse")
    client.create_collection(name, vectors_config={}, sparse_vectors_config={"text": models.SparseVectorParams()})
    bad = [models.SparseVector.model_construct(indices=[1, 2], values=[1.0]),
           models.SparseVector.model_construct(indices=[1, 1], values=[1.0, 2.0])]
    for vector in bad:
        with pytest.raises(Exception, match="(?i)same length|unique|length"):
            client.upsert(name, [models.PointStruct(id=1, vector={"text": vector})], wait=True)
    assert client.count(name).count == 0


@pytest.mark.raw_http
def test_invalid_sparse_status_codes(raw: Any) -> None:
    if memory_mode():
        pytest.skip("raw HTTP needs the server")
    name = unique_collection_name("rawsparse")
    assert raw.put(f"/collections/{name}", json={"sparse_vectors": {"text": {"modifier": "idf"}}}).status_code == 200
    cases = [({"indices": [1, 2], "values": [1.0]}, 422), ({"indices": [3, 3], "values": [1.0, 1.0]}, 422),
             ({"indices": [2**32], "values": [1.0]}, 400), ({"indices": [-1], "values": [1.0]}, 400)]
    for vector, status in cases:
        response = raw.put(f"/collections/{name}/points?wait=true",
                           json={"points": [{"id": 1, "vector": {"text": vector}}]})
        assert response.status_code == status, response.text
    echoed = raw.get(f"/collections/{name}").json()["result"]["config"]["params"]["sparse_vectors"]
    assert echoed == {"text": {"modifier": "idf"}}
