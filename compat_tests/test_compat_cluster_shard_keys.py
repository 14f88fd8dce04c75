"""Custom sharding over the cluster through the stock client: create shard keys, write by key, read with
and without a shard key selector through every node, delete a shard key (its points go with it)."""

from __future__ import annotations

from collections.abc import Iterator

import grpc
import httpx
import pytest
from compat_cluster_helpers import collection_cluster, unique_name, wait_until
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

from tools.cluster import LocalCluster

KEYS = {"eu": range(1, 41), "us": range(100, 125)}


def _points(ids: range, offset: float) -> list[models.PointStruct]:
    return [
        models.PointStruct(id=i, vector=[offset + i / 100, 1.0, -i / 50], payload={"i": i}) for i in ids
    ]


def wait_keys_seen(cluster: LocalCluster, name: str, keys: set[str]) -> None:
    """A shard key made on one node reaches the others' metadata view through a KV watcher, a few ms
    later: wait until every node lists them before writing through another node."""
    def seen() -> bool:
        for node in cluster.nodes:
            view = collection_cluster(node.url, name)
            if {s.get("shard_key") for s in [*view["local_shards"], *view["remote_shards"]]} != keys:
                return False
        return True

    wait_until(seen, 15, f"shard keys {sorted(keys)} on every node")


@pytest.fixture(scope="module")
def keyed(cluster_clients: list[QdrantClient], cluster: LocalCluster) -> Iterator[str]:
    name = unique_name("cluster_keys")
    cluster_clients[0].create_collection(
        name, vectors_config=models.VectorParams(size=3, distance=models.Distance.EUCLID),
        sharding_method=models.ShardingMethod.CUSTOM, shard_number=2, replication_factor=2,
        # a wait=true write applied on both replicas: any node reads it back from either (README: with 1,
        # a read right after the write may reach the replica that has not applied it yet)
        write_consistency_factor=2,
    )
    for number, key in enumerate(KEYS):
        assert cluster_clients[number].create_shard_key(name, key)
    wait_keys_seen(cluster, name, set(KEYS))
    for number, (key, ids) in enumerate(KEYS.items()):
        cluster_clients[(number + 1) % 3].upsert(name, points=_points(ids, number), shard_key_selector=key, wait=True)
    try:
        yield name
    finally:
        cluster_clients[0].delete_collection(name)


def test_shard_keys_in_cluster_info(keyed: str, cluster: LocalCluster) -> None:
    views = [collection_cluster(node.url, keyed) for node in cluster.nodes]
    for view in views:
        keys = {shard.get("shard_key") for shard in [*view["local_shards"], *view["remote_shards"]]}
        assert keys == set(KEYS), view
        assert view["shard_count"] == 2 * len(KEYS)


def test_counts_with_and_without_shard_key(keyed: str, cluster_clients: list[QdrantClient]) -> None:
    total = sum(len(ids) for ids in KEYS.values())
    for client in cluster_clients:
        assert client.count(keyed, exact=True).count == total
        for key, ids in KEYS.items():
            assert client.count(keyed, exact=True, shard_key_selector=key).count == len(ids)
        assert client.count(keyed, exact=True, shard_key_selector=list(KEYS)).count == total


def test_scroll_and_search_by_shard_key(keyed: str, cluster_clients: list[QdrantClient]) -> None:
    for client in cluster_clients:
        for key, ids in KEYS.items():
            records, offset = client.scroll(keyed, limit=100, shard_key_selector=key)
            assert offset is None
            assert [r.id for r in records] == list(ids)
            assert {r.shard_key for r in records} == {key}
            hits = client.query_points(keyed, query=[0.0, 1.0, 0.0], limit=5, shard_key_selector=key).points
            assert {h.id for h in hits} <= set(ids) and len(hits) == 5
            assert {h.shard_key for h in hits} == {key}
        # without a selector the query covers every key's shards; every hit names its point's key
        hits = client.query_points(keyed, query=[0.0, 1.0, 0.0], limit=200).points
        assert sorted(h.id for h in hits) == sorted(i for ids in KEYS.values() for i in ids)
        assert all(h.shard_key == _key_of(h.id) for h in hits)
        records, _ = client.scroll(keyed, limit=200)
        assert all(r.shard_key == _key_of(r.id) for r in records) and len(records) == len(hits)


def _key_of(point_id: object) -> str:
    return next(key for key, ids in KEYS.items() if point_id in ids)


