"""Pre-1.16 search endpoints over raw HTTP (still served by Qdrant; not in the 1.19 schema)."""

from __future__ import annotations

import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models

POINTS = [
    {"id": 1, "vector": [0.05, 0.61, 0.76, 0.74], "payload": {"city": "Berlin"}},
    {"id": 2, "vector": [0.19, 0.81, 0.75, 0.11], "payload": {"city": ["Berlin", "London"]}},
    {"id": 3, "vector": [0.36, 0.55, 0.47, 0.94], "payload": {"city": ["Berlin", "Moscow"]}},
    {"id": 4, "vector": [0.18, 0.01, 0.85, 0.80], "payload": {"city": ["London", "Moscow"]}},
    {"id": 5, "vector": [0.24, 0.18, 0.22, 0.44], "payload": {"count": [0]}},
    {"id": 6, "vector": [0.35, 0.08, 0.11, 0.44]},
]
QUERY = [0.2, 0.1, 0.9, 0.7]


@pytest.fixture(scope="module")
def legacy(raw: httpx.Client) -> str:
    name = unique_collection_name("legacy")
    assert_ok(raw.put(f"/collections/{name}", json={"vectors": {"size": 4, "distance": "Dot"}}))
    assert_ok(raw.put(f"/collections/{name}/points?wait=true", json={"points": POINTS}))
    return name


def _oracle(**kwargs: object) -> list[tuple[int, float]]:
    oracle = QdrantClient(":memory:")
    oracle.create_collection("o", vectors_config=models.VectorParams(size=4, distance=models.Distance.DOT))
    oracle.upsert("o", points=[models.PointStruct(**p) for p in POINTS])
    return [(int(p.id), p.score) for p in oracle.query_points("o", **kwargs).points]  # type: ignore[arg-type]


def test_search_matches_readme_example(raw: httpx.Client, legacy: str) -> None:
    result = assert_ok(raw.post(f"/collections/{legacy}/points/search", json={"vector": QUERY, "top": 3}))
    assert [hit["id"] for hit in result] == [4, 1, 3]
    assert [hit["score"] for hit in result] == pytest.approx([1.362, 1.273, 1.208], abs=1e-3)
    assert all(hit.get("payload") is None and "version" in hit for hit in result)
    oracle = _oracle(query=QUERY, limit=3)
    assert [h["id"] for h in result] == [i for i, _ in oracle]
    assert [h["score"] for h in result] == pytest.approx([s for _, s in oracle], abs=1e-4)


def test_search_with_filter_and_payload(raw: httpx.Client, legacy: str) -> None:
    body = {
        "vector": QUERY,
        "limit": 3,
        "filter": {"should": [{"key": "city", "match": {"value": "London"}}]},
        "with_payload": True,
    }
    result = assert_ok(raw.post(f"/collections/{legacy}/points/search", json=body))
    assert [hit["id"] for hit in result] == [4, 2]
    assert result[1]["payload"] == {"city": ["Berlin", "London"]}


def test_search_batch(raw: httpx.Client, legacy: str) -> None:
    body = {"searches": [{"vector": QUERY, "limit": 2}, {"vector": [1, 0, 0, 0], "limit": 1, "offset": 1}]}
    result = assert_ok(raw.post(f"/collections/{legacy}/points/search/batch", json=body))
    assert len(result) == 2
    assert [hit["id"] for hit in result[0]] == [4, 1]
    assert [hit["id"] for hit in result[1]] == [r[0] for r in _oracle(query=[1, 0, 0, 0], limit=1, offset=1)]


def test_search_unknown_collection(raw: httpx.Client) -> None:
    name = unique_collection_name("nope")
    response = raw.post(f"/collections/{name}/points/search", json={"vector": QUERY, "limit": 1})
    assert_qdrant_error(response, 404, f"Collection `{name}` doesn't exist!")
