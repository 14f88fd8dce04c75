"""The cluster API over gRPC in cluster mode, through the stock Python client with `prefer_grpc`:
CollectionClusterInfo, UpdateCollectionClusterSetup (replicate, move, abort, drop, restart,
create/delete shard key, replicate_points), CreateShardKey, DeleteShardKey, ListShardKeys and
Qdrant's HealthCheck; and the peer id a node reports (`cluster.peer_id` pins it)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import httpx
import pytest
from compat_cluster_fixtures import PINNED_PEER_ID
from compat_cluster_helpers import unique_name, url_client, wait_until
from qdrant_client import QdrantClient, models

from tools.cluster import LocalCluster

POINTS = 30


@pytest.fixture(scope="module")
def grpc_clients(cluster: LocalCluster) -> Iterator[list[QdrantClient]]:
    made = [url_client(node.url, node.grpc_port, "grpc") for node in cluster.nodes]
    try:
        yield made
    finally:
        for client in made:
            client.close()


def _points(ids: range) -> list[models.PointStruct]:
    return [models.PointStruct(id=i, vector=[i / 10, 1.0, -i / 20], payload={"i": i}) for i in ids]


def _replicas(client: QdrantClient, name: str, shard_id: int) -> dict[int, str]:
    """peer id → replica state of one shard, from the node's gRPC CollectionClusterInfo."""
    info = client.collection_cluster_info(name)
    out = {s.peer_id: str(s.state.value) for s in info.remote_shards if s.shard_id == shard_id}
    for local in info.local_shards:
        if local.shard_id == shard_id:
            out[info.peer_id] = str(local.state.value)
    return out


def _refused(call: object, code: grpc.StatusCode, text: str) -> None:
    with pytest.raises(grpc.RpcError) as refused:
        call()  # type: ignore[operator]
    assert refused.value.code() == code, refused.value
    assert text in (refused.value.details() or ""), refused.value.details()


def test_pinned_peer_id_reported_everywhere(cluster: LocalCluster, grpc_clients: list[QdrantClient]) -> None:
    node0 = cluster.nodes[0]
    status = httpx.get(f"{node0.url}/cluster", timeout=30).json()["result"]
    assert status["status"] == "enabled" and status["peer_id"] == PINNED_PEER_ID
    others = httpx.get(f"{cluster.nodes[1].url}/cluster", timeout=30).json()["result"]
    assert str(PINNED_PEER_ID) in others["peers"] and others["peer_id"] != PINNED_PEER_ID
    name = unique_name("cluster_peer")
    grpc_clients[1].create_collection(name, vectors_config=models.VectorParams(size=3, distance=models.Distance.DOT))
    try:
        view = wait_until(lambda: httpx.get(f"{node0.url}/collections/{name}/cluster", timeout=30).json().get("result"),
                          15, "the collection on node0")
        assert view["peer_id"] == PINNED_PEER_ID
        assert grpc_clients[0].collection_cluster_info(name).peer_id == PINNED_PEER_ID
        assert grpc_clients[2].collection_cluster_info(name).peer_id not in (0, PINNED_PEER_ID)
    finally:
        grpc_clients[1].delete_collection(name)


def test_health_check_over_grpc(grpc_clients: list[QdrantClient]) -> None:
    for client in grpc_clients:
        info = client.info()
        assert info.title == "qdrant - vector search engine" and info.version


def test_replica_operations_over_grpc(grpc_clients: list[QdrantClient], cluster: LocalCluster) -> None:
    client = grpc_clients[0]
    name = unique_name("cluster_grpc_ops")
    client.create_collection(name, vectors_config=models.VectorParams(size=3, distance=models.Distance.EUCLID),
                             shard_number=1, replication_factor=1)
    try:
        client.upsert(name, points=_points(range(POINTS)), wait=True)
        [source] = _replicas(client, name, 0)
        peers = sorted(int(p) for p in httpx.get(f"{cluster.nodes[0].url}/cluster", timeout=30).json()["result"]["peers"])
        target, third = [p for p in peers if p != source][:2]

        # transfers that do not exist: Qdrant's NotFound, on abort and on restart
        for operation in (
            models.AbortTransferOperation(abort_transfer=models.AbortShardTransfer(
                shard_id=0, from_peer_id=source, to_peer_id=target)),
            models.RestartTransferOperation(restart_transfer=models.RestartTransfer(
                shard_id=0, from_peer_id=source, to_peer_id=target, method=models.ShardTransferMethod.STREAM_RECORDS)),
        ):
            _refused(lambda op=operation: client.cluster_collection_update(name, op), grpc.StatusCode.NOT_FOUND,
                     f"Shard transfer {source} -> {target} for collection {name}:0 does not exist")

        assert client.cluster_collection_update(name, models.ReplicateShardOperation(
            replicate_shard=models.ReplicateShard(shard_id=0, from_peer_id=source, to_peer_id=target)))
        wait_until(lambda: _replicas(client, name, 0) == {source: "Active", target: "Active"}, 60,
                   "the new replica Active")
        assert client.cluster_collection_update(name, models.DropReplicaOperation(
            drop_replica=models.Replica(shard_id=0, peer_id=source)))
        wait_until(lambda: _replicas(client, name, 0) == {target: "Active"}, 30, "the source replica dropped")
        assert client.cluster_collection_update(name, models.MoveShardOperation(
            move_shard=models.MoveShard(shard_id=0, from_peer_id=target, to_peer_id=third)))
        wait_until(lambda: _replicas(client, name, 0) == {third: "Active"}, 60, "the shard moved")
        for reader in grpc_clients:
            assert reader.count(name, exact=True).count == POINTS
        # the last Active replica cannot go, as in Qdrant
        _refused(lambda: client.cluster_collection_update(name, models.DropReplicaOperation(
            drop_replica=models.Replica(shard_id=0, peer_id=third))), grpc.StatusCode.INVALID_ARGUMENT,
            "must have at least one active replica")
        _refused(lambda: client.cluster_collection_update(name, models.ReplicateShardOperation(
            replicate_shard=models.ReplicateShard(shard_id=7, from_peer_id=third, to_peer_id=source))),
            grpc.StatusCode.INVALID_ARGUMENT, f"Shard 7 of {name} does not exist")
    finally:
        client.delete_collection(name)


