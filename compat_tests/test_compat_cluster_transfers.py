"""Snapshot transfers and stream trimming on a cluster of processes (1 nats-server + 2 nodes of their
own, trimming every second with no margin), through the stock client and raw REST:

- a `replicate_shard` with method `snapshot` after the shard's stream was trimmed: the new replica
  holds the same points, payloads and vectors as its source, with the writes made during the transfer;
- a node killed while its shards' streams are trimmed past what it applied: restarted, it is refilled
  by a snapshot transfer from the other node (its log says so) and ends with every acknowledged point.

How far a stream was trimmed is read from nats-server's monitoring endpoint (`/jsz?streams=true`).
"""

from __future__ import annotations

import json
import os
import shutil
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from compat_cluster_helpers import collection_cluster, placement, unique_name, wait_until
from compat_cluster_load import DIM, WriteLoad, load_point
from qdrant_client import QdrantClient, models

from tools.cluster import LocalCluster

TRIM_ENV = {"QDRANT__CLUSTER__NATS__TRIM_INTERVAL_SEC": "1", "QDRANT__CLUSTER__NATS__TRIM_MARGIN": "0"}
SETTLE_S = 60


@pytest.fixture(scope="module")
def trim_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    if shutil.which("nats-server") is None:
        if os.environ.get("CI"):
            pytest.fail("nats-server is not installed: `make test` installs it (tools/setup_nats.sh)")
        pytest.skip("nats-server is not installed (sudo bash tools/setup_nats.sh): cluster tests need it")
    local = LocalCluster(tmp_path_factory.mktemp("quiver-trim-cluster"), nodes=2, nats=1, node_env=TRIM_ENV)
    local.start()
    try:
        yield local
    finally:
        local.stop()


def _streams(cluster: LocalCluster) -> dict[str, tuple[int, int]]:
    """Every shard stream: name -> (first sequence, last sequence), as nats-server reports them."""
    url = f"http://127.0.0.1:{cluster.nats[0].monitor_port}/jsz?streams=true"
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (local http only)
        body = json.load(answer)
    out = {}
    for account in body.get("account_details", []):
        for stream in account.get("stream_detail", []):
            if stream["name"].startswith("QV_"):
                state = stream["state"]
                out[stream["name"]] = (int(state["first_seq"]), int(state["last_seq"]))
    return out


def _all_trimmed(cluster: LocalCluster, at_least: int, older: frozenset[str] = frozenset()) -> bool:
    """`at_least` streams with messages, each trimmed to its tail (margin 0: nothing kept); `older`:
    streams of earlier tests, left out (one whose only replica is on a killed node stays untrimmed)."""
    written = {n: s for n, s in _streams(cluster).items() if s[1] > 0 and n not in older}
    return len(written) >= at_least and all(first == last + 1 for first, last in written.values())


def _settled(cluster: LocalCluster, name: str, replicas: dict[int, set[int]]) -> bool:
    for node in cluster.nodes:
        view = collection_cluster(node.url, name)
        shards = placement(node.url, name)
        if view["shard_transfers"] or {s: set(p) for s, p in shards.items()} != replicas:
            return False
        if any(set(p.values()) != {"Active"} for p in shards.values()):
            return False
    return True


def _local_counts(cluster: LocalCluster, name: str) -> dict[int, dict[int, int]]:
    counts: dict[int, dict[int, int]] = {}
    for node in cluster.nodes:
        view = collection_cluster(node.url, name)
        for shard in view["local_shards"]:
            counts.setdefault(shard["shard_id"], {})[view["peer_id"]] = shard["points_count"]
    return counts


def _agree(cluster: LocalCluster, name: str, total: int) -> bool:
    counts = _local_counts(cluster, name)
    return (all(len(set(peers.values())) == 1 for peers in counts.values())
            and sum(next(iter(p.values())) for p in counts.values()) == total)


def _content(client: QdrantClient, name: str) -> dict[Any, tuple[Any, list[float]]]:
    points: dict[Any, tuple[Any, list[float]]] = {}
    offset = None
    while True:
        records, offset = client.scroll(name, limit=256, offset=offset, with_payload=True, with_vectors=True)
        for r in records:
            assert isinstance(r.vector, list)
            points[r.id] = (r.payload, [float(x) for x in r.vector])
        if offset is None:
            return points


def _expected(ids: list[int], overwritten: set[int]) -> dict[Any, tuple[Any, list[float]]]:
    out = {}
    for i in ids:
        p = load_point(i)
        payload = {**p["payload"], "v": 2} if i in overwritten else p["payload"]
        out[i] = (payload, [float(x) for x in p["vector"]])
    return out


def _same(got: dict[Any, tuple[Any, list[float]]], want: dict[Any, tuple[Any, list[float]]]) -> None:
    """The same ids and payloads; vectors equal as float32 stores them."""
    assert sorted(got) == sorted(want)
    assert {i: p for i, (p, _) in got.items()} == {i: p for i, (p, _) in want.items()}
    for i, (_, vector) in got.items():
        assert vector == pytest.approx(want[i][1], abs=1e-6)


