"""Service endpoints: GET /, health probes, and the async client smoke test."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from compat_helpers import sample_points
from conftest import unique_collection_name
from qdrant_client import AsyncQdrantClient, models


def test_root_reports_qdrant_title_and_version(raw: httpx.Client) -> None:
    response = raw.get("/")
    assert response.status_code == 200
    body = response.json()
    assert body["title"] == "qdrant - vector search engine"
    assert body["version"].startswith("1.19."), body


@pytest.mark.parametrize("probe", ["/healthz", "/livez", "/readyz"])
def test_health_probes_answer_200(raw: httpx.Client, probe: str) -> None:
    response = raw.get(probe)
    assert response.status_code == 200
    assert response.text.strip(), "probe should answer a text message"


def test_stock_client_version_check_passes(server, recwarn) -> None:  # type: ignore[no-untyped-def]
    """QdrantClient() checks the server version on construction and warns on a mismatch."""
    if server is None:
        pytest.skip("needs the real server")
    from qdrant_client import QdrantClient

    client = QdrantClient(url=server.url, prefer_grpc=False, timeout=30)
    try:
        assert client.get_collections() is not None
    finally:
        client.close()
    messages = [str(w.message) for w in recwarn.list]
    assert not [m for m in messages if "compatib" in m.lower() or "version" in m.lower()], messages


def test_async_client_smoke(server) -> None:  # type: ignore[no-untyped-def]
    name = unique_collection_name("async")

    async def scenario() -> None:
        client = (
            AsyncQdrantClient(":memory:") if server is None else AsyncQdrantClient(url=server.url, timeout=30)
        )
        try:
            await client.create_collection(
                name, vectors_config=models.VectorParams(size=4, distance=models.Distance.DOT)
            )
            result = await client.upsert(name, points=sample_points(10), wait=True)
            assert result.status == models.UpdateStatus.COMPLETED
            assert (await client.count(name, exact=True)).count == 10
            hits = (await client.query_points(name, query=[1.0, 0.0, 0.0, 0.0], limit=3)).points
            assert len(hits) == 3
            assert hits[0].score >= hits[1].score >= hits[2].score
            assert await client.collection_exists(name)
            assert await client.delete_collection(name)
            assert not await client.collection_exists(name)
        finally:
            await client.close()

    asyncio.run(scenario())