def test_shard_keys_over_grpc(grpc_clients: list[QdrantClient]) -> None:
    client = grpc_clients[1]
    name = unique_name("cluster_grpc_keys")
    client.create_collection(name, vectors_config=models.VectorParams(size=3, distance=models.Distance.EUCLID),
                             sharding_method=models.ShardingMethod.CUSTOM, replication_factor=2)
    try:
        assert client.create_shard_key(name, "a")  # CreateShardKey
        assert client.cluster_collection_update(name, models.CreateShardingKeyOperation(  # the setup RPC
            create_sharding_key=models.CreateShardingKey(shard_key=7)))
        for reader in grpc_clients:
            wait_until(lambda r=reader: {k.key for k in r.list_shard_keys(name).shard_keys} == {"a", 7}, 15,
                       "both keys listed")
        client.upsert(name, points=_points(range(5)), shard_key_selector="a", wait=True)
        client.upsert(name, points=_points(range(5, 8)), shard_key_selector=7, wait=True)
        hits = grpc_clients[2].query_points(name, query=[0.0, 1.0, 0.0], limit=8).points
        assert {(h.id, h.shard_key) for h in hits} == {*((i, "a") for i in range(5)), *((i, 7) for i in range(5, 8))}
        _refused(lambda: client.create_shard_key(name, "a"), grpc.StatusCode.INVALID_ARGUMENT,
                 f"Sharding key a already exists for collection {name}")
        # replicate_points (Qdrant: copy a filtered subset from one key's shard to another's) is refused
        _refused(lambda: client.cluster_collection_update(name, models.ReplicatePointsOperation(
            replicate_points=models.ReplicatePoints(from_shard_key="a", to_shard_key=7))),
            grpc.StatusCode.INVALID_ARGUMENT, "not supported in cluster mode")
        assert client.delete_shard_key(name, 7)  # DeleteShardKey
        assert client.cluster_collection_update(name, models.DropShardingKeyOperation(
            drop_sharding_key=models.DropShardingKey(shard_key="a")))
        for reader in grpc_clients:
            wait_until(lambda r=reader: not r.list_shard_keys(name).shard_keys, 15, "no keys left")
        _refused(lambda: client.delete_shard_key(name, "a"), grpc.StatusCode.INVALID_ARGUMENT,
                 f"Sharding key a does not exist for collection {name}")
    finally:
        client.delete_collection(name)


def test_cluster_info_of_a_missing_collection(grpc_clients: list[QdrantClient]) -> None:
    _refused(lambda: grpc_clients[0].collection_cluster_info("no_such_collection_here"), grpc.StatusCode.NOT_FOUND,
             "no_such_collection_here")


def test_upsert_batch_larger_than_one_nats_message(cluster: LocalCluster) -> None:
    """A 1,500 x 300 upsert (about 2 MB encoded, NATS takes 1 MB per message) is cut into several
    stream messages; every point arrives, and reads of it are chunked back."""
    writer = url_client(cluster.nodes[0].url, cluster.nodes[0].grpc_port, "rest")
    reader = url_client(cluster.nodes[2].url, cluster.nodes[2].grpc_port, "grpc")
    name = unique_name("cluster_big")
    writer.create_collection(name, vectors_config=models.VectorParams(size=300, distance=models.Distance.DOT),
                             shard_number=2, replication_factor=2, write_consistency_factor=2)
    try:
        points = [models.PointStruct(id=i, vector=[(i % 97) / 97.0] * 300, payload={"i": i}) for i in range(1500)]
        assert writer.upsert(name, points=points, wait=True).status == models.UpdateStatus.COMPLETED
        assert reader.count(name, exact=True).count == 1500
        records = reader.retrieve(name, ids=list(range(0, 1500, 7)), with_vectors=True)
        assert len(records) == len(range(0, 1500, 7))
        assert all(r.vector[0] == pytest.approx((r.id % 97) / 97.0) for r in records)  # type: ignore[index]
    finally:
        writer.delete_collection(name)
        writer.close()
        reader.close()
