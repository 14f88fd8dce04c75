"""Issue 12, the operations Quiver did not serve: the cluster API of a standalone node and shard keys.

A single-node Qdrant without cluster mode answers `GET /cluster` with `{"status": "disabled"}`,
describes each collection as one local active shard, and refuses every consensus operation with
405 `Qdrant is running in standalone mode` (gRPC UNIMPLEMENTED) after reading the request and
before looking the collection up. Checked through the stock client (REST and gRPC) and raw HTTP;
every REST answer is also validated against the v1.19 schema by the conftest.
"""

from __future__ import annotations

import grpc
import httpx
import pytest
from compat_helpers import assert_ok, assert_qdrant_error, create_simple, sample_points
from conftest import memory_mode
from qdrant_client import QdrantClient, models
from qdrant_client.http.exceptions import UnexpectedResponse

STANDALONE = "Qdrant is running in standalone mode"

pytestmark = pytest.mark.skipif(memory_mode(), reason="local mode has no cluster API")


def _standalone_refusal(client: QdrantClient, call: object) -> None:
    """The stock client's view of Qdrant's standalone refusal, per transport."""
    assert callable(call)
    if getattr(client._client, "_prefer_grpc", False):
        with pytest.raises(grpc.RpcError) as info:
            call()
        assert info.value.code() == grpc.StatusCode.UNIMPLEMENTED
        assert info.value.details() == STANDALONE
    else:
        with pytest.raises(UnexpectedResponse) as raised:
            call()
        assert raised.value.status_code == 405
        assert STANDALONE in raised.value.content.decode()


def test_cluster_status_is_disabled(client: QdrantClient, raw: httpx.Client) -> None:
    assert assert_ok(raw.get("/cluster")) == {"status": "disabled"}
    if not getattr(client._client, "_prefer_grpc", False):  # REST only: the client has no gRPC call for it
        assert client.cluster_status().status == "disabled"


def test_cluster_telemetry_answers_as_a_standalone_qdrant(raw: httpx.Client) -> None:
    # no peers to ask: Qdrant's own answer is this service error
    assert_qdrant_error(raw.get("/cluster/telemetry", params={"details_level": 3}), 500,
                        "Service internal error: Could not get telemetry from cluster")
    assert_qdrant_error(raw.get("/cluster/telemetry", params={"timeout": 0}), 422, "timeout")


def test_recover_current_peer_needs_cluster_mode(raw: httpx.Client) -> None:
    assert_qdrant_error(raw.post("/cluster/recover"), 405, STANDALONE)


def test_remove_peer(raw: httpx.Client, collection_name: str) -> None:
    assert_qdrant_error(raw.delete("/cluster/peer/12345"), 405, STANDALONE)
    assert_qdrant_error(raw.delete("/cluster/peer/-1"), 404, "can not parse")
    assert assert_ok(raw.put(f"/collections/{collection_name}", json={"vectors": {"size": 2, "distance": "Dot"}}))
    peer_id = assert_ok(raw.get(f"/collections/{collection_name}/cluster"))["peer_id"]
    # this node holds shards: refused unless forced (then consensus is what is missing)
    assert_qdrant_error(raw.delete(f"/cluster/peer/{peer_id}"), 400,
                        f"Bad request: Cannot remove peer {peer_id} as there are shards on it")
    assert_qdrant_error(raw.delete(f"/cluster/peer/{peer_id}", params={"force": "true"}), 405, STANDALONE)


def test_collection_cluster_info_shows_one_local_shard(
    client: QdrantClient, raw: httpx.Client, collection_name: str
) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, sample_points(7), wait=True)
    info = client.collection_cluster_info(collection_name)
    assert info.shard_count == 1
    assert [(s.shard_id, s.points_count, str(s.state.value if hasattr(s.state, "value") else s.state))
            for s in info.local_shards] in ([(0, 7, "Active")], [(0, 7, "0")])
    assert info.remote_shards == [] and info.shard_transfers == []
    body = assert_ok(raw.get(f"/collections/{collection_name}/cluster"))
    assert body["peer_id"] == info.peer_id  # one peer id for both transports
    assert body["local_shards"] == [{"shard_id": 0, "points_count": 7, "state": "Active"}]
    assert_qdrant_error(raw.get("/collections/missing_for_cluster/cluster"), 404, "Not found")


def test_update_collection_cluster_is_refused_before_the_collection_is_looked_up(
    client: QdrantClient, raw: httpx.Client, collection_name: str
) -> None:
    move = {"move_shard": {"shard_id": 0, "from_peer_id": 1, "to_peer_id": 2}}
    assert_qdrant_error(raw.post("/collections/no_such_collection_x/cluster", json=move), 405, STANDALONE)
    assert_qdrant_error(raw.post("/collections/no_such_collection_x/cluster", json={"move": {}}), 400,
                        "Format error in JSON body")
    create_simple(client, collection_name)
    _standalone_refusal(client, lambda: client.cluster_collection_update(
        collection_name, models.MoveShardOperation(
            move_shard=models.MoveShard(shard_id=0, from_peer_id=1, to_peer_id=2))))


