"""Hardening probes (issue 10's table): each hostile input gets a Qdrant-shaped 4xx (or a gRPC
INVALID_ARGUMENT), the server keeps serving, the collection stays readable and nothing changed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
from compat_server import ServerProcess
from conftest import memory_mode, unique_collection_name

pytestmark = pytest.mark.skipif(memory_mode(), reason="probes need the real server")


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


def _nested_filter(depth: int) -> Any:
    value: Any = {"key": "k", "match": {"value": "x"}}
    for _ in range(depth):
        value = {"must": [value]}
    return value


@pytest.fixture(scope="module")
def seeded(server: ServerProcess | None) -> Iterator[tuple[str, str]]:
    assert server is not None
    name = unique_collection_name("hardening")
    with httpx.Client(base_url=server.url, timeout=60) as http:
        http.put(f"/collections/{name}", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
        http.put(f"/collections/{name}/points?wait=true", json={"points": [
            {"id": i, "vector": [1.0, float(i)], "payload": {"i": i}} for i in range(1, 11)]}).raise_for_status()
    yield server.url, name
    httpx.delete(f"{server.url}/collections/{name}", timeout=60)


def _snapshot(url: str, name: str) -> Any:
    """Everything a probe must leave unchanged: the points with payloads, and the collection list."""
    with httpx.Client(base_url=url, timeout=60) as http:
        points = http.post(f"/collections/{name}/points/scroll", json={"limit": 100, "with_payload": True})
        assert points.status_code == 200, points.text  # readable, payloads render
        names = sorted(c["name"] for c in http.get("/collections").json()["result"]["collections"])
    return points.json()["result"]["points"], names


def _probe(seeded: tuple[str, str], method: str, path: str, status: int, text: str, **kwargs: Any) -> None:
    url, name = seeded
    before = _snapshot(url, name)
    reply = httpx.request(method, url + path.format(name=name), timeout=60, **kwargs)
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json"), reply.text
    error = reply.json()["status"]["error"]
    assert text in error, error
    assert len(error) < 500
    assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200  # still serving
    assert _snapshot(url, name) == before  # nothing changed, still readable


def test_deep_payload(seeded: tuple[str, str]) -> None:
    _probe(seeded, "PUT", "/collections/{name}/points?wait=true", 400, "nested deeper than 100 levels",
           json={"points": [{"id": 1, "vector": [1.0, 0.0], "payload": _nested(260)}]})
    _probe(seeded, "POST", "/collections/{name}/points/payload?wait=true", 400, "nested deeper than 100 levels",
           json={"payload": _nested(120), "points": [1]})


def test_deep_filter(seeded: tuple[str, str]) -> None:
    _probe(seeded, "POST", "/collections/{name}/points/count", 400, "nested deeper than 100 levels",
           json={"filter": _nested_filter(250)})
    _probe(seeded, "POST", "/collections/{name}/points/delete?wait=true", 400, "nested deeper than 100 levels",
           json={"filter": _nested_filter(250)})


def test_long_collection_name(seeded: tuple[str, str]) -> None:
    _probe(seeded, "PUT", "/collections/" + "n" * 256, 422, "collection name",
           json={"vectors": {"size": 2, "distance": "Dot"}})


def test_huge_vector_size(seeded: tuple[str, str]) -> None:
    _probe(seeded, "PUT", "/collections/huge_vectors", 422, "65536",
           json={"vectors": {"size": 1_000_000_000, "distance": "Dot"}})


def test_limit_beyond_u64(seeded: tuple[str, str]) -> None:
    _probe(seeded, "POST", "/collections/{name}/points/query", 400, "limit", json={"limit": 2**64})


def test_invalid_utf8_in_path(seeded: tuple[str, str]) -> None:
    _probe(seeded, "PUT", "/collections/%FF", 400, "UTF-8", json={"vectors": {"size": 2, "distance": "Dot"}})
    _probe(seeded, "GET", "/collections/%FE/exists", 400, "UTF-8")


def test_cross_origin_text_plain_cannot_write(seeded: tuple[str, str]) -> None:
    _probe(seeded, "POST", "/collections/{name}/points/delete?wait=true", 400, "Content type error",
           content=b'{"points": [1, 2, 3]}', headers={"Content-Type": "text/plain", "Origin": "https://evil.example"})
    _probe(seeded, "POST", "/collections/{name}/points/delete?wait=true", 400, "Content type error",
           content=b'{"points": [1]}', headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_cors_as_qdrant(seeded: tuple[str, str]) -> None:
    url, name = seeded
    preflight = httpx.options(f"{url}/collections/{name}/points/query", timeout=10, headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,api-key"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] in ("*", "https://app.example")
    assert "POST" in preflight.headers["access-control-allow-methods"]
    simple = httpx.get(f"{url}/collections", headers={"Origin": "https://app.example"}, timeout=10)
    assert simple.headers["access-control-allow-origin"] == "*"


def test_malformed_grpc_message(seeded: tuple[str, str], server: ServerProcess | None) -> None:
    assert server is not None
    url, name = seeded
    before = _snapshot(url, name)
    with grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}") as channel:
        upsert = channel.unary_unary("/qdrant.Points/Upsert")
        with pytest.raises(grpc.RpcError) as caught:
            upsert(b"\x0a\xff\xff\xff\xff\x0f garbage", timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert len(caught.value.details() or "") < 300
    assert "class" not in (caught.value.details() or "")
    assert _snapshot(url, name) == before


def test_snapshot_recovery_from_a_non_http_port(seeded: tuple[str, str], server: ServerProcess | None) -> None:
    """Our own gRPC port speaks HTTP/2 frames: a 4xx with a plain message, no raw bytes, no 500."""
    assert server is not None
    _probe(seeded, "PUT", "/collections/{name}/snapshots/recover?wait=true", 400, "did not answer with HTTP",
           json={"location": f"http://127.0.0.1:{server.grpc_port}/x.snapshot"}, headers={"api-key": "caller-key"})
