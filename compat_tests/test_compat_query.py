"""Query API: vector, by id, `using`, filter, params, paging, thresholds, selectors, batch; vs :memory:."""

from __future__ import annotations

from typing import Any

import pytest
from compat_helpers import sample_points
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

QUERY = [0.3, -0.2, 0.9, 0.1]


@pytest.fixture(scope="module")
def both(client: QdrantClient) -> tuple[tuple[QdrantClient, str], tuple[QdrantClient, str]]:
    oracle = QdrantClient(":memory:")
    name = unique_collection_name("query")
    for target, target_name in ((client, name), (oracle, "oracle")):
        target.create_collection(
            target_name,
            vectors_config=models.VectorParams(size=4, distance=models.Distance.COSINE),
        )
        target.upsert(target_name, points=sample_points(40), wait=True)
    return (client, name), (oracle, "oracle")


def _run(both: Any, **kwargs: Any) -> tuple[list[models.ScoredPoint], list[models.ScoredPoint]]:
    (server, name), (oracle, oracle_name) = both
    return server.query_points(name, **kwargs).points, oracle.query_points(oracle_name, **kwargs).points


def _same(got: list[models.ScoredPoint], want: list[models.ScoredPoint]) -> None:
    assert [p.id for p in got] == [p.id for p in want]
    assert [p.score for p in got] == pytest.approx([p.score for p in want], abs=1e-4)
    assert [p.payload for p in got] == [p.payload for p in want]


def test_plain_vector(both: Any) -> None:
    got, want = _run(both, query=QUERY, limit=5, with_payload=False)
    _same(got, want)
    assert all(p.payload is None and p.vector is None for p in got)


def test_limit_offset_and_threshold(both: Any) -> None:
    got, want = _run(both, query=QUERY, limit=4, offset=3, with_payload=True)
    _same(got, want)
    full, _ = _run(both, query=QUERY, limit=7)
    assert [p.id for p in got] == [p.id for p in full[3:7]]
    got, want = _run(both, query=QUERY, limit=40, score_threshold=0.5)
    _same(got, want)
    assert got and all(p.score >= 0.5 for p in got)


def test_by_point_id_excludes_itself(both: Any) -> None:
    got, want = _run(both, query=7, limit=5)
    _same(got, want)
    assert 7 not in [p.id for p in got]


def test_filter_and_search_params(both: Any) -> None:
    flt = models.Filter(must=[models.FieldCondition(key="parity", match=models.MatchValue(value="odd"))])
    for params in (models.SearchParams(exact=True), models.SearchParams(hnsw_ef=128)):
        got, want = _run(
            both, query=QUERY, query_filter=flt, limit=6, search_params=params, with_payload=True
        )
        _same(got, want)
        assert all(p.payload["parity"] == "odd" for p in got)


def test_with_payload_forms(both: Any) -> None:
    for selector in (
        True,
        ["n"],
        models.PayloadSelectorInclude(include=["tags"]),
        models.PayloadSelectorExclude(exclude=["tags"]),
    ):
        got, want = _run(both, query=QUERY, limit=3, with_payload=selector)
        _same(got, want)
    got, _ = _run(both, query=QUERY, limit=1, with_payload=["n"])
    assert set(got[0].payload) == {"n"}


def test_with_vector(both: Any) -> None:
    got, want = _run(both, query=QUERY, limit=3, with_vectors=True)
    for g, w in zip(got, want, strict=True):
        assert g.vector == pytest.approx(w.vector, abs=1e-5)


def test_using_named_vector(client: QdrantClient) -> None:
    name = unique_collection_name("using")
    client.create_collection(
        name,
        vectors_config={
            "small": models.VectorParams(size=2, distance=models.Distance.DOT),
            "big": models.VectorParams(size=3, distance=models.Distance.EUCLID),
        },
    )
    try:
        client.upsert(
            name,
            points=[
                models.PointStruct(id=1, vector={"small": [1, 0], "big": [0, 0, 5]}),
                models.PointStruct(id=2, vector={"small": [0, 1], "big": [0, 0, 1]}),
                models.PointStruct(id=3, vector={"small": [0.5, 0.5]}),
            ],
            wait=True,
        )
        assert [p.id for p in client.query_points(name, query=[1, 0], using="small", limit=3).points] == [
            1,
            3,
            2,
        ]
        hits = client.query_points(name, query=[0, 0, 0], using="big", limit=3).points
        assert [p.id for p in hits] == [2, 1]
        assert [p.score for p in hits] == pytest.approx([1.0, 5.0])
    finally:
        client.delete_collection(name)


def test_query_batch(both: Any) -> None:
    (server, name), (oracle, oracle_name) = both
    requests = [
        models.QueryRequest(query=QUERY, limit=3),
        models.QueryRequest(query=[1, 1, 1, 1], limit=2, with_payload=True),
        models.QueryRequest(
            query=QUERY,
            filter=models.Filter(must=[models.FieldCondition(key="n", range=models.Range(gt=30))]),
            limit=5,
        ),
    ]
    got = server.query_batch_points(name, requests=requests)
    want = oracle.query_batch_points(oracle_name, requests=requests)
    assert len(got) == 3
    for g, w in zip(got, want, strict=True):
        _same(g.points, w.points)
