"""Qdrant's cluster API in cluster mode: `/cluster`, `/collections/{c}/cluster`, shard keys and the
replica operations, every change a compare-and-set of the collection's metadata record.

Validation follows Qdrant's `do_update_collection_cluster` (src/common/collections.rs) and the
transfer checks (lib/collection/src/shards/transfer/helpers.rs): the same order and error texts.
A peer "exists" while it is registered in the peers bucket (its heartbeat is recent).
The answers are plain data; server/convert/cluster.py shapes them as Qdrant's JSON.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from cluster import names
from cluster.api_types import ClusterStatus, CollectionClusterInfo, LocalShard, RemoteShard
from cluster.node import ClusterNode
from cluster.records import ACTIVE, PARTIAL, CollectionRecord, ShardKey, ShardRecord, place
from cluster.streams import create_shard_streams, delete_shard_streams
from engine.errors import BadRequest, NotFound

INITIAL_STATES = ("Active", "Partial")


def check_peer(node: ClusterNode, peer_id: int) -> None:
    if peer_id not in node.meta.peers:
        raise BadRequest(f"Peer {peer_id} does not exist")


def check_shard(record: CollectionRecord, shard_id: int) -> ShardRecord:
    shard = record.shard(shard_id)
    if shard is None:
        raise BadRequest(f"Shard {shard_id} of {record.name} does not exist")
    return shard


# ---- status ----------------------------------------------------------------------------------
async def cluster_status(node: ClusterNode) -> ClusterStatus:
    info = await node.js.stream_info(f"KV_{names.COLLECTIONS_BUCKET}")
    return ClusterStatus(peer_id=node.peer_id, peers={p: i.rest for p, i in sorted(node.meta.peers.items())},
                         commit=int(info.state.last_seq), last_update=datetime.now(UTC))


async def collection_cluster_info(node: ClusterNode, name: str) -> CollectionClusterInfo:
    record = node.record(name)
    out = CollectionClusterInfo(peer_id=node.peer_id, shard_count=len(record.shards),
                                shard_transfers=list(record.transfers))
    for shard in record.shards:
        for peer, state in sorted(shard.replicas.items()):
            if peer != node.peer_id:
                out.remote_shards.append(RemoteShard(shard.id, shard.key, peer, state))
                continue
            local = node.local_replica(record.name, shard.id)
            count = 0 if local is None else (await node.run(local.info)).points_count
            out.local_shards.append(LocalShard(shard.id, shard.key, count, state))
    return out


# ---- shard keys ------------------------------------------------------------------------------
async def create_shard_key(node: ClusterNode, name: str, key: ShardKey, shards_number: int | None = None,
                           replication_factor: int | None = None, placement: list[int] | None = None,
                           initial_state: str | None = None) -> None:
    record = node.record(name)
    if record.sharding_method != "custom":
        raise BadRequest("Shard Key cannot be created with Auto sharding method")
    if initial_state is not None and initial_state not in INITIAL_STATES:
        raise BadRequest(f"Initial state cannot be {initial_state}, only Active or Partial are allowed")
    params = record.config.params
    number = shards_number or params.shard_number
    # with an initial state (e.g. Partial) Qdrant makes one replica per shard: data comes by transfer
    factor = replication_factor or (1 if initial_state is not None else params.replication_factor)
    if key in record.shard_keys:
        raise BadRequest(f"Sharding key {key} already exists for collection {record.name}")
    if placement is not None:
        if not placement:
            raise BadRequest(f"Sharding key {key} placement cannot be empty. If you want to use random placement, "
                             "do not specify placement")
        for peer in placement:
            check_peer(node, peer)
    pool = placement if placement is not None else (node.meta.alive_peers() or [node.peer_id])
    state = initial_state or ACTIVE
    while True:
        current = node.record(name)
        first = max((s.id for s in current.shards), default=-1) + 1
        ids = list(range(first, first + number))
        await create_shard_streams(node.js, current.uuid, ids, node.stream_replicas)
        at = place(ids, pool, factor, start=first)
        shards = [ShardRecord(id=sid, key=key, replicas=dict.fromkeys(at[sid], state)) for sid in ids]

        def add(rec: CollectionRecord | None, first: int = first,
                shards: list[ShardRecord] = shards) -> CollectionRecord:
            if rec is None:
                raise NotFound(f"Collection `{name}` doesn't exist!")
            if key in rec.shard_keys:
                raise BadRequest(f"Sharding key {key} already exists for collection {rec.name}")
            if max((s.id for s in rec.shards), default=-1) + 1 != first:
                raise _Moved()  # another node added shards meanwhile: pick new ids
            return rec.bumped(shards=[*rec.shards, *shards])
        try:
            await node.meta.change_collection(record.name, add)
        except _Moved:
            continue
        except BaseException:
            await delete_shard_streams(node.js, current.uuid, ids)
            raise
        break
    await node.meta.wait_seen(lambda: key in node.record(name).shard_keys, 10.0)
    await node.reconcile()


class _Moved(Exception):
    """The record's shard ids changed between reading it and the CAS."""


