"""Cluster and shard-key requests and answers (REST JSON), as a standalone Qdrant reads and writes them.

A standalone node holds every collection as one local shard 0 and has no consensus: the cluster
operations are read (a body that is not one of Qdrant's operations is a format error, as actix's
extractor makes it) and then refused with `StandaloneMode`, before the collection is looked up —
the order of Qdrant's `do_update_collection_cluster`.
"""

from __future__ import annotations

from typing import Any

from engine.errors import MalformedRequest

CLUSTER_OPERATIONS = frozenset({
    "move_shard", "replicate_shard", "abort_transfer", "drop_replica", "create_sharding_key",
    "drop_sharding_key", "restart_transfer", "start_resharding", "abort_resharding", "replicate_points",
})
"""The keys of Qdrant's untagged `ClusterOperations` (each variant is an object with one of them)."""


def check_cluster_operation(body: Any) -> str:
    """The operation's key; a body that matches no variant is Qdrant's format error."""
    if isinstance(body, dict):
        known = [key for key in body if key in CLUSTER_OPERATIONS and isinstance(body[key], dict)]
        if len(known) == 1:
            return known[0]
    raise MalformedRequest(
        "Format error in JSON body: data did not match any variant of untagged enum ClusterOperations"
    )


def check_shard_key_request(body: Any) -> Any:
    """`CreateShardingKey` / `DropShardingKey`: the required `shard_key`, a string or a u64."""
    if body is None:
        raise MalformedRequest("Format error in JSON body: EOF while parsing a value at line 1 column 0")
    if not isinstance(body, dict):
        raise MalformedRequest("Format error in JSON body: invalid type: expected struct")
    if "shard_key" not in body:
        raise MalformedRequest("Format error in JSON body: missing field `shard_key`")
    key = body["shard_key"]
    if isinstance(key, bool) or not (isinstance(key, str) or (isinstance(key, int) and key >= 0)):
        raise MalformedRequest(
            "Format error in JSON body: data did not match any variant of untagged enum ShardKey"
        )
    return key


def cluster_info_to_json(peer_id: int, points_count: int) -> dict[str, Any]:
    """`CollectionClusterInfo` of a standalone node: shard 0 local and active, nothing remote."""
    return {
        "peer_id": peer_id,
        "shard_count": 1,
        "local_shards": [{"shard_id": 0, "points_count": points_count, "state": "Active"}],
        "remote_shards": [],
        "shard_transfers": [],
    }


def shard_keys_to_json(sharding_method: str | None) -> dict[str, Any]:
    """`ShardKeysResponse`: no key list with auto sharding; custom sharding on one node has none yet
    (creating a key needs cluster mode)."""
    return {"shard_keys": []} if sharding_method == "custom" else {}
