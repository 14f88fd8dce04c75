"""Snapshots, end to end through the stock client and raw HTTP, on two servers of our own.

Server A gets a collection (two named vectors, Cosine and Euclid; keyword and integer payload
indexes; a few hundred points, then deletes and payload updates — the last ones only in the WAL when
the snapshot is taken). We record everything a client can observe (every point with vectors and
payload, filtered searches on both vectors, filtered counts, info), create a snapshot, download it
and check its sha256 against the listed checksum, and delete the collection. Server B is fresh: the
downloaded file is uploaded there (multipart, through the stock client's generated snapshots API)
and must answer exactly as A did. A then recovers the collection from a URL served by a local
http.server. Also: a wrong checksum is refused (400) and changes nothing; path traversal in snapshot
names and `file://` locations is refused; `wait=false` answers 202; full snapshots.
"""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import tarfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from compat_openapi import OpenApiValidator, TrafficChecker, install_httpx_hook
from compat_server import ServerProcess, start_server
from conftest import memory_mode
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(memory_mode(), reason="snapshots need the real server"),
]

NAME = "snap_source"
CLIENT_TIMEOUT_S = 60
CITIES = ["Berlin", "Paris", "Oslo", "Lima", "Cairo"]


@pytest.fixture(scope="module")
def traffic(openapi_validator: OpenApiValidator | None) -> Iterator[TrafficChecker | None]:
    """Schema-check this module's traffic to its own servers (not the session server)."""
    if openapi_validator is None:
        yield None
        return
    checker = TrafficChecker(openapi_validator, "http://127.0.0.1:")

    def observe(request: httpx.Request, response: httpx.Response, body: bytes) -> None:
        # A multipart upload is a streaming request whose content cannot be read back (the checker's
        # request check would raise); it has no JSON body to check anyway: check the response only.
        if request.headers.get("content-type", "").startswith("multipart/"):
            checker.errors.extend(openapi_validator.check_response(
                request.method, request.url.path, response.status_code,
                response.headers.get("content-type", ""), body))
            return
        checker.observe(request, response, body)

    with install_httpx_hook(observe):
        yield checker


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    a = start_server(tmp_path_factory.mktemp("snap-a"))
    try:
        b = start_server(tmp_path_factory.mktemp("snap-b"))
    except BaseException:
        a.stop()
        raise
    try:
        yield a, b
    finally:
        a.stop()
        b.stop()


@pytest.fixture(scope="module")
def served_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A directory served over HTTP on 127.0.0.1 (the server downloads snapshots from it)."""
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def client_for(server: ServerProcess) -> QdrantClient:
    return QdrantClient(url=server.url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)


def vec(i: int, dim: int, salt: int) -> list[float]:
    return [((i * 31 + j * 17 + salt * 7) % 23) / 11.0 - 1.0 for j in range(dim)]


def populate(client: QdrantClient, name: str) -> None:
    client.create_collection(name, vectors_config={
        "text": models.VectorParams(size=6, distance=models.Distance.COSINE),
        "image": models.VectorParams(size=4, distance=models.Distance.EUCLID),
    })
    client.create_payload_index(name, "city", models.PayloadSchemaType.KEYWORD, wait=True)
    client.create_payload_index(name, "rank", models.PayloadSchemaType.INTEGER, wait=True)
    for start in range(0, 300, 100):
        points = []
        for i in range(start, start + 100):
            vectors = {"text": vec(i, 6, 1)}
            if i % 4:
                vectors["image"] = vec(i, 4, 2)
            payload: dict[str, Any] = {"city": CITIES[i % 5], "rank": i % 17, "tags": [f"t{i % 3}"]}
            if i % 9 == 0:
                payload["nested"] = {"a": [i, None, 2.5]}
            points.append(models.PointStruct(id=i, vector=vectors, payload=payload))
        client.upsert(name, points, wait=True)
    client.delete(name, models.PointIdsList(points=list(range(0, 300, 11))), wait=True)
    client.set_payload(name, {"flag": True}, points=[1, 2, 3, 250], wait=True)
    client.overwrite_payload(name, {"city": "Oslo"}, points=[5], wait=True)


def observe(client: QdrantClient, name: str) -> dict[str, Any]:
    points, offset = [], None
    while True:
        page, offset = client.scroll(name, limit=64, offset=offset, with_payload=True, with_vectors=True)
        points.extend((p.id, p.payload, p.vector) for p in page)
        if offset is None:
            break
    searches = []
    for city in CITIES[:3]:
        for using, dim in (("text", 6), ("image", 4)):
            flt = models.Filter(must=[models.FieldCondition(key="city", match=models.MatchValue(value=city))],
                                must_not=[models.FieldCondition(key="rank", range=models.Range(lt=3))])
            hits = client.query_points(name, query=vec(7, dim, 5), using=using, query_filter=flt, limit=10,
                                       with_payload=True).points
            searches.append([(h.id, round(h.score, 5), h.payload) for h in hits])
    counts = [client.count(name, count_filter=models.Filter(must=[models.FieldCondition(
        key="rank", range=models.Range(gte=r, lt=r + 5))]), exact=True).count for r in (0, 5, 10)]
    info = client.get_collection(name)
    schema = {k: v.data_type for k, v in (info.payload_schema or {}).items()}
    return {"points": points, "searches": searches, "counts": counts, "points_count": info.points_count,
            "schema": schema, "vectors": info.config.params.vectors}


def raw(server: ServerProcess) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=CLIENT_TIMEOUT_S)


@pytest.fixture(scope="module")
def scenario(servers: tuple[ServerProcess, ServerProcess], traffic: TrafficChecker | None,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Populate A, observe, snapshot, download, delete the collection on A."""
    a, _ = servers
    client = client_for(a)
    try:
        populate(client, NAME)
        before = observe(client, NAME)
        snapshot = client.create_snapshot(NAME, wait=True)
        assert snapshot is not None
        listed = client.list_snapshots(NAME)
        with raw(a) as http_a:
            response = http_a.get(f"/collections/{NAME}/snapshots/{snapshot.name}")
        assert response.status_code == 200
        file = tmp_path_factory.mktemp("download") / snapshot.name
        file.write_bytes(response.content)
        assert client.delete_collection(NAME)
        return {"before": before, "snapshot": snapshot, "listed": listed, "file": file,
                "content_type": response.headers["content-type"]}
    finally:
        client.close()


