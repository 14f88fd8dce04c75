"""Cluster and shard-key requests and answers (REST JSON), as a standalone Qdrant reads and writes them.

A standalone node holds every collection as one local shard 0 and has no consensus: the cluster
operations are read (a body that is not one of Qdrant's operations is a format error, as actix's
extractor makes it) and then refused with `StandaloneMode`, before the collection is looked up —
the order of Qdrant's `do_update_collection_cluster`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, cast

from cluster.api_types import ClusterStatus, CollectionClusterInfo
from engine.errors import MalformedRequest, ValidationError

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


# ---- cluster mode ------------------------------------------------------------------------------
def _u(body: dict[str, Any], key: str, required: bool = True, minimum: int = 0) -> int | None:
    """An unsigned integer field of a cluster operation (serde's errors for a missing or wrong one)."""
    if key not in body or body[key] is None:
        if required:
            raise MalformedRequest(f"Format error in JSON body: missing field `{key}`")
        return None
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int):
        raise MalformedRequest(f"Format error in JSON body: invalid type: expected u64 for field `{key}`")
    if value < 0:
        raise MalformedRequest(f"Format error in JSON body: invalid value: integer `{value}`, expected u64")
    if value < minimum:
        raise ValidationError(
            f"Validation error in JSON body: [{key}: value {value} invalid, must be {minimum} or larger]"
        )
    return value


def read_create_shard_key(body: Any) -> CreateShardKey:
    key = check_shard_key_request(body)
    placement = body.get("placement")
    if placement is not None and (not isinstance(placement, list)
                                  or any(isinstance(p, bool) or not isinstance(p, int) or p < 0 for p in placement)):
        raise MalformedRequest("Format error in JSON body: invalid type: expected a sequence of u64 for `placement`")
    state = body.get("initial_state")
    if state is not None and state not in REPLICA_STATES:
        raise MalformedRequest(f"Format error in JSON body: unknown variant `{state}` for `initial_state`")
    return CreateShardKey(key=key, shards_number=_u(body, "shards_number", False, 1),
                          replication_factor=_u(body, "replication_factor", False, 1), placement=placement,
                          initial_state=state)


@dataclass(slots=True)
class CreateShardKey:
    key: str | int
    shards_number: int | None = None
    replication_factor: int | None = None
    placement: list[int] | None = None
    initial_state: str | None = None


@dataclass(slots=True)
class ClusterOperation:
    """One of Qdrant's `ClusterOperations`, read: `kind` is its key."""

    kind: str
    shard_id: int = 0
    from_peer_id: int = 0
    to_peer_id: int = 0
    peer_id: int = 0
    method: str | None = None
    shard_key: CreateShardKey | None = None


REPLICA_STATES = ("Active", "Dead", "Partial", "Initializing", "Listener", "PartialSnapshot", "Recovery",
                  "Resharding", "ReshardingScaleDown", "ActiveRead", "ManualRecovery")
TRANSFER_METHODS = ("stream_records", "snapshot", "wal_delta", "resharding_stream_records")


def read_cluster_operation(body: Any) -> ClusterOperation:
    kind = check_cluster_operation(body)
    inner = body[kind]
    match kind:
        case "move_shard" | "replicate_shard" | "abort_transfer" | "restart_transfer":
            method = inner.get("method")
            if method is not None and method not in TRANSFER_METHODS:
                raise MalformedRequest(f"Format error in JSON body: unknown variant `{method}` for `method`")
            return ClusterOperation(kind, shard_id=_u(inner, "shard_id") or 0,
                                    from_peer_id=_u(inner, "from_peer_id") or 0,
                                    to_peer_id=_u(inner, "to_peer_id") or 0, method=method)
        case "drop_replica":
            return ClusterOperation(kind, shard_id=_u(inner, "shard_id") or 0, peer_id=_u(inner, "peer_id") or 0)
        case "create_sharding_key":
            return ClusterOperation(kind, shard_key=read_create_shard_key(inner))
        case "drop_sharding_key":
            return ClusterOperation(kind, shard_key=CreateShardKey(key=check_shard_key_request(inner)))
    return ClusterOperation(kind)


def cluster_status_to_json(status: ClusterStatus) -> dict[str, Any]:
    """`ClusterStatus` of an enabled cluster. The consensus is JetStream's (a Raft group per bucket
    and stream), not one Raft log of ours: `commit` counts the committed metadata changes, `term`
    is 0 and no peer is the leader (the metadata leader is a nats-server, not a Quiver peer)."""
    return {
        "status": "enabled",
        "peer_id": status.peer_id,
        "peers": {str(p): {"uri": uri} for p, uri in status.peers.items()},
        "raft_info": {"term": 0, "commit": status.commit, "pending_operations": 0, "leader": None,
                      "role": None, "is_voter": True},
        "consensus_thread_status": {"consensus_thread_status": "working",
                                    "last_update": status.last_update.isoformat().replace("+00:00", "Z")},
        "message_send_failures": {},
    }


def collection_cluster_to_json(info: CollectionClusterInfo) -> dict[str, Any]:
    def key(value: Any) -> dict[str, Any]:
        return {} if value is None else {"shard_key": value}
    return {
        "peer_id": info.peer_id,
        "shard_count": info.shard_count,
        "local_shards": [{"shard_id": s.shard_id, **key(s.shard_key), "points_count": s.points_count,
                          "state": s.state} for s in info.local_shards],
        "remote_shards": [{"shard_id": s.shard_id, **key(s.shard_key), "peer_id": s.peer_id, "state": s.state}
                          for s in info.remote_shards],
        "shard_transfers": [{"shard_id": t["shard_id"], "from": t["from"], "to": t["to"], "sync": t["sync"],
                             "method": t.get("method"), **({"comment": t["comment"]} if t.get("comment") else {})}
                            for t in info.shard_transfers],
    }


def shard_key_list_to_json(keys: list[Any]) -> dict[str, Any]:
    return {"shard_keys": [{"key": k} for k in keys]}


class ClusterApi(Protocol):
    """What the transports call on a service in cluster mode (server/cluster_service.py); a
    standalone service has none of these, and the transports answer as a standalone Qdrant."""

    async def cluster_status(self) -> ClusterStatus: ...
    async def remove_peer(self, peer_id: int, force: bool) -> None: ...
    async def collection_cluster_info(self, name: str) -> CollectionClusterInfo: ...
    async def shard_keys(self, name: str) -> list[Any] | None: ...
    async def create_shard_key(self, name: str, request: CreateShardKey) -> bool: ...
    async def delete_shard_key(self, name: str, key: Any) -> bool: ...
    async def update_collection_cluster(self, name: str, op: ClusterOperation) -> bool: ...


def cluster_api(service: object) -> ClusterApi | None:
    """The service's cluster API, or None when the node runs standalone."""
    # a method of the service's class (not any attribute an instance may answer for)
    return cast(ClusterApi, service) if getattr(type(service), "cluster_status", None) is not None else None
