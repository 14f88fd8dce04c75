"""Issue 12: resource quotas are enforced as in Qdrant 1.19 (`/quotas`, `storage.quotas`).

On a server of its own (a quota is node-wide: the session's shared server must never refuse writes),
seeded from the storage config with a disk limit of 1% (no real filesystem is that empty): every
write that consumes memory or disk is Qdrant's 507 `Insufficient storage: Disk usage is at N% of
total capacity, exceeding the configured limit of 1%. ...` (gRPC RESOURCE_EXHAUSTED), deletes still
go through; `PUT /quotas` lifts and sets limits at once; the resident-memory limit refuses the same
way once the process is at it. Through the stock client (REST and gRPC) and raw HTTP.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error
from compat_server import ServerProcess, start_server
from conftest import memory_mode
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

pytestmark = [pytest.mark.skipif(memory_mode(), reason="quotas need the real server"), pytest.mark.timeout(120)]

DISK_REFUSAL = "exceeding the configured limit of 1%. Help: Reduce disk usage (e.g. delete points or drop " \
               "collections), or raise `max_disk_usage_percent` in the global quota config."


@pytest.fixture(scope="module")
def quota_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    server = start_server(tmp_path_factory.mktemp("quotas"), env={
        "QDRANT__STORAGE__QUOTAS__ENABLED": "true", "QDRANT__STORAGE__QUOTAS__MAX_DISK_USAGE_PERCENT": "1"})
    try:
        yield server
    finally:
        server.stop()


def _point(i: int) -> models.PointStruct:
    return models.PointStruct(id=i, vector=[1.0, float(i)], payload={"i": i})


def test_writes_are_refused_while_a_limit_is_reached(quota_server: ServerProcess) -> None:
    with httpx.Client(base_url=quota_server.url, timeout=30) as raw:
        status = assert_ok(raw.get("/quotas"))
        assert status["config"] == {"enabled": True, "max_disk_usage_percent": 1}  # seeded by the config
        disk = status["usage"]["disk_usage_percent"]
        assert disk is not None and disk >= 1
        # the collection operations themselves are not quota-gated
        assert_ok(raw.put("/collections/q", json={"vectors": {"size": 2, "distance": "Dot"}}))
        writes = [
            ("PUT", "/collections/q/points", {"points": [{"id": 1, "vector": [1, 2]}]}),
            ("POST", "/collections/q/points/payload", {"payload": {"a": 1}, "points": [1]}),
            ("PUT", "/collections/q/index", {"field_name": "a", "field_schema": "keyword"}),
            ("PUT", "/collections/q/vectors/v", {"dense": {"size": 2, "distance": "Dot"}}),
        ]
        for method, path, body in writes:
            message = assert_qdrant_error(raw.request(method, path, json=body), 507,
                                          "Insufficient storage: Disk usage is at ")
            assert message.endswith(f"% of total capacity, {DISK_REFUSAL}"), message
        # deletes free resources: never refused
        assert_ok(raw.post("/collections/q/points/delete", json={"points": [1]}))
        assert_ok(raw.delete("/collections/q/vectors/v"))
        for transport in ("rest", "grpc"):
            client = QdrantClient(url=quota_server.url, grpc_port=quota_server.grpc_port,
                                  prefer_grpc=transport == "grpc", timeout=30)
            if transport == "grpc":
                with pytest.raises(grpc.RpcError) as info:
                    client.upsert("q", [_point(2)], wait=True)
                assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
                assert DISK_REFUSAL in (info.value.details() or "")
            else:
                with pytest.raises(UnexpectedResponse) as raised:
                    client.upsert("q", [_point(2)], wait=True)
                assert raised.value.status_code == 507
            client.close()
        assert assert_ok(raw.post("/collections/q/points/count", json={"exact": True}))["count"] == 0

        # lifted at once by PUT /quotas (no restart), and kept over the seed by the next start
        assert assert_ok(raw.put("/quotas", json={"enabled": True, "max_disk_usage_percent": 100})) is True
        assert_ok(raw.put("/collections/q/points", params={"wait": "true"},
                          json={"points": [{"id": 1, "vector": [1, 2]}]}))

        # the resident-memory limit refuses the same way once the process is at it (when this machine's
        # memory is so large that the server holds under 1% of it, no valid limit can be reached)
        memory = assert_ok(raw.get("/quotas"))["usage"]["resident_memory_percent"]
        assert memory is not None
        if memory >= 1:
            assert_ok(raw.put("/quotas", json={"enabled": True, "max_resident_memory_percent": memory}))
            message = assert_qdrant_error(raw.put("/collections/q/points", json={"points": [{"id": 3, "vector": [1, 2]}]}),
                                          507, "Insufficient storage: Resident memory usage is at ")
            assert "`max_resident_memory_percent` in the global quota config" in message
        assert_ok(raw.put("/quotas", json={"enabled": False}))
        assert_ok(raw.put("/collections/q/points", json={"points": [{"id": 4, "vector": [1, 2]}]}))


def test_a_stored_config_wins_over_the_seed_after_a_restart(tmp_path: Path) -> None:
    env = {"QDRANT__STORAGE__QUOTAS__ENABLED": "true", "QDRANT__STORAGE__QUOTAS__MAX_DISK_USAGE_PERCENT": "1"}
    server = start_server(tmp_path, env=env)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as raw:
            assert_ok(raw.put("/quotas", json={"enabled": False, "max_disk_usage_percent": 1}))
    finally:
        server.stop()
    again = start_server(tmp_path, log_name="second.log", env=env)
    try:
        with httpx.Client(base_url=again.url, timeout=30) as raw:
            assert assert_ok(raw.get("/quotas"))["config"] == {"enabled": False, "max_disk_usage_percent": 1}
            assert_ok(raw.put("/collections/q", json={"vectors": {"size": 2, "distance": "Dot"}}))
            assert_ok(raw.put("/collections/q/points", json={"points": [{"id": 1, "vector": [1, 2]}]}))
    finally:
        again.stop()