def test_shard_keys(client: QdrantClient, raw: httpx.Client, collection_name: str) -> None:
    create_simple(client, collection_name)
    assert assert_ok(raw.get(f"/collections/{collection_name}/shards")) == {}  # auto sharding: no key list
    assert not client.list_shard_keys(collection_name).shard_keys
    _standalone_refusal(client, lambda: client.create_shard_key(collection_name, "tenant_a"))
    _standalone_refusal(client, lambda: client.delete_shard_key(collection_name, "tenant_a"))
    assert_qdrant_error(raw.put(f"/collections/{collection_name}/shards", json={}), 400,
                        "missing field `shard_key`")
    assert_qdrant_error(raw.post(f"/collections/{collection_name}/shards/delete", json={"shard_key": 1}),
                        405, STANDALONE)
    assert_qdrant_error(raw.get("/collections/no_such_collection_y/shards"), 404, "Not found")


def test_shard_keys_of_a_custom_sharded_collection(raw: httpx.Client, collection_name: str) -> None:
    body = {"vectors": {"size": 2, "distance": "Dot"}, "sharding_method": "custom"}
    assert assert_ok(raw.put(f"/collections/{collection_name}", json=body))
    assert assert_ok(raw.get(f"/collections/{collection_name}/shards")) == {"shard_keys": []}


# ---- shard snapshots of the local shard 0 --------------------------------------------------------
def test_shard_snapshot_create_list_download_recover_delete(
    client: QdrantClient, raw: httpx.Client, collection_name: str
) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, sample_points(5), wait=True)
    shard = f"/collections/{collection_name}/shards/0/snapshots"
    desc = client.create_shard_snapshot(collection_name, 0)
    assert desc is not None and desc.name.endswith(".snapshot") and desc.size > 0 and desc.checksum
    assert [s.name for s in client.list_shard_snapshots(collection_name, 0)] == [desc.name]
    # a shard snapshot is not a collection snapshot
    assert assert_ok(raw.get(f"/collections/{collection_name}/snapshots")) == []
    download = raw.get(f"{shard}/{desc.name}")
    assert download.status_code == 200 and len(download.content) == desc.size

    client.delete(collection_name, models.PointIdsList(points=[1, 2]), wait=True)
    assert client.count(collection_name).count == 3
    # tuned after the snapshot: the shard snapshot carries no collection config, so this stays
    client.update_collection(collection_name, hnsw_config=models.HnswConfigDiff(m=8),
                             metadata={"tuned": "after"})
    recovered = raw.post(f"{shard}/upload", files={"snapshot": (desc.name, download.content)})
    assert assert_ok(recovered) is True
    assert client.count(collection_name).count == 5  # the shard's data as it was snapshotted
    config = client.get_collection(collection_name).config
    assert config.hnsw_config.m == 8
    assert config.metadata == {"tuned": "after"}

    # streamed: a fresh snapshot, not kept
    streamed = raw.get(f"/collections/{collection_name}/shards/0/snapshot")
    assert streamed.status_code == 200 and len(streamed.content) > 0
    assert len(client.list_shard_snapshots(collection_name, 0)) == 1

    assert client.delete_shard_snapshot(collection_name, 0, desc.name) is True
    assert client.list_shard_snapshots(collection_name, 0) == []
    assert_qdrant_error(raw.delete(f"{shard}/{desc.name}"), 404)


def test_shard_snapshot_errors(client: QdrantClient, raw: httpx.Client, collection_name: str) -> None:
    create_simple(client, collection_name)
    assert_qdrant_error(raw.post(f"/collections/{collection_name}/shards/1/snapshots"), 404, "Not found: shard 1")
    assert_qdrant_error(raw.get(f"/collections/{collection_name}/shards/x/snapshots"), 400, "can not parse")
    assert_qdrant_error(raw.get("/collections/no_such_collection_z/shards/0/snapshots"), 404, "Not found")
    assert_qdrant_error(raw.put(f"/collections/{collection_name}/shards/0/snapshots/recover", json={}), 400,
                        "location")
    accepted = raw.post(f"/collections/{collection_name}/shards/0/snapshots", params={"wait": "false"})
    assert accepted.status_code == 202 and accepted.json()["status"] == "accepted"


def test_shard_snapshot_recover_from_location(
    client: QdrantClient, raw: httpx.Client, collection_name: str
) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, sample_points(4), wait=True)
    desc = client.create_shard_snapshot(collection_name, 0)
    assert desc is not None
    client.delete(collection_name, models.PointIdsList(points=[1]), wait=True)
    # the stock client's recover call with a URL of this server's own download endpoint
    assert_qdrant_error(raw.put(f"/collections/{collection_name}/shards/0/snapshots/recover",
                                json={"location": "ftp://example.invalid/x.snapshot"}), 400, "Invalid snapshot URI")
    # a port that is not a number is the caller's error (it was a 500)
    assert_qdrant_error(raw.put(f"/collections/{collection_name}/shards/0/snapshots/recover",
                                json={"location": "http://127.0.0.1:12x/a.snapshot"}), 400, "Invalid snapshot URI")
    url = f"{str(raw.base_url).rstrip('/')}/collections/{collection_name}/shards/0/snapshots/{desc.name}"
    assert client.recover_shard_snapshot(collection_name, 0, location=url, wait=True) is True
    assert client.count(collection_name).count == 4


