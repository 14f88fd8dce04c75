"""Shared assertions and builders for the compat tests (no fixtures here)."""

from __future__ import annotations

import math
from typing import Any

import httpx
from qdrant_client import QdrantClient, models


def assert_qdrant_error(response: httpx.Response, status: int, *fragments: str) -> str:
    """Assert Qdrant's error shape `{"status": {"error": "..."}, "time": ...}` and return the message."""
    assert response.status_code == status, (
        f"expected {status}, got {response.status_code}: {response.text[:500]}"
    )
    assert "application/json" in response.headers.get("content-type", ""), response.headers
    body = response.json()
    assert isinstance(body.get("status"), dict), body
    message = body["status"].get("error")
    assert isinstance(message, str) and message, body
    assert isinstance(body.get("time"), int | float), body
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in error message {message!r}"
    return message


def assert_ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, f"{response.status_code}: {response.text[:500]}"
    body = response.json()
    assert body["status"] == "ok", body
    assert isinstance(body["time"], int | float), body
    return body["result"]


def create_simple(
    client: QdrantClient, name: str, size: int = 4, distance: models.Distance = models.Distance.DOT
) -> None:
    client.create_collection(name, vectors_config=models.VectorParams(size=size, distance=distance))


def sample_points(count: int, size: int = 4, start: int = 1) -> list[models.PointStruct]:
    """Deterministic points whose vectors never tie on a dot-product score."""
    points = []
    for i in range(start, start + count):
        vector = [math.sin(i * (k + 1) * 0.7) + 0.01 * k for k in range(size)]
        payload = {"n": i, "parity": "even" if i % 2 == 0 else "odd", "tags": [f"t{i % 3}", f"t{i % 5}"]}
        points.append(models.PointStruct(id=i, vector=vector, payload=payload))
    return points


def count(client: QdrantClient, name: str, flt: models.Filter | None = None) -> int:
    return client.count(name, count_filter=flt, exact=True).count


def is_local(client: QdrantClient) -> bool:
    """True for QdrantClient(":memory:"), which keeps no server-side config (hnsw, optimizers, wal)."""
    return type(client._client).__name__ in ("QdrantLocal", "AsyncQdrantLocal")
