"""Fault tests, each bounded in time: a node killed under a wait=true write load, a NATS server killed.

Every acknowledged write (a 200 `completed` answer to a wait=true upsert) must be there at the end, on
every replica; reads through the surviving nodes must keep answering while a node is down; a node
restarted on its own storage rejoins and catches up until its replicas hold the same points as their
peers. The tests run on a cluster of their own (3 nats-server + 3 nodes, module-scoped), so what they
break never reaches the other cluster tests; after each test every process of it runs again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from compat_cluster_helpers import collection_cluster, placement, unique_name, wait_until
from compat_cluster_load import DIM, WriteLoad, load_point

from tools.cluster import LocalCluster

SHARDS, REPLICAS = 6, 2
CATCH_UP_S = 60


@pytest.fixture(scope="module")
def fault_cluster(tmp_path_factory: pytest.TempPathFactory, cluster: LocalCluster) -> Iterator[LocalCluster]:
    """A second cluster for the fault tests (`cluster` first: it skips or fails without nats-server)."""
    local = LocalCluster(tmp_path_factory.mktemp("quiver-fault-cluster"), nodes=3, nats=3)
    local.start()
    try:
        yield local
    finally:
        local.stop()


@pytest.fixture
def restored(fault_cluster: LocalCluster) -> Iterator[LocalCluster]:
    """The fault cluster, with any process a test killed started again (and ready) afterwards."""
    cluster = fault_cluster
    try:
        yield cluster
    finally:
        for server in cluster.nats:
            if not server.alive():
                server.start()
        for server in cluster.nats:
            server.wait_ready(len(cluster.nats), healthy=False)
        for node in cluster.nodes:
            if not node.alive():
                node.start()
        for node in cluster.nodes:
            node.wait_ready()


@pytest.fixture
def collection(fault_cluster: LocalCluster) -> Iterator[str]:
    cluster = fault_cluster
    name = unique_name("cluster_fault")
    answer = httpx.put(
        f"{cluster.nodes[0].url}/collections/{name}",
        json={"vectors": {"size": DIM, "distance": "Dot"}, "shard_number": SHARDS,
              "replication_factor": REPLICAS},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    yield name
    for node in cluster.nodes:
        if node.alive():
            httpx.delete(f"{node.url}/collections/{name}", timeout=60)
            break


class Reader:
    """Counts through the given nodes every 0.1 s; keeps every failure."""

    def __init__(self, urls: list[str], collection: str) -> None:
        self.urls, self.collection = urls, collection
        self.answers = 0
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        with httpx.Client(timeout=20) as http:
            while not self._stop.is_set():
                for url in self.urls:
                    try:
                        answer = http.post(f"{url}/collections/{self.collection}/points/count",
                                           json={"exact": True})
                        if answer.status_code == 200:
                            self.answers += 1
                        else:
                            self.failures.append(f"{url}: {answer.status_code} {answer.text[:200]}")
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{url}: {type(exc).__name__} {exc}")
                time.sleep(0.1)

    def __enter__(self) -> Reader:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def local_counts(cluster: LocalCluster, name: str) -> dict[int, dict[int, int]]:
    """shard id -> {peer id: points_count of that peer's local replica} over the running nodes."""
    counts: dict[int, dict[int, int]] = {}
    for node in cluster.nodes:
        if node.alive():
            view = collection_cluster(node.url, name)
            for shard in view["local_shards"]:
                counts.setdefault(shard["shard_id"], {})[view["peer_id"]] = shard["points_count"]
    return counts


def replicas_identical(cluster: LocalCluster, name: str, at_least: int,
                       replicas: dict[int, int] | None = None) -> dict[int, dict[int, int]] | None:
    """The per-shard counts when every shard's replicas agree and hold `at_least` points in all.

    More is fine: a batch whose answer was lost (its node killed) may still have reached the log.
    `replicas`: shard id -> how many replicas it has (default REPLICAS each).
    """
    counts = local_counts(cluster, name)
    want = {shard: REPLICAS for shard in range(SHARDS)} | (replicas or {})
    if {shard: len(peers) for shard, peers in counts.items()} != want:
        return None
    if any(len(set(peers.values())) != 1 for peers in counts.values()):
        return None
    if sum(next(iter(peers.values())) for peers in counts.values()) < at_least:
        return None
    return counts


def all_points(url: str, name: str) -> dict[int, Any]:
    points: dict[int, Any] = {}
    offset = None
    with httpx.Client(timeout=60) as http:
        while True:
            body: dict[str, Any] = {"limit": 500, "with_payload": True, "with_vector": True}
            if offset is not None:
                body["offset"] = offset
            result = http.post(f"{url}/collections/{name}/points/scroll", json=body).json()["result"]
            for point in result["points"]:
                points[point["id"]] = (point["payload"], point["vector"])
            offset = result.get("next_page_offset")
            if offset is None:
                return points


def assert_holds(url: str, name: str, acked: list[int]) -> None:
    points = all_points(url, name)
    missing = sorted(set(acked) - set(points))
    assert not missing, f"{len(missing)} acknowledged points missing through {url}: {missing[:20]}"
    for point_id in acked:
        expected = load_point(point_id)
        payload, vector = points[point_id]
        assert payload == expected["payload"]
        assert vector == pytest.approx(expected["vector"], abs=1e-5)


def settled(url: str, name: str, shard_id: int, peers: set[int]) -> bool:
    view = collection_cluster(url, name)
    replicas = placement(url, name)[shard_id]
    return not view["shard_transfers"] and set(replicas) == peers and set(replicas.values()) == {"Active"}


def test_move_shard_and_replicate_under_load(restored: LocalCluster, collection: str) -> None:
    cluster = restored
    url = cluster.nodes[0].url
    peers = sorted({collection_cluster(node.url, collection)["peer_id"] for node in cluster.nodes})
    shards = placement(url, collection)
    moved = 0
    source = next(iter(shards[moved]))
    target = next(p for p in peers if p not in shards[moved])
    copied = 1
    extra = next(p for p in peers if p not in shards[copied])
    load = WriteLoad([node.url for node in cluster.nodes], collection, first_id=1).start()
    try:
        wait_until(lambda: len(load.acked) >= 40, 30, "writes before the transfers")
        answer = httpx.post(f"{url}/collections/{collection}/cluster", timeout=60, json={
            "move_shard": {"shard_id": moved, "from_peer_id": source, "to_peer_id": target}})
        assert answer.status_code == 200 and answer.json()["result"] is True, answer.text
        answer = httpx.post(f"{cluster.nodes[1].url}/collections/{collection}/cluster", timeout=60, json={
            "replicate_shard": {"shard_id": copied, "from_peer_id": next(iter(shards[copied])),
                                "to_peer_id": extra}})
        assert answer.status_code == 200 and answer.json()["result"] is True, answer.text
        after_move = set(shards[moved]) - {source} | {target}
        after_copy = set(shards[copied]) | {extra}
        for node in cluster.nodes:
            wait_until(lambda n=node: settled(n.url, collection, moved, after_move), CATCH_UP_S,
                       f"shard {moved} moved from {source} to {target} (seen by {node.name})")
            wait_until(lambda n=node: settled(n.url, collection, copied, after_copy), CATCH_UP_S,
                       f"shard {copied} replicated to {extra} (seen by {node.name})")
        time.sleep(1)  # writes go on after the transfers
    finally:
        load.stop()
    assert not load.failures, f"writes failed during the transfers: {load.failures[:5]}"
    counts = wait_until(lambda: replicas_identical(cluster, collection, len(load.acked), {copied: REPLICAS + 1}),
                        CATCH_UP_S, "replicas to agree after the transfers")
    assert set(counts[moved]) == after_move and set(counts[copied]) == after_copy
    for node in cluster.nodes:
        assert_holds(node.url, collection, load.acked)


def test_kill_node_under_wait_true_writes(restored: LocalCluster, collection: str) -> None:
    cluster = restored
    victim, survivors = cluster.nodes[2], cluster.nodes[:2]
    load = WriteLoad([node.url for node in cluster.nodes], collection, first_id=1).start()
    try:
        wait_until(lambda: len(load.acked) >= 40, 30, "writes before the kill")
        with Reader([node.url for node in survivors], collection) as reader:
            victim.kill()
            killed_at = time.monotonic()
            time.sleep(4)
            answers_while_down = reader.answers
        assert not reader.failures, f"reads through the surviving nodes failed: {reader.failures[:5]}"
        assert answers_while_down > 0
        wait_until(lambda: load.acked_since(killed_at) >= 40, 30, "wait=true writes while a node is down")
        victim.start()
        victim.wait_ready()
        time.sleep(1)  # writes to the rejoined node too
    finally:
        load.stop()
    assert len(load.acked) > 80
    counts = wait_until(lambda: replicas_identical(cluster, collection, len(load.acked)), CATCH_UP_S,
                        "the restarted node to catch up")
    assert counts
    for node in cluster.nodes:
        assert_holds(node.url, collection, load.acked)


def test_kill_nats_server_writes_continue(restored: LocalCluster, collection: str) -> None:
    cluster = restored
    load = WriteLoad([node.url for node in cluster.nodes], collection, first_id=1).start()
    try:
        wait_until(lambda: len(load.acked) >= 40, 30, "writes before the kill")
        cluster.nats[1].kill()
        killed_at = time.monotonic()
        # the JetStream streams and KV buckets keep a quorum on 2 of 3 servers: writes go on
        wait_until(lambda: load.acked_since(killed_at + 2) >= 60, 40, "writes with 2 of 3 nats-server")
        cluster.nats[1].start()
        cluster.nats[1].wait_ready(len(cluster.nats), healthy=False)  # it rejoins the meta group
    finally:
        load.stop()
    wait_until(lambda: replicas_identical(cluster, collection, len(load.acked)), CATCH_UP_S,
               "replicas to agree")
    for node in cluster.nodes:
        assert_holds(node.url, collection, load.acked)
