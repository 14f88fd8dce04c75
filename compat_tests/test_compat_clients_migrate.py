"""`quiver migrate` (run as a user runs it: `python -m server migrate ...`) between two Quiver
servers, and the stock `QdrantClient.migrate()` against Quiver.

- 50k points, the migration killed (SIGKILL) half way and resumed from its state file: every id
  arrives exactly once; the points/s of the run is printed (`-s` shows it).
- dense + sparse + multivector collection with payload indexes and an alias, over gRPC: verified
  field by field by the tool and again here.
- a tampered target (payload changed, a point deleted) fails the verification with exit code 1.
- API keys per server (`--api-key-from/--api-key-to`), over gRPC; a wrong key exits 2.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy
import pytest
from compat_server import REPO_ROOT, ServerProcess, start_server
from conftest import CLIENT_TIMEOUT_S, memory_mode, unique_collection_name
from qdrant_client import QdrantClient, models

pytestmark = [pytest.mark.timeout(400), pytest.mark.skipif(memory_mode(), reason="needs real servers")]
BIG = 50_000
DIM = 16


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("migrate-target"))
    try:
        yield proc
    finally:
        proc.stop()


def _rest(proc: ServerProcess) -> QdrantClient:
    return QdrantClient(url=proc.url, timeout=CLIENT_TIMEOUT_S)


def _migrate(source: ServerProcess, dest: ServerProcess, state: Path, *extra: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "server", "migrate", "--from", source.url, "--to", dest.url,
            "--state", str(state), "--no-progress", *extra]
    return subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "COLUMNS": "200"})


def _all_ids(client: QdrantClient, name: str) -> list[int | str]:
    ids: list[int | str] = []
    offset = None
    while True:
        page, offset = client.scroll(name, limit=5000, offset=offset, with_payload=False)
        ids.extend(p.id for p in page)
        if offset is None:
            return ids


def _copied(state: Path, name: str) -> int:
    try:
        return int(json.loads(state.read_text())["collections"][name]["copied"])
    except (OSError, ValueError, KeyError):
        return 0


@pytest.fixture(scope="module")
def big_collection(server: ServerProcess) -> str:
    name = unique_collection_name("migrate_big")
    client = _rest(server)
    client.create_collection(name, vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE))
    client.create_payload_index(name, "group", models.PayloadSchemaType.KEYWORD, wait=True)
    rng = numpy.random.default_rng(5)
    vectors = rng.normal(size=(BIG, DIM)).astype("float32")
    for start in range(0, BIG, 5000):
        stop = start + 5000
        client.upsert(name, wait=True, points=models.Batch(
            ids=list(range(start, stop)), vectors=vectors[start:stop].tolist(),
            payloads=[{"group": f"g{i % 7}", "n": i} for i in range(start, stop)]))
    client.close()
    return name


def test_interrupted_migration_resumes_without_duplicates_or_losses(
    server: ServerProcess, target: ServerProcess, big_collection: str, tmp_path: Path
) -> None:
    state = tmp_path / "state.json"
    first = _migrate(server, target, state, "--collections", big_collection, "--batch", "1000")
    deadline = time.monotonic() + 300
    while _copied(state, big_collection) < BIG // 2 and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    dest = _rest(target)
    partial = dest.count(big_collection, exact=True).count
    assert 0 < partial < BIG, f"not interrupted half way: {partial} of {BIG} copied"

    started = time.monotonic()
    second = _migrate(server, target, state, "--collections", big_collection, "--batch", "1000")
    output, _ = second.communicate(timeout=300)
    elapsed = time.monotonic() - started
    assert second.returncode == 0, output
    assert "MISMATCH" not in output and "points count" in output, output
    ids = _all_ids(dest, big_collection)
    assert len(ids) == BIG and set(ids) == set(range(BIG))
    assert dest.get_collection(big_collection).payload_schema["group"].data_type == models.PayloadSchemaType.KEYWORD
    print(f"\nresumed migration: {BIG - partial} points in {elapsed:.1f} s "
          f"({(BIG - partial) / elapsed:,.0f} points/s incl. start-up and verification)")

    # the target tampered with: a changed payload and a lost point are both reported, exit 1
    dest.set_payload(big_collection, payload={"n": -1}, points=models.FilterSelector(filter=models.Filter()), wait=True)
    dest.delete(big_collection, points_selector=models.PointIdsList(points=[7]), wait=True)
    third = _migrate(server, target, state, "--collections", big_collection)
    output, _ = third.communicate(timeout=300)
    assert third.returncode == 1, output
    assert output.count("MISMATCH") >= 2, output
    dest.close()


def test_every_vector_kind_indexes_and_aliases_move_over_grpc(
    server: ServerProcess, target: ServerProcess, tmp_path: Path
) -> None:
    name = unique_collection_name("migrate_kinds")
    alias = f"{name}_alias"
    src = _rest(server)
    src.create_collection(
        name,
        vectors_config={"dense": models.VectorParams(size=4, distance=models.Distance.DOT),
                        "multi": models.VectorParams(size=3, distance=models.Distance.COSINE,
                                                     multivector_config=models.MultiVectorConfig(
                                                         comparator=models.MultiVectorComparator.MAX_SIM))},
        sparse_vectors_config={"sparse": models.SparseVectorParams(modifier=models.Modifier.IDF)},
        hnsw_config=models.HnswConfigDiff(m=8, ef_construct=50),
    )
    src.create_payload_index(name, "tenant", models.KeywordIndexParams(
        type=models.KeywordIndexType.KEYWORD, is_tenant=True), wait=True)
    src.create_payload_index(name, "year", models.PayloadSchemaType.INTEGER, wait=True)
    points = [models.PointStruct(
        id=i if i % 2 else f"00000000-0000-4000-8000-{i:012d}",
        vector={"dense": [i * 0.1, 1.0, -0.5, i % 3], "multi": [[1.0, i, 0.5], [0.2, -1.0, i % 4]],
                "sparse": models.SparseVector(indices=[i % 11, 20 + i % 5], values=[0.5, 1.0 + i / 10])},
        payload={"tenant": f"t{i % 3}", "year": 2000 + i % 20, "nested": {"tags": ["a", str(i)]}})
        for i in range(300)]
    src.upsert(name, points=points, wait=True)
    src.update_collection_aliases(change_aliases_operations=[models.CreateAliasOperation(
        create_alias=models.CreateAlias(collection_name=name, alias_name=alias))])

    run = _migrate(server, target, tmp_path / "state.json", "--collections", name, "--batch", "64", "--grpc",
                   "--from-grpc-port", str(server.grpc_port), "--to-grpc-port", str(target.grpc_port))
    output, _ = run.communicate(timeout=300)
    assert run.returncode == 0, output

    dest = _rest(target)
    want = {p.id: p for p in src.scroll(name, limit=1000, with_vectors=True)[0]}
    got = {p.id: p for p in dest.scroll(name, limit=1000, with_vectors=True)[0]}
    assert want.keys() == got.keys() and len(got) == 300
    for point_id, record in want.items():
        assert got[point_id].payload == record.payload
        for vector_name in ("dense", "multi"):
            assert numpy.allclose(got[point_id].vector[vector_name], record.vector[vector_name], atol=1e-5)  # type: ignore[index]
        assert got[point_id].vector["sparse"] == record.vector["sparse"]  # type: ignore[index]
    src_info, dst_info = src.get_collection(name), dest.get_collection(name)
    assert dst_info.config.params == src_info.config.params
    assert dst_info.config.hnsw_config.m == 8
    assert {k: v.data_type for k, v in dst_info.payload_schema.items()} == {
        k: v.data_type for k, v in src_info.payload_schema.items()}
    assert [(a.alias_name, a.collection_name) for a in dest.get_collection_aliases(name).aliases] == [(alias, name)]
    src.close()
    dest.close()


def test_stock_client_migrate_from_memory_and_between_quivers(server: ServerProcess, target: ServerProcess) -> None:
    name = unique_collection_name("stock_migrate")
    memory = QdrantClient(":memory:")
    memory.create_collection(name, vectors_config=models.VectorParams(size=4, distance=models.Distance.EUCLID),
                             sparse_vectors_config={"s": models.SparseVectorParams()})
    memory.upsert(name, points=[models.PointStruct(
        id=i, vector={"": [i, 1.0, 2.0, -i], "s": models.SparseVector(indices=[i % 7], values=[1.0])},
        payload={"i": i}) for i in range(120)])
    src, dest = _rest(server), _rest(target)
    memory.migrate(src, collection_names=[name], batch_size=50)
    assert src.count(name, exact=True).count == 120
    src.migrate(dest, collection_names=[name], batch_size=32, recreate_on_collision=True)
    assert dest.count(name, exact=True).count == 120
    query = [3.0, 1.0, 2.0, -3.0]
    want = [p.id for p in memory.query_points(name, query=query, limit=10).points]
    assert [p.id for p in dest.query_points(name, query=query, limit=10).points] == want
    assert dest.retrieve(name, ids=[5], with_vectors=True)[0].vector["s"] == models.SparseVector(  # type: ignore[index]
        indices=[5], values=[1.0])
    memory.close()
    src.close()
    dest.close()


def test_api_keys_of_both_servers(tmp_path: Path) -> None:
    """Each server gets its own key: a wrong one is refused (exit 2, message), the right ones copy."""
    source = start_server(tmp_path / "a", env={"QDRANT__SERVICE__API_KEY": "source-key"})
    dest = start_server(tmp_path / "b", env={"QDRANT__SERVICE__API_KEY": "target-key"})
    try:
        src = QdrantClient(url=source.url, api_key="source-key", timeout=CLIENT_TIMEOUT_S)
        src.create_collection("keyed", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT))
        src.upsert("keyed", points=[models.PointStruct(id=i, vector=[i, 1.0]) for i in range(40)], wait=True)
        refused = _migrate(source, dest, tmp_path / "s1.json", "--api-key-from", "source-key", "--api-key-to", "wrong")
        output, _ = refused.communicate(timeout=120)
        assert refused.returncode == 2 and "refused" in output, output
        run = _migrate(source, dest, tmp_path / "s2.json", "--api-key-from", "source-key", "--api-key-to",
                       "target-key", "--grpc", "--from-grpc-port", str(source.grpc_port),
                       "--to-grpc-port", str(dest.grpc_port))
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, output
        dest_client = QdrantClient(url=dest.url, api_key="target-key", timeout=CLIENT_TIMEOUT_S)
        assert dest_client.count("keyed", exact=True).count == 40
        dest_client.close()
        src.close()
    finally:
        source.stop()
        dest.stop()
