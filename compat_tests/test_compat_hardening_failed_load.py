"""A collection that fails to load (a corrupt WAL made here) is reported, as Qdrant reports a
collection whose shard did not load: listed in `GET /collections`, `exists` true, and every operation
on it (info included) answers the load error (500 `Service internal error: ...`, gRPC INTERNAL) in
Qdrant's body, while the other collections serve and `/readyz` stays ready. Its files are kept:
a create of the name is refused (409) and changes nothing."""

from __future__ import annotations

from pathlib import Path

import grpc
import httpx
import pytest
from compat_server import start_server
from conftest import memory_mode
from qdrant_client import QdrantClient

pytestmark = pytest.mark.skipif(memory_mode(), reason="needs the real server")


def _files(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_corrupt_wal_is_reported(tmp_path: Path) -> None:
    proc = start_server(tmp_path)
    try:
        with httpx.Client(base_url=proc.url, timeout=60) as http:
            for name in ("broken", "fine"):
                http.put(f"/collections/{name}", json={"vectors": {"size": 2, "distance": "Dot"}}).raise_for_status()
                for first in range(0, 100, 25):  # four WAL records
                    http.put(f"/collections/{name}/points?wait=true", json={"points": [
                        {"id": i, "vector": [1.0, float(i)]} for i in range(first, first + 25)]}).raise_for_status()
    finally:
        proc.kill()  # no flush: the points are only in the WALs
    wal = tmp_path / "storage" / "collections" / "broken" / "wal"
    segments = sorted(p for p in wal.rglob("*") if p.is_file() and p.stat().st_size > 64)
    assert segments, list(wal.rglob("*"))
    data = bytearray(segments[0].read_bytes())
    data[48:64] = b"\xff" * 16  # inside the first record's data (after its 16-byte header); intact ones follow
    segments[0].write_bytes(bytes(data))
    before = _files(tmp_path / "storage" / "collections" / "broken")

    proc = start_server(tmp_path, log_name="restart.log")
    try:
        with httpx.Client(base_url=proc.url, timeout=60) as http:
            assert http.get("/readyz").status_code == 200
            names = {c["name"] for c in http.get("/collections").json()["result"]["collections"]}
            assert names == {"broken", "fine"}
            assert http.get("/collections/broken/exists").json()["result"] == {"exists": True}
            for method, path, body in (("GET", "/collections/broken", None),
                                       ("POST", "/collections/broken/points/count", {}),
                                       ("PUT", "/collections/broken/points?wait=true",
                                        {"points": [{"id": 1, "vector": [1.0, 0.0]}]})):
                reply = http.request(method, path, json=body)
                assert reply.status_code == 500, reply.text
                error = reply.json()["status"]["error"]
                assert error.startswith("Service internal error: Collection `broken` failed to load: "), error
            create = http.put("/collections/broken", json={"vectors": {"size": 2, "distance": "Dot"}})
            assert create.status_code == 409, create.text
            assert http.post("/collections/fine/points/count", json={"exact": True}).json()["result"]["count"] == 100
        client = QdrantClient(url=proc.url, grpc_port=proc.grpc_port, prefer_grpc=True, check_compatibility=False)
        try:
            assert {c.name for c in client.get_collections().collections} == {"broken", "fine"}
            with pytest.raises(grpc.RpcError) as caught:
                client.get_collection("broken")
            assert caught.value.code() == grpc.StatusCode.INTERNAL
            assert "failed to load" in (caught.value.details() or "")
        finally:
            client.close()
    finally:
        proc.stop()
    assert _files(tmp_path / "storage" / "collections" / "broken") == before  # nothing written over