def _upsert(client: QdrantClient, name: str, ids: range, overwrite: bool = False) -> None:
    points = []
    for i in ids:
        p = load_point(i)
        payload = {**p["payload"], "v": 2} if overwrite else p["payload"]
        points.append(models.PointStruct(id=i, vector=p["vector"], payload=payload))
    client.upsert(name, points=points, wait=True)


def _create(url: str, name: str, shards: int, replicas: int) -> None:
    answer = httpx.put(f"{url}/collections/{name}", timeout=60, json={
        "vectors": {"size": DIM, "distance": "Euclid"}, "shard_number": shards, "replication_factor": replicas})
    assert answer.status_code == 200, answer.text


def test_replicate_by_snapshot_after_trim(trim_cluster: LocalCluster) -> None:
    cluster = trim_cluster
    name = unique_name("trim_replicate")
    first = QdrantClient(url=cluster.nodes[0].url, prefer_grpc=False, timeout=60)
    try:
        _create(cluster.nodes[0].url, name, shards=2, replicas=1)
        for start in range(0, 400, 40):
            _upsert(first, name, range(start, start + 40))
        _upsert(first, name, range(0, 50), overwrite=True)
        wait_until(lambda: _all_trimmed(cluster, 2), 30, "both shard streams trimmed to their tails")

        peers = sorted({collection_cluster(n.url, name)["peer_id"] for n in cluster.nodes})
        before = placement(cluster.nodes[0].url, name)
        shard_id = 0
        source = next(iter(before[shard_id]))
        target = next(p for p in peers if p != source)
        stream_records = httpx.post(f"{cluster.nodes[1].url}/collections/{name}/cluster", timeout=60, json={
            "replicate_shard": {"shard_id": shard_id, "from_peer_id": source, "to_peer_id": target,
                                "method": "stream_records"}})
        assert stream_records.status_code == 400 and "use method snapshot" in stream_records.text

        load = WriteLoad([n.url for n in cluster.nodes], name, first_id=10_000).start()
        try:
            wait_until(lambda: len(load.acked) >= 24, 30, "writes before the transfer")
            assert first.cluster_collection_update(name, models.ReplicateShardOperation(
                replicate_shard=models.ReplicateShard(shard_id=shard_id, from_peer_id=source, to_peer_id=target,
                                                      method=models.ShardTransferMethod.SNAPSHOT)))
            wanted = {s: set(p) for s, p in before.items()} | {shard_id: {source, target}}
            wait_until(lambda: _settled(cluster, name, wanted), SETTLE_S, "the snapshot transfer to finish")
            time.sleep(0.5)  # writes go on after it
        finally:
            load.stop()
        assert not load.failures, load.failures[:5]
        total = 400 + len(load.acked)
        wait_until(lambda: _agree(cluster, name, total), SETTLE_S, "the two replicas of the shard to agree")
        expected = _expected(list(range(400)) + load.acked, set(range(50)))
        # reads prefer the local replica: each node answers shard 0 from its own copy
        contents = []
        for node in cluster.nodes:
            client = QdrantClient(url=node.url, prefer_grpc=False, timeout=60)
            try:
                contents.append(_content(client, name))
            finally:
                client.close()
        assert contents[0] == contents[1]  # bit for bit
        _same(contents[0], expected)
        first.delete_collection(name)
    finally:
        first.close()


def test_node_down_while_trimmed_catches_up_by_snapshot(trim_cluster: LocalCluster) -> None:
    cluster = trim_cluster
    name = unique_name("trim_down")
    survivor, victim = cluster.nodes
    client = QdrantClient(url=survivor.url, prefer_grpc=False, timeout=60)
    older = frozenset(_streams(cluster))
    try:
        _create(survivor.url, name, shards=2, replicas=2)
        _upsert(client, name, range(0, 100))
        wait_until(lambda: _agree(cluster, name, 100), 30, "both replicas of every shard")
        victim.kill()
        for start in range(100, 300, 50):
            _upsert(client, name, range(start, start + 50))
        _upsert(client, name, range(0, 30), overwrite=True)
        wait_until(lambda: _all_trimmed(cluster, 2, older), 30, "the streams trimmed past the killed node's replicas")

        victim.start()
        victim.wait_ready()
        peers = {collection_cluster(n.url, name)["peer_id"] for n in cluster.nodes}
        wait_until(lambda: _settled(cluster, name, {0: peers, 1: peers}), SETTLE_S,
                   "the restarted node's replicas refilled and Active")
        wait_until(lambda: _agree(cluster, name, 300), SETTLE_S, "the replicas to agree")
        log = victim.log_path.read_text(errors="replace")
        assert "snapshot transfer listed" in log and "shard snapshot restored" in log
        _upsert(client, name, range(300, 320))  # and the stream goes on from the snapshot's sequence
        wait_until(lambda: _agree(cluster, name, 320), SETTLE_S, "the replicas to agree after more writes")
        expected = _expected(list(range(320)), set(range(30)))
        own = QdrantClient(url=victim.url, prefer_grpc=False, timeout=60)
        try:
            _same(_content(own, name), expected)
            assert _content(own, name) == _content(client, name)  # its replicas and the survivor's
        finally:
            own.close()
    finally:
        client.close()
        if not victim.alive():
            victim.start()
            victim.wait_ready()