# ---- optimizer status and the telemetry counters fed by it ---------------------------------------
def _wait_for(check: object, timeout_s: float = 60.0) -> object:
    import time

    assert callable(check)
    deadline = time.monotonic() + timeout_s
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_optimizations_report_the_indexing_the_optimizer_did(raw: httpx.Client, collection_name: str) -> None:
    body = {"vectors": {"size": 4, "distance": "Dot"}, "optimizers_config": {"indexing_threshold": 1},
            "hnsw_config": {"m": 8, "ef_construct": 16}}
    assert assert_ok(raw.put(f"/collections/{collection_name}", json=body))
    points = [{"id": p.id, "vector": p.vector, "payload": p.payload} for p in sample_points(300)]
    assert assert_ok(raw.put(f"/collections/{collection_name}/points", params={"wait": "true"},
                             json={"points": points}))
    url = f"/collections/{collection_name}/optimizations"

    def finished() -> list[dict[str, object]]:
        done = assert_ok(raw.get(url, params={"with": "completed,queued,idle_segments"}))["completed"]
        return [c for c in done if c["status"] == "done"]

    completed = _wait_for(finished)
    assert completed, "the optimizer never reported a finished optimization"
    first = completed[-1]
    assert first["optimizer"] == "indexing"
    assert sum(s["points_count"] for s in first["segments"]) == 300
    assert first["progress"]["name"] == "indexing" and first["progress"]["duration_sec"] >= 0

    plain = assert_ok(raw.get(url))
    assert set(plain) == {"summary", "running"}  # the optional lists only when asked for
    assert set(plain["summary"]) == {"queued_optimizations", "queued_segments", "queued_points", "idle_segments"}
    assert assert_ok(raw.get(url, params={"with": "completed", "completed_limit": 0}))["completed"] == []
    assert_qdrant_error(raw.get(url, params={"with": "completed,bogus"}), 400,
                        "Unknown field in 'with' parameter: bogus")
    assert_qdrant_error(raw.get("/collections/no_such_collection_o/optimizations"), 404, "Not found")

    telemetry = assert_ok(raw.get("/telemetry", params={"details_level": 2}))
    mine = next(c for c in telemetry["collections"]["collections"] if c["id"] == collection_name)
    assert mine["shards"][0]["local"]["total_optimized_points"] >= 300


def test_telemetry_counts_snapshot_creations(client: QdrantClient, raw: httpx.Client, collection_name: str) -> None:
    create_simple(client, collection_name)
    client.upsert(collection_name, sample_points(3), wait=True)
    assert client.create_snapshot(collection_name) is not None
    assert client.create_shard_snapshot(collection_name, 0) is not None
    telemetry = assert_ok(raw.get("/telemetry", params={"details_level": 3}))
    counts = next(s for s in telemetry["collections"]["snapshots"] if s["id"] == collection_name)
    assert counts == {"id": collection_name, "running_snapshots": 0, "running_snapshot_recovery": 0,
                      "total_snapshot_creations": 2}


# ---- quotas -------------------------------------------------------------------------------------
def test_quotas_report_config_and_usage_and_store_a_config(raw: httpx.Client) -> None:
    status = assert_ok(raw.get("/quotas"))
    assert status["config"]["enabled"] is False and "peers" not in status
    usage = status["usage"]
    assert set(usage) == {"resident_memory_percent", "disk_usage_percent"}
    assert all(v is None or 0 <= v <= 100 for v in usage.values())
    assert usage["disk_usage_percent"] is not None and usage["resident_memory_percent"] is not None

    limits = {"enabled": False, "max_resident_memory_percent": 90, "max_disk_usage_percent": 95}
    assert assert_ok(raw.put("/quotas", json=limits)) is True
    assert assert_ok(raw.get("/quotas"))["config"] == limits
    # enforcement (enabled: true) is tested on a server of its own: test_compat_conformance_ops_quotas.py
    assert_qdrant_error(raw.put("/quotas", json={"max_disk_usage_percent": 0}), 422, "max_disk_usage_percent")
    assert_qdrant_error(raw.put("/quotas", json={"enabled": "yes"}), 400, "Format error in JSON body")
    assert assert_ok(raw.get("/quotas"))["config"] == limits  # refused requests changed nothing
    assert assert_ok(raw.put("/quotas", json={})) is True
    assert assert_ok(raw.get("/quotas"))["config"] == {"enabled": False}
