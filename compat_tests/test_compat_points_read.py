"""Point reads: get one, retrieve many, count, scroll paging and order_by, facet."""

from __future__ import annotations

import httpx
import pytest
from compat_helpers import assert_ok, create_simple, sample_points
from conftest import unique_collection_name
from qdrant_client import QdrantClient, models


@pytest.fixture(scope="module")
def filled(client: QdrantClient) -> str:
    name = unique_collection_name("read")
    create_simple(client, name)
    client.upsert(name, points=sample_points(25), wait=True)
    client.create_payload_index(
        name, field_name="n", field_schema=models.PayloadSchemaType.INTEGER, wait=True
    )
    client.create_payload_index(
        name, field_name="parity", field_schema=models.PayloadSchemaType.KEYWORD, wait=True
    )
    client.create_payload_index(
        name, field_name="tags", field_schema=models.PayloadSchemaType.KEYWORD, wait=True
    )
    return name


def test_retrieve_many_skips_missing(client: QdrantClient, filled: str) -> None:
    records = client.retrieve(filled, ids=[3, 1, 1000, 2])
    assert sorted(r.id for r in records) == [1, 2, 3]
    assert all(r.vector is None for r in records)
    assert {r.id: r.payload["n"] for r in records} == {1: 1, 2: 2, 3: 3}


def test_retrieve_payload_and_vector_selectors(client: QdrantClient, filled: str) -> None:
    record = client.retrieve(filled, ids=[4], with_payload=["parity"], with_vectors=True)[0]
    assert record.payload == {"parity": "even"}
    assert len(record.vector) == 4
    record = client.retrieve(filled, ids=[4], with_payload=models.PayloadSelectorExclude(exclude=["tags"]))[0]
    assert record.payload == {"n": 4, "parity": "even"}
    # REST sends `payload: null`; a gRPC RetrievedPoint always has a (here empty) payload map
    assert not client.retrieve(filled, ids=[4], with_payload=False)[0].payload


def test_get_one_point_raw(raw: httpx.Client, client: QdrantClient, filled: str) -> None:
    result = assert_ok(raw.get(f"/collections/{filled}/points/5"))
    assert result["id"] == 5
    assert result["payload"]["n"] == 5
    assert len(result["vector"]) == 4
    missing = raw.get(f"/collections/{filled}/points/12345")
    assert missing.status_code == 404
    assert "Not found" in missing.json()["status"]["error"]


def test_count_exact_with_filter(client: QdrantClient, filled: str) -> None:
    assert client.count(filled, exact=True).count == 25
    odd = models.Filter(must=[models.FieldCondition(key="parity", match=models.MatchValue(value="odd"))])
    assert client.count(filled, count_filter=odd, exact=True).count == 13


def test_scroll_pages_cover_everything_once(client: QdrantClient, filled: str) -> None:
    seen, offset, pages = [], None, 0
    while True:
        records, offset = client.scroll(filled, limit=7, offset=offset)
        seen.extend(r.id for r in records)
        pages += 1
        if offset is None:
            break
    assert seen == list(range(1, 26))
    assert pages == 4


def test_scroll_next_page_offset_is_next_id(client: QdrantClient, filled: str) -> None:
    records, offset = client.scroll(filled, limit=10, offset=5)
    assert [r.id for r in records] == list(range(5, 15))
    assert offset == 15


def test_scroll_order_by(client: QdrantClient, filled: str) -> None:
    records, offset = client.scroll(
        filled, limit=5, order_by=models.OrderBy(key="n", direction=models.Direction.DESC)
    )
    assert [r.payload["n"] for r in records] == [25, 24, 23, 22, 21]
    assert offset is None  # order_by scrolls do not page by offset
    records, _ = client.scroll(filled, limit=3, order_by=models.OrderBy(key="n", start_from=10))
    assert [r.payload["n"] for r in records] == [10, 11, 12]


def test_facet_counts(client: QdrantClient, filled: str) -> None:
    response = client.facet(filled, key="parity", exact=True)
    assert {(h.value, h.count) for h in response.hits} == {("odd", 13), ("even", 12)}
    assert [h.value for h in response.hits] == ["odd", "even"]  # by count, descending
    flt = models.Filter(must=[models.FieldCondition(key="n", range=models.Range(lte=5))])
    tags = client.facet(filled, key="tags", facet_filter=flt, limit=3, exact=True)
    assert len(tags.hits) == 3
    assert all(h.count >= 1 for h in tags.hits)