def test_create_list_download(scenario: dict[str, Any]) -> None:
    snapshot = scenario["snapshot"]
    assert snapshot.name.startswith(f"{NAME}-") and snapshot.name.endswith(".snapshot")
    assert [s.name for s in scenario["listed"]] == [snapshot.name]
    assert scenario["listed"][0].checksum == snapshot.checksum
    assert scenario["listed"][0].size == snapshot.size == scenario["file"].stat().st_size
    assert snapshot.creation_time
    assert hashlib.sha256(scenario["file"].read_bytes()).hexdigest() == snapshot.checksum
    assert scenario["content_type"] == "application/octet-stream"


def test_upload_to_fresh_server_answers_identically(servers: tuple[ServerProcess, ServerProcess],
                                                    scenario: dict[str, Any]) -> None:
    _, b = servers
    client = client_for(b)
    try:
        with scenario["file"].open("rb") as f:
            answer = client.http.snapshots_api.recover_from_uploaded_snapshot(
                collection_name="uploaded", wait=True, priority=models.SnapshotPriority.SNAPSHOT,
                checksum=scenario["snapshot"].checksum, snapshot=f)
        assert answer.result is True
        assert observe(client, "uploaded") == scenario["before"]
        # the recovered collection takes writes like any other
        client.delete("uploaded", models.PointIdsList(points=[1]), wait=True)
        assert client.count("uploaded", exact=True).count == scenario["before"]["points_count"] - 1
    finally:
        client.close()


def test_upload_replaces_an_existing_collection(servers: tuple[ServerProcess, ServerProcess],
                                                scenario: dict[str, Any]) -> None:
    _, b = servers
    client = client_for(b)
    try:
        populate(client, "replaced")
        client.delete("replaced", models.PointIdsList(points=list(range(100))), wait=True)
        with scenario["file"].open("rb") as f:
            client.http.snapshots_api.recover_from_uploaded_snapshot(collection_name="replaced", snapshot=f)
        assert observe(client, "replaced") == scenario["before"]
    finally:
        client.close()


def test_recover_from_url(servers: tuple[ServerProcess, ServerProcess], scenario: dict[str, Any],
                          served_dir: tuple[Path, str]) -> None:
    a, _ = servers
    root, url = served_dir
    (root / "snapshot.tar").write_bytes(scenario["file"].read_bytes())
    client = client_for(a)
    try:
        assert not client.collection_exists(NAME)
        assert client.recover_snapshot(NAME, f"{url}/snapshot.tar", checksum=scenario["snapshot"].checksum,
                                       priority=models.SnapshotPriority.SNAPSHOT, wait=True)
        assert observe(client, NAME) == scenario["before"]
    finally:
        client.close()


def test_checksum_mismatch_is_rejected(servers: tuple[ServerProcess, ServerProcess], scenario: dict[str, Any],
                                       served_dir: tuple[Path, str]) -> None:
    _, b = servers
    root, url = served_dir
    (root / "mismatch.tar").write_bytes(scenario["file"].read_bytes())
    client = client_for(b)
    try:
        with pytest.raises(UnexpectedResponse) as info:
            client.recover_snapshot("mismatch", f"{url}/mismatch.tar", checksum="3" * 64, wait=True)
        assert info.value.status_code == 400
        with scenario["file"].open("rb") as f, pytest.raises(UnexpectedResponse) as info:
            client.http.snapshots_api.recover_from_uploaded_snapshot(
                collection_name="mismatch", checksum="0" * 64, snapshot=f)
        assert info.value.status_code == 400
        assert "Checksum mismatch" in info.value.content.decode()
        assert not client.collection_exists("mismatch")
    finally:
        client.close()


@pytest.mark.parametrize("name", ["%2E%2E", "..%2F..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd",
                                  "..%2Fsnap_source%2Fx.snapshot", ".hidden"])
