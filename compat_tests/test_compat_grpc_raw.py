"""gRPC as a plain grpcio user sees it, against the server subprocess: the standard health service,
server reflection listing Qdrant's public services, gzip-compressed calls, a very large message
(10,000 × 1536 floats in one Upsert: Qdrant puts no size cap on its public gRPC port), and
snapshots through the stock client's gRPC transport.

Only grpcio, grpcio-health-checking, grpcio-reflection and the stubs bundled with qdrant-client.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import grpc
import httpx
import numpy as np
import pytest
from compat_server import ServerProcess
from conftest import memory_mode, unique_collection_name
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase
from qdrant_client import QdrantClient, models
from qdrant_client import grpc as qgrpc

pytestmark = [
    pytest.mark.timeout(300),
    pytest.mark.skipif(memory_mode(), reason="raw gRPC needs the real server"),
]

PUBLIC = {"qdrant.Qdrant", "qdrant.Collections", "qdrant.Points", "qdrant.Snapshots", "grpc.health.v1.Health"}
BIG_POINTS, BIG_DIM = 10_000, 1536


@pytest.fixture(scope="module")
def channel(server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(f"127.0.0.1:{server.grpc_port}") as ch:
        grpc.channel_ready_future(ch).result(timeout=30)
        yield ch


def test_health_check_and_watch(channel: grpc.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", *sorted(PUBLIC)):
        reply = health.Check(health_pb2.HealthCheckRequest(service=name), timeout=10)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING, name
    stream = health.Watch(health_pb2.HealthCheckRequest(service="qdrant.Points"), timeout=10)
    first = next(iter(stream))
    stream.cancel()
    assert first.status == health_pb2.HealthCheckResponse.SERVING


def test_reflection_lists_the_public_services(channel: grpc.Channel) -> None:
    stub = reflection_pb2_grpc.ServerReflectionStub(channel)
    answers = stub.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]),
                                        timeout=10)
    names = {s.name for a in answers for s in a.list_services_response.service}
    assert names >= PUBLIC
    # and the descriptors behind them: a client can discover the methods without .proto files
    database = ProtoReflectionDescriptorDatabase(channel)
    points = database.FindFileContainingSymbol("qdrant.Points")
    methods = {m.name for s in points.service if s.name == "Points" for m in s.method}
    assert {"Upsert", "Query", "Search", "Scroll"} <= methods


def test_gzip_and_a_very_large_upsert(server: ServerProcess) -> None:
    name = unique_collection_name("grpc_big")
    target = f"127.0.0.1:{server.grpc_port}"
    with grpc.insecure_channel(target, compression=grpc.Compression.Gzip,
                               options=[("grpc.max_send_message_length", -1),
                                        ("grpc.max_receive_message_length", -1)]) as ch:
        collections, points = qgrpc.CollectionsStub(ch), qgrpc.PointsStub(ch)
        collections.Create(qgrpc.CreateCollection(
            collection_name=name, vectors_config=qgrpc.VectorsConfig(
                params=qgrpc.VectorParams(size=BIG_DIM, distance=qgrpc.Distance.Dot))), timeout=60)
        try:
            vectors = np.random.default_rng(5).random((BIG_POINTS, BIG_DIM), dtype=np.float32)
            request = qgrpc.UpsertPoints(collection_name=name, wait=True, points=[
                qgrpc.PointStruct(id=qgrpc.PointId(num=i), vectors=qgrpc.Vectors(
                    vector=qgrpc.Vector(dense=qgrpc.DenseVector(data=row))))
                for i, row in enumerate(vectors.tolist())])
            assert request.ByteSize() > 58_000_000  # far above gRPC's 4 MiB default and REST's 32 MiB cap
            reply = points.Upsert(request, timeout=240)
            assert reply.result.status == qgrpc.UpdateStatus.Completed
            count = points.Count(qgrpc.CountPoints(collection_name=name, exact=True), timeout=60)
            assert count.result.count == BIG_POINTS
            ids = [0, 4321, BIG_POINTS - 1]
            got = points.Get(qgrpc.GetPoints(
                collection_name=name, ids=[qgrpc.PointId(num=i) for i in ids],
                with_vectors=qgrpc.WithVectorsSelector(enable=True)), timeout=60)
            assert sorted(p.id.num for p in got.result) == ids
            for p in got.result:
                stored = p.vectors.vector
                data = stored.dense.data if stored.HasField("dense") else stored.data
                np.testing.assert_allclose(np.array(data, dtype=np.float32), vectors[p.id.num], rtol=1e-6)
        finally:
            collections.Delete(qgrpc.DeleteCollection(collection_name=name), timeout=60)


def test_snapshots_through_the_stock_grpc_client(server: ServerProcess) -> None:
    client = QdrantClient(url=server.url, grpc_port=server.grpc_port, prefer_grpc=True, timeout=60)
    name = unique_collection_name("grpc_snap")
    try:
        client.create_collection(name, vectors_config=models.VectorParams(size=3, distance=models.Distance.DOT))
        client.upsert(name, [models.PointStruct(id=i, vector=[i, 1.0, 2.0]) for i in range(10)])
        desc = client.create_snapshot(name)
        assert desc is not None and desc.name.startswith(f"{name}-") and desc.size > 0
        assert desc.creation_time is not None
        assert [d.name for d in client.list_snapshots(name)] == [desc.name]
        # the REST route serves the same file the gRPC call made
        body = httpx.get(f"{server.url}/collections/{name}/snapshots/{desc.name}", timeout=60).content
        assert hashlib.sha256(body).hexdigest() == desc.checksum
        assert client.delete_snapshot(name, desc.name) is True
        assert client.list_snapshots(name) == []

        full = client.create_full_snapshot()
        assert full is not None and full.name.startswith("full-snapshot-")
        assert full.name in [d.name for d in client.list_full_snapshots()]
        assert client.delete_full_snapshot(full.name) is True
    finally:
        client.delete_collection(name)
        client.close()
