"""gRPC messages of the cluster API and of read scopes ⇄ the cluster API's values
(REST: server/convert/cluster.py, the same values and checks)."""

from __future__ import annotations

from typing import Any

from cluster.api_types import CollectionClusterInfo
from engine.errors import MalformedRequest
from engine.types.sharding import ShardKey
from server.convert.cluster import REPLICA_STATES, ClusterOperation, CreateShardKey
from server.convert.grpc.sharding import selector_from_pb
from server.pb import collections_pb2 as cpb
from server.read_scope import ReadScope

_TRANSFER_METHODS = {cpb.StreamRecords: "stream_records", cpb.Snapshot: "snapshot", cpb.WalDelta: "wal_delta",
                     cpb.ReshardingStreamRecords: "resharding_stream_records"}
_CONSISTENCY = {0: "all", 1: "majority", 2: "quorum"}


def key_from_pb(msg: Any) -> ShardKey:
    which = msg.WhichOneof("key")
    if which is None:
        raise MalformedRequest("Shard key is not specified")
    return str(msg.keyword) if which == "keyword" else int(msg.number)


def key_to_pb(key: ShardKey) -> Any:
    return cpb.ShardKey(keyword=key) if isinstance(key, str) else cpb.ShardKey(number=key)


def read_scope_from_pb(request: Any) -> ReadScope:
    """The shard keys and read consistency a request names (any request: fields it lacks are unset)."""
    fields = request.DESCRIPTOR.fields_by_name
    consistency: int | str | None = None
    if "read_consistency" in fields and request.HasField("read_consistency"):
        msg = request.read_consistency
        which = msg.WhichOneof("value")
        if which == "type":
            consistency = _CONSISTENCY.get(int(msg.type), "all")
        elif which == "factor":
            consistency = max(1, int(msg.factor))
    return ReadScope(shard_key=selector_from_pb(request), consistency=consistency)


def create_shard_key_from_pb(request: Any) -> CreateShardKey:
    if not request.HasField("request"):
        raise MalformedRequest("empty request")
    msg = request.request
    if not msg.HasField("shard_key"):
        raise MalformedRequest("Shard key is not specified")
    state = REPLICA_STATES[int(msg.initial_state)] if msg.HasField("initial_state") else None
    return CreateShardKey(key=key_from_pb(msg.shard_key),
                          shards_number=int(msg.shards_number) if msg.HasField("shards_number") else None,
                          replication_factor=int(msg.replication_factor) if msg.HasField("replication_factor")
                          else None,
                          placement=[int(p) for p in msg.placement] or None, initial_state=state)


def delete_shard_key_from_pb(request: Any) -> ShardKey:
    if not request.HasField("request") or not request.request.HasField("shard_key"):
        raise MalformedRequest("Shard key is not specified")
    return key_from_pb(request.request.shard_key)


def cluster_operation_from_pb(request: Any) -> ClusterOperation:
    which = request.WhichOneof("operation")
    if which is None:
        raise MalformedRequest("empty operation")
    op = getattr(request, which)
    match which:
        case "move_shard" | "replicate_shard":
            method = _TRANSFER_METHODS.get(cpb.ShardTransferMethod.ValueType(op.method)) if op.HasField("method") else None
            return ClusterOperation(which, shard_id=int(op.shard_id), from_peer_id=int(op.from_peer_id),
                                    to_peer_id=int(op.to_peer_id), method=method)
        case "restart_transfer":
            return ClusterOperation(which, shard_id=int(op.shard_id), from_peer_id=int(op.from_peer_id),
                                    to_peer_id=int(op.to_peer_id),
                                    method=_TRANSFER_METHODS.get(cpb.ShardTransferMethod.ValueType(op.method)))
        case "abort_transfer":
            return ClusterOperation(which, shard_id=int(op.shard_id), from_peer_id=int(op.from_peer_id),
                                    to_peer_id=int(op.to_peer_id))
        case "drop_replica":
            return ClusterOperation(which, shard_id=int(op.shard_id), peer_id=int(op.peer_id))
        case "create_shard_key":
            return ClusterOperation("create_sharding_key",
                                    shard_key=create_shard_key_from_pb(cpb.CreateShardKeyRequest(request=op)))
        case "delete_shard_key":
            return ClusterOperation("drop_sharding_key", shard_key=CreateShardKey(key=key_from_pb(op.shard_key)))
    return ClusterOperation(which)


def cluster_info_to_pb(info: CollectionClusterInfo) -> Any:
    def state(name: str) -> Any:
        return REPLICA_STATES.index(name) if name in REPLICA_STATES else 0

    def key(value: ShardKey | None) -> dict[str, Any]:
        return {} if value is None else {"shard_key": key_to_pb(value)}
    return cpb.CollectionClusterInfoResponse(
        peer_id=info.peer_id, shard_count=info.shard_count,
        local_shards=[cpb.LocalShardInfo(shard_id=s.shard_id, points_count=s.points_count, state=state(s.state),
                                         **key(s.shard_key)) for s in info.local_shards],
        remote_shards=[cpb.RemoteShardInfo(shard_id=s.shard_id, peer_id=s.peer_id, state=state(s.state),
                                           **key(s.shard_key)) for s in info.remote_shards],
        shard_transfers=[cpb.ShardTransferInfo(shard_id=t["shard_id"], sync=t["sync"], **{"from": t["from"],
                                                                                           "to": t["to"]})
                         for t in info.shard_transfers])


def shard_keys_to_pb(keys: list[ShardKey] | None) -> Any:
    return cpb.ListShardKeysResponse(shard_keys=[cpb.ShardKeyDescription(key=key_to_pb(k)) for k in keys or []])