def test_traversal_names_are_rejected(servers: tuple[ServerProcess, ServerProcess],
                                      traffic: TrafficChecker | None, scenario: dict[str, Any], name: str) -> None:
    a, _ = servers
    with raw(a) as http_a:
        http_a.put(f"/collections/{NAME}-t", json={"vectors": {"size": 4, "distance": "Dot"}})
        for path in (f"/collections/{NAME}-t/snapshots/{name}", f"/snapshots/{name}"):
            got = http_a.get(path)
            assert got.status_code == 404, (path, got.text)
            assert http_a.delete(path).status_code == 404
        assert http_a.delete(f"/collections/{NAME}-t").status_code == 200


def test_file_locations_outside_snapshots_are_rejected(servers: tuple[ServerProcess, ServerProcess],
                                                       traffic: TrafficChecker | None,
                                                       scenario: dict[str, Any]) -> None:
    a, _ = servers
    with raw(a) as http_a:
        url = "/collections/anything/snapshots/recover"
        got = http_a.put(url, json={"location": f"file://{scenario['file']}"})
        assert got.status_code == 403
        assert got.json()["status"]["error"].startswith(
            "Forbidden: Snapshot file path must be inside the snapshots directory")
        got = http_a.put(url, json={"location": "file:///etc/passwd"})
        assert got.status_code == 403
        got = http_a.put(url, json={"location": "file://./etc/passwd"})
        assert got.status_code == 400
        assert got.json()["status"]["error"] == \
            "Bad request: Invalid snapshot URI, file path must be absolute or on localhost"
        got = http_a.put(url, json={"location": "file:///whatever.snapshot"})
        assert got.json()["status"]["error"] == 'Bad request: Snapshot file "/whatever.snapshot" does not exist'
        got = http_a.put(url, json={"location": "http://127.0.0.1:9/x", "priority": "sometimes"})
        assert got.status_code == 400
        assert http_a.get("/collections/anything").status_code == 404


def _tar(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize("content", [b"", _tar({"readme": b"x"}), _tar({"../../../escaped.txt": b"x"}),
                                     _tar({"/tmp/escaped-abs.txt": b"x"})])
def test_bad_uploads_are_rejected(servers: tuple[ServerProcess, ServerProcess], traffic: TrafficChecker | None,
                                  scenario: dict[str, Any], content: bytes) -> None:
    _, b = servers
    with raw(b) as http_b:
        got = http_b.post("/collections/bad_upload/snapshots/upload",
                          files={"snapshot": ("x.snapshot", content, "application/octet-stream")})
        assert got.status_code == 400, got.text
        assert "recovery-" not in got.text and "storage" not in got.text
        assert http_b.get("/collections/bad_upload").status_code == 404
    assert not Path("/tmp/escaped-abs.txt").exists()


def test_wait_false_answers_accepted(servers: tuple[ServerProcess, ServerProcess], traffic: TrafficChecker | None,
                                     scenario: dict[str, Any]) -> None:
    _, b = servers
    client = client_for(b)
    try:
        client.create_collection("async_snap", vectors_config=models.VectorParams(size=4, distance="Dot"))
        client.upsert("async_snap", [models.PointStruct(id=1, vector=[1, 2, 3, 4])], wait=True)
        with raw(b) as http_b:
            got = http_b.post("/collections/async_snap/snapshots", params={"wait": "false"})
            assert got.status_code == 202
            body = got.json()
            assert body["status"] == "accepted" and "result" not in body
            deadline = time.monotonic() + 30
            while not client.list_snapshots("async_snap") and time.monotonic() < deadline:
                time.sleep(0.1)
            (snapshot,) = client.list_snapshots("async_snap")
            got = http_b.delete(f"/collections/async_snap/snapshots/{snapshot.name}", params={"wait": "false"})
            assert got.status_code == 202
            while client.list_snapshots("async_snap") and time.monotonic() < deadline:
                time.sleep(0.1)
            assert client.list_snapshots("async_snap") == []
            assert http_b.get("/collections/missing_one/snapshots").status_code == 404
            assert http_b.post("/collections/missing_one/snapshots").status_code == 404
    finally:
        client.close()


def test_full_snapshots(servers: tuple[ServerProcess, ServerProcess], traffic: TrafficChecker | None,
                        scenario: dict[str, Any]) -> None:
    _, b = servers
    client = client_for(b)
    try:
        client.create_collection("full_one", vectors_config=models.VectorParams(size=4, distance="Dot"))
        snapshot = client.create_full_snapshot(wait=True)
        assert snapshot is not None and snapshot.name.startswith("full-snapshot-")
        assert [s.name for s in client.list_full_snapshots()] == [snapshot.name]
        with raw(b) as http_b:
            got = http_b.get(f"/snapshots/{snapshot.name}")
            assert got.status_code == 200
            assert hashlib.sha256(got.content).hexdigest() == snapshot.checksum
            with tarfile.open(fileobj=io.BytesIO(got.content)) as tar:
                assert "config.json" in tar.getnames()
        assert client.delete_full_snapshot(snapshot.name, wait=True)
        assert client.list_full_snapshots() == []
    finally:
        client.close()
