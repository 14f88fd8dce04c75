"""Heavy requests: one busy collection does not starve another (the engine pool is shared fairly,
README "Security"), the heavy probe itself is answered correctly, and the unbounded distance-matrix
probe is refused with Qdrant's 422 shape on REST and gRPC, through the stock client."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import grpc
import httpx
import pytest
from compat_server import ServerProcess, start_server
from conftest import memory_mode
from qdrant_client import QdrantClient
from qdrant_client.http.exceptions import UnexpectedResponse

pytestmark = pytest.mark.skipif(memory_mode(), reason="needs the real server")

HEAVY, LIGHT = "fair_heavy", "fair_light"
SHOULD = {"should": [{"key": "k", "match": {"value": i}} for i in range(10_000)]}


@pytest.fixture(scope="module")
def fair_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # two engine threads for any one collection (+ the spare one), whatever the machine has
    proc = start_server(tmp_path_factory.mktemp("fairness"),
                        env={"QDRANT__STORAGE__PERFORMANCE__MAX_SEARCH_THREADS": "2"})
    try:
        with httpx.Client(base_url=proc.url, timeout=60) as http:
            for name, size in ((HEAVY, 2000), (LIGHT, 10)):
                http.put(f"/collections/{name}", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
                http.put(f"/collections/{name}/points?wait=true", json={"points": [
                    {"id": i, "vector": [1.0, float(i)], "payload": {"k": i % 50}} for i in range(1, size + 1)]},
                ).raise_for_status()
        yield proc
    finally:
        proc.stop()


def test_a_heavy_collection_does_not_starve_another(fair_server: ServerProcess) -> None:
    finished: list[tuple[float, int, Any]] = []

    def heavy() -> None:
        reply = httpx.post(f"{fair_server.url}/collections/{HEAVY}/points/count",
                           json={"filter": SHOULD, "exact": True}, timeout=300)
        finished.append((time.monotonic(), reply.status_code, reply.json()["result"]))

    # two run, six wait for the heavy collection's share; their bodies are parsed one by one
    threads = [threading.Thread(target=heavy) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    started = time.monotonic()
    light = httpx.post(f"{fair_server.url}/collections/{LIGHT}/points/count", json={"exact": True}, timeout=60)
    light_done = time.monotonic()
    for thread in threads:
        thread.join()
    assert light.status_code == 200 and light.json()["result"] == {"count": 10}
    # the heavy probe itself: answered, and correctly (every point matches one of its conditions)
    assert [(status, result) for _, status, result in finished] == [(200, {"count": 2000})] * 8
    # the light count did not queue behind the heavy ones (with one queue for all collections it
    # waits for every heavy count sent before it): most of them were still running when it was done
    assert sum(done < light_done for done, _, _ in finished) <= 2, (light_done - started, finished)
    assert light_done - started < 10.0  # generous: the machine may be loaded; ~0.1 s when it is quiet


def test_matrix_probe_rest_and_grpc(fair_server: ServerProcess) -> None:
    reply = httpx.post(f"{fair_server.url}/collections/{LIGHT}/points/search/matrix/pairs",
                       json={"sample": 1e9, "limit": 1e9}, timeout=30)
    assert reply.status_code == 422, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert set(body) >= {"status", "time"}
    assert "sample" in body["status"]["error"] and len(body["status"]["error"]) < 300
    for prefer_grpc in (False, True):
        client = QdrantClient(url=fair_server.url, grpc_port=fair_server.grpc_port, prefer_grpc=prefer_grpc,
                              timeout=30, check_compatibility=False)
        try:
            with pytest.raises((UnexpectedResponse, grpc.RpcError)) as caught:
                client.search_matrix_pairs(LIGHT, sample=10**9, limit=10**9)
            if prefer_grpc:
                assert isinstance(caught.value, grpc.RpcError)
                assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
                assert "sample" in (caught.value.details() or "")
            else:
                assert isinstance(caught.value, UnexpectedResponse) and caught.value.status_code == 422
            assert client.count(LIGHT).count == 10  # still serving, nothing changed
        finally:
            client.close()

