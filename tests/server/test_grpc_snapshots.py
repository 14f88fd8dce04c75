"""`qdrant.Snapshots` over gRPC in process: the same snapshot files, names, checksums and errors as
the REST routes (both go through `Service` into `engine.snapshots`)."""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest

from engine.toc import TableOfContents
from server.grpc.server import build_grpc_server
from server.pb import collections_pb2 as cpb
from server.pb import collections_service_pb2_grpc, snapshots_service_pb2_grpc
from server.pb import snapshots_service_pb2 as spb
from server.service import Service

NAME = re.compile(r"^snap-\d{16}-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.snapshot$")
FULL_NAME = re.compile(r"^full-snapshot-\d{16}-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.snapshot$")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[grpc.Channel, Service, Path]]:
    """A grpc.aio server over a storage on disk, on its own loop thread; a plain channel to it."""
    root = tmp_path_factory.mktemp("grpc-snapshots")
    snapshots = root / "snapshots"
    toc = TableOfContents(root / "storage", fsync="never")
    toc.load()
    service = Service(toc, workers=2)
    port = _free_port()
    loop = asyncio.new_event_loop()
    holder: dict[str, Any] = {}
    started = threading.Event()

    async def main() -> None:
        server = build_grpc_server(service, "127.0.0.1", port, snapshots_path=str(snapshots))
        await server.start()
        holder["stop"] = asyncio.Event()
        started.set()
        await holder["stop"].wait()
        await server.stop(grace=1)

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    assert started.wait(10)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        collections = collections_service_pb2_grpc.CollectionsStub(channel)
        collections.Create(cpb.CreateCollection(collection_name="snap", vectors_config=cpb.VectorsConfig(
            params=cpb.VectorParams(size=2, distance=cpb.Dot))))
        yield channel, service, snapshots
    loop.call_soon_threadsafe(holder["stop"].set)
    thread.join(10)
    service.shutdown()
    toc.close()


def _error(call: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as error:
        call()
    return error.value.code(), error.value.details()


def test_collection_snapshot_create_list_delete(served: tuple[grpc.Channel, Service, Path]) -> None:
    channel, service, snapshots = served
    stub = snapshots_service_pb2_grpc.SnapshotsStub(channel)
    before = time.time()
    created = stub.Create(spb.CreateSnapshotRequest(collection_name="snap"))
    desc = created.snapshot_description
    assert NAME.match(desc.name) and created.time > 0
    path = snapshots / "snap" / desc.name
    assert desc.size == path.stat().st_size > 0
    assert desc.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert before - 2 <= desc.creation_time.seconds <= time.time() + 1

    listed = stub.List(spb.ListSnapshotsRequest(collection_name="snap")).snapshot_descriptions
    assert [d.name for d in listed] == [desc.name]
    assert listed[0] == desc
    # the REST routes read the same directory through the same service call
    rest_view = asyncio.run(service.list_snapshots(str(snapshots), "snap"))
    assert [d.name for d in rest_view] == [desc.name]

    deleted = stub.Delete(spb.DeleteSnapshotRequest(collection_name="snap", snapshot_name=desc.name))
    assert deleted.time > 0 and not path.exists()
    assert list(stub.List(spb.ListSnapshotsRequest(collection_name="snap")).snapshot_descriptions) == []


def test_collection_snapshot_errors(served: tuple[grpc.Channel, Service, Path]) -> None:
    channel, _, _ = served
    stub = snapshots_service_pb2_grpc.SnapshotsStub(channel)
    code, message = _error(lambda: stub.Create(spb.CreateSnapshotRequest(collection_name="nope")))
    assert code == grpc.StatusCode.NOT_FOUND and message == "Not found: Collection `nope` doesn't exist!"
    code, _ = _error(lambda: stub.List(spb.ListSnapshotsRequest(collection_name="nope")))
    assert code == grpc.StatusCode.NOT_FOUND
    for name in ("missing.snapshot", "../snap", ".hidden"):
        code, message = _error(lambda n=name: stub.Delete(  # type: ignore[misc]
            spb.DeleteSnapshotRequest(collection_name="snap", snapshot_name=n)))
        assert code == grpc.StatusCode.NOT_FOUND and message == f"Not found: Snapshot {name} not found"


def test_full_snapshot_create_list_delete(served: tuple[grpc.Channel, Service, Path]) -> None:
    channel, _, snapshots = served
    stub = snapshots_service_pb2_grpc.SnapshotsStub(channel)
    desc = stub.CreateFull(spb.CreateFullSnapshotRequest()).snapshot_description
    assert FULL_NAME.match(desc.name)
    assert desc.checksum == hashlib.sha256((snapshots / desc.name).read_bytes()).hexdigest()
    listed = stub.ListFull(spb.ListFullSnapshotsRequest()).snapshot_descriptions
    assert [d.name for d in listed] == [desc.name]
    stub.DeleteFull(spb.DeleteFullSnapshotRequest(snapshot_name=desc.name))
    assert list(stub.ListFull(spb.ListFullSnapshotsRequest()).snapshot_descriptions) == []
    code, message = _error(lambda: stub.DeleteFull(spb.DeleteFullSnapshotRequest(snapshot_name=desc.name)))
    assert code == grpc.StatusCode.NOT_FOUND and message == f"Not found: Snapshot {desc.name} not found"