async def drop_shard_key(node: ClusterNode, name: str, key: ShardKey) -> None:
    record = node.record(name)
    if record.sharding_method != "custom":
        raise BadRequest("Shard Key cannot be created with Auto sharding method")  # Qdrant's text, as it is
    if key not in record.shard_keys:
        raise BadRequest(f"Sharding key {key} does not exist for collection {record.name}")
    dropped: list[int] = []

    def drop(rec: CollectionRecord | None) -> CollectionRecord:
        if rec is None:
            raise NotFound(f"Collection `{name}` doesn't exist!")
        if key not in rec.shard_keys:
            raise BadRequest(f"Sharding key {key} does not exist for collection {rec.name}")
        dropped[:] = [s.id for s in rec.shards if s.key == key]
        return rec.bumped(shards=[s for s in rec.shards if s.key != key],
                          transfers=[t for t in rec.transfers if t.get("shard_id") not in dropped])
    await node.meta.change_collection(record.name, drop)
    await node.meta.wait_seen(lambda: key not in node.record(name).shard_keys, 10.0)
    await node.reconcile()
    await delete_shard_streams(node.js, record.uuid, dropped)


# ---- replicas --------------------------------------------------------------------------------
async def drop_replica(node: ClusterNode, name: str, shard_id: int, peer_id: int) -> None:
    record = node.record(name)
    check_shard(record, shard_id)
    check_peer(node, peer_id)

    def drop(rec: CollectionRecord | None) -> CollectionRecord:
        if rec is None:
            raise NotFound(f"Collection `{name}` doesn't exist!")
        shard = check_shard(rec, shard_id)
        if peer_id not in shard.replicas:
            raise BadRequest(f"Shard {shard_id} is not found on peer {peer_id}")
        others = [p for p, s in shard.replicas.items() if p != peer_id and s == ACTIVE]
        if not others:
            raise BadRequest(f"Shard {shard_id} must have at least one active replica after removing {peer_id}")
        replicas = {p: s for p, s in shard.replicas.items() if p != peer_id}
        return rec.bumped(shards=[replace(s, replicas=replicas) if s.id == shard_id else s for s in rec.shards],
                          transfers=[t for t in rec.transfers
                                     if not (t.get("shard_id") == shard_id and peer_id in (t.get("from"), t.get("to")))])
    await node.meta.change_collection(record.name, drop)
    await node.reconcile()


def with_partial(shard: ShardRecord, peer_id: int) -> ShardRecord:
    return replace(shard, replicas={**shard.replicas, peer_id: PARTIAL})


# ---- peers -----------------------------------------------------------------------------------
async def remove_peer(node: ClusterNode, peer_id: int, force: bool) -> None:
    """Qdrant's `DELETE /cluster/peer/{id}`: refused while the peer holds replicas, unless `force`
    (then its replicas leave every shard's replica set first)."""
    check_peer(node, peer_id)
    holding = [r.name for r in node.meta.collections.values() if any(peer_id in s.replicas for s in r.shards)]
    if holding and not force:
        raise BadRequest(f"Cannot remove peer {peer_id} as there are shards on it")
    for name in holding:
        def forget(rec: CollectionRecord | None) -> CollectionRecord | None:
            if rec is None:
                return None
            return rec.bumped(shards=[replace(s, replicas={p: st for p, st in s.replicas.items() if p != peer_id})
                                      for s in rec.shards],
                              transfers=[t for t in rec.transfers if peer_id not in (t.get("from"), t.get("to"))])
        await node.meta.change_collection(name, forget)
    await node.meta.leave(peer_id)
    await node.reconcile()
