"""The gRPC transport in process: health check, status codes and messages from the one error
table, `wait` → Completed/Acknowledged, `time` stamped, UNIMPLEMENTED with a clear message."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from typing import Any

import grpc
import pytest

from engine.toc import TableOfContents
from server.grpc.server import build_grpc_server
from server.pb import collections_pb2 as cpb
from server.pb import (
    collections_service_pb2_grpc,
    points_service_pb2_grpc,
    qdrant_pb2,
    qdrant_pb2_grpc,
)
from server.pb import points_pb2 as ppb
from server.pb import qdrant_common_pb2 as common_pb
from server.service import Service
from server.version import VERSION


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def channel() -> Iterator[grpc.Channel]:
    """A grpc.aio server on its own loop thread, reached through a plain (sync) channel."""
    import threading

    loop = asyncio.new_event_loop()
    service = Service(TableOfContents(None), workers=2)
    port = _free_port()
    holder: dict[str, Any] = {}
    started = threading.Event()

    async def main() -> None:
        server = build_grpc_server(service, "127.0.0.1", port, 32 * 1024 * 1024)
        await server.start()
        holder["server"], holder["stop"] = server, asyncio.Event()
        started.set()
        await holder["stop"].wait()
        await server.stop(grace=1)

    thread = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    thread.start()
    started.wait(10)
    with grpc.insecure_channel(f"127.0.0.1:{port}") as ch:
        yield ch
    loop.call_soon_threadsafe(holder["stop"].set)
    thread.join(10)
    service.shutdown()


def _code(call: Any) -> tuple[grpc.StatusCode, str]:
    with pytest.raises(grpc.RpcError) as error:
        call()
    return error.value.code(), error.value.details()


def test_health_check(channel: grpc.Channel) -> None:
    reply = qdrant_pb2_grpc.QdrantStub(channel).HealthCheck(qdrant_pb2.HealthCheckRequest())
    assert reply.title == "qdrant - vector search engine" and reply.version == VERSION


def test_collection_lifecycle_and_errors(channel: grpc.Channel) -> None:
    collections = collections_service_pb2_grpc.CollectionsStub(channel)
    points = points_service_pb2_grpc.PointsStub(channel)
    create = cpb.CreateCollection(collection_name="g", vectors_config=cpb.VectorsConfig(
        params=cpb.VectorParams(size=2, distance=cpb.Dot)))
    response = collections.Create(create)
    assert response.result is True and response.time > 0
    assert _code(lambda: collections.Create(create))[0] == grpc.StatusCode.ALREADY_EXISTS
    code, message = _code(lambda: collections.Get(cpb.GetCollectionInfoRequest(collection_name="nope")))
    assert code == grpc.StatusCode.NOT_FOUND and message == "Not found: Collection `nope` doesn't exist!"

    def upsert(wait: bool | None) -> Any:
        vector = ppb.Vectors(vector=ppb.Vector(dense=ppb.DenseVector(data=[1, 2])))
        return points.Upsert(ppb.UpsertPoints(collection_name="g", wait=wait,
                                              points=[ppb.PointStruct(id={"num": 1}, vectors=vector)]))

    assert upsert(True).result.status == ppb.Completed
    assert upsert(False).result.status == ppb.Acknowledged
    assert upsert(True).result.operation_id == 3

    bad = ppb.UpsertPoints(collection_name="g", points=[ppb.PointStruct(id={"num": 2}, vectors=ppb.Vectors(
        vector=ppb.Vector(dense=ppb.DenseVector(data=[1, 2, 3]))))])
    assert _code(lambda: points.Upsert(bad))[0] == grpc.StatusCode.INVALID_ARGUMENT
    no_id = ppb.GetPoints(collection_name="g", ids=[common_pb.PointId()])
    assert _code(lambda: points.Get(no_id))[0] == grpc.StatusCode.INVALID_ARGUMENT

    got = points.Get(ppb.GetPoints(collection_name="g", ids=[common_pb.PointId(num=1)]))
    assert [p.id.num for p in got.result] == [1]
    count = points.Count(ppb.CountPoints(collection_name="g"))
    assert count.result.count == 1


def test_vector_name_rpcs_are_served(channel: grpc.Channel) -> None:
    points = points_service_pb2_grpc.PointsStub(channel)
    code, message = _code(lambda: points.DeleteVectorName(ppb.DeleteVectorNameRequest(collection_name="nope",
                                                                                     vector_name="v")))
    assert code == grpc.StatusCode.NOT_FOUND and message == "Not found: Collection `nope` doesn't exist!"


def test_cluster_setup_refused_as_standalone_qdrant() -> None:
    """UpdateCollectionClusterSetup / CreateShardKey / DeleteShardKey, as a standalone Qdrant answers
    them before the collection is looked up: an empty operation is INVALID_ARGUMENT, any operation
    UNIMPLEMENTED "Qdrant is running in standalone mode"."""
    import asyncio

    from server.grpc.collections_service import CollectionsService
    from server.pb import collections_pb2 as cpb

    class Aborted(Exception):
        pass

    class Context:
        async def abort(self, code: object, message: str) -> None:
            raise Aborted(code, message)

    servicer = CollectionsService(None)  # type: ignore[arg-type]  # no service needed: refused first
    key = cpb.ShardKey(keyword="a")
    cases = (
        ("UpdateCollectionClusterSetup", cpb.UpdateCollectionClusterSetupRequest(collection_name="nope"),
         "INVALID_ARGUMENT", "empty operation"),
        ("CreateShardKey", cpb.CreateShardKeyRequest(collection_name="nope"), "INVALID_ARGUMENT", "empty request"),
        ("DeleteShardKey", cpb.DeleteShardKeyRequest(collection_name="nope"), "INVALID_ARGUMENT", "empty request"),
        ("UpdateCollectionClusterSetup", cpb.UpdateCollectionClusterSetupRequest(
            collection_name="nope", move_shard=cpb.MoveShard(shard_id=0, from_peer_id=1, to_peer_id=2)),
         "UNIMPLEMENTED", "Qdrant is running in standalone mode"),
        ("CreateShardKey", cpb.CreateShardKeyRequest(collection_name="nope", request=cpb.CreateShardKey(
            shard_key=key)), "UNIMPLEMENTED", "Qdrant is running in standalone mode"),
        ("DeleteShardKey", cpb.DeleteShardKeyRequest(collection_name="nope", request=cpb.DeleteShardKey(
            shard_key=key)), "UNIMPLEMENTED", "Qdrant is running in standalone mode"),
    )
    for method, request, code, message in cases:
        try:
            asyncio.run(getattr(servicer, method)(request, Context()))
        except Aborted as exc:
            assert code in str(exc.args[0]) and exc.args[1] == message, (method, exc.args)
        else:
            raise AssertionError(f"{method} was not refused")