def test_shard_key_on_retrieve_groups_and_recommend(keyed: str, cluster_clients: list[QdrantClient]) -> None:
    """Qdrant marks every point a custom-sharded shard answers with its key: retrieve, groups,
    recommend (by id: the example is looked up across the shards) and the root fusion's hits."""
    for client in cluster_clients:
        found = client.retrieve(keyed, ids=[1, 2, 100, 124])
        assert {(r.id, r.shard_key) for r in found} == {(1, "eu"), (2, "eu"), (100, "us"), (124, "us")}
        groups = client.query_points_groups(keyed, query=[0.0, 1.0, 0.0], group_by="i", limit=4,
                                            group_size=1).groups
        assert len(groups) == 4
        assert all(hit.shard_key == _key_of(hit.id) for g in groups for hit in g.hits)
        liked = client.query_points(keyed, query=models.RecommendQuery(recommend=models.RecommendInput(positive=[101])),
                                    limit=6).points
        assert len(liked) == 6 and all(h.shard_key == _key_of(h.id) for h in liked)
        fused = client.query_points(
            keyed, prefetch=[models.Prefetch(query=[0.0, 1.0, 0.0], limit=10),
                             models.Prefetch(query=[1.0, 1.0, -1.0], limit=10)],
            query=models.FusionQuery(fusion=models.Fusion.RRF), limit=8).points
        assert len(fused) == 8 and all(h.shard_key == _key_of(h.id) for h in fused)


def test_write_without_shard_key_refused(keyed: str, cluster: LocalCluster) -> None:
    answer = httpx.put(
        f"{cluster.nodes[2].url}/collections/{keyed}/points", params={"wait": "true"},
        json={"points": [{"id": 999, "vector": [0.0, 0.0, 0.0]}]}, timeout=30,
    )
    assert answer.status_code == 400, answer.text
    assert "Shard key not specified" in answer.json()["status"]["error"]
    assert httpx.post(f"{cluster.nodes[0].url}/collections/{keyed}/points/count", json={"exact": True},
                      timeout=30).json()["result"]["count"] == sum(len(ids) for ids in KEYS.values())


def test_delete_shard_key_drops_its_points(cluster_clients: list[QdrantClient], cluster: LocalCluster) -> None:
    name = unique_name("cluster_keys_del")
    cluster_clients[1].create_collection(
        name, vectors_config=models.VectorParams(size=3, distance=models.Distance.EUCLID),
        sharding_method=models.ShardingMethod.CUSTOM, replication_factor=2,
    )
    try:
        for key in KEYS:
            cluster_clients[1].create_shard_key(name, key)
        wait_keys_seen(cluster, name, set(KEYS))
        for number, (key, ids) in enumerate(KEYS.items()):
            cluster_clients[2].upsert(name, points=_points(ids, number), shard_key_selector=key, wait=True)
        assert cluster_clients[0].delete_shard_key(name, "eu")
        for client in cluster_clients:
            wait_until(lambda c=client: c.count(name, exact=True).count == len(KEYS["us"]), 15,
                       "the deleted key's points gone on every node")
        with pytest.raises((UnexpectedResponse, grpc.RpcError)) as refused:
            cluster_clients[0].count(name, exact=True, shard_key_selector="eu")
        if isinstance(refused.value, UnexpectedResponse):
            assert refused.value.status_code in (400, 404)
        else:
            assert refused.value.code() in (grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND)
    finally:
        cluster_clients[0].delete_collection(name)


def test_shard_key_on_legacy_search_endpoints(keyed: str, cluster: LocalCluster) -> None:
    """points/search, points/recommend and points/search/groups (REST): every hit names its key."""
    url = f"{cluster.nodes[1].url}/collections/{keyed}/points"
    searched = httpx.post(f"{url}/search", json={"vector": [0.0, 1.0, 0.0], "limit": 6}, timeout=30)
    recommended = httpx.post(f"{url}/recommend", json={"positive": [3], "limit": 6}, timeout=30)
    grouped = httpx.post(f"{url}/search/groups", json={"vector": [0.0, 1.0, 0.0], "group_by": "i", "limit": 3,
                                                       "group_size": 1}, timeout=30)
    hits = [*searched.json()["result"], *recommended.json()["result"],
            *(h for g in grouped.json()["result"]["groups"] for h in g["hits"])]
    assert len(hits) == 15
    assert all(h["shard_key"] == _key_of(h["id"]) for h in hits), hits
