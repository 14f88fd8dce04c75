"""A restarted node's replicas are not read until they caught up.

While a node was down its shards' streams moved on. Before the node announces itself alive, each
of its Active replicas is marked `Recovery` (one CAS per collection), so no read goes to a replica
that lacks acknowledged writes and `wait=true` does not count it; each becomes Active again once it
has applied the stream up to the last sequence the stream had when the node started (newer writes
it then chases like any replica).

A replica whose stream was trimmed past what it applied (its node was down while the shard's other
replicas went on and the stream was trimmed behind them, cluster/trim.py) cannot catch up from the
stream: `request_snapshot` turns it `Partial` and lists a snapshot transfer to it from an Active
replica of a live peer (what Qdrant does for a dead replica), and the transfer fills it
(cluster/snapshot_transfer.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets

from cluster import names
from cluster.meta import Metadata
from cluster.records import ACTIVE, PARTIAL, RECOVERY, CollectionRecord, with_replica_state
from cluster.replica import Replica
from cluster.retry import retrying

log = logging.getLogger("quiver.cluster")
POLL_S = 0.05


async def mark_recovering(meta: Metadata, peer_id: int) -> None:
    for name, record in list(meta.collections.items()):
        if any(s.replicas.get(peer_id) == ACTIVE for s in record.shards):
            await meta.change_collection(name, lambda r: _flip(r, peer_id, ACTIVE, RECOVERY))


def _flip(record: CollectionRecord | None, peer_id: int, old: str, new: str) -> CollectionRecord | None:
    return None if record is None else with_replica_state(record, peer_id, old, new)


async def promote_when_caught_up(meta: Metadata, replica: Replica, collection: str) -> None:
    """Wait until `replica` applied its stream's current tail, then mark it Active (only this
    shard's replica, and only if it is still in Recovery)."""
    info = await retrying(lambda: replica.js.stream_info(replica.stream), "stream info")
    tail = info.state.last_seq
    while replica.applied < tail:
        await asyncio.sleep(POLL_S)
    shard_id, peer_id = replica.shard_id, replica.peer_id

    def promote(record: CollectionRecord | None) -> CollectionRecord | None:
        if record is None or record.uuid != replica.uuid_hex:
            return record
        shard = record.shard(shard_id)
        if shard is None or shard.replicas.get(peer_id) != RECOVERY:
            return record
        shards = [s if s.id != shard_id else type(s)(id=s.id, key=s.key, replicas={**s.replicas, peer_id: ACTIVE})
                  for s in record.shards]
        return record.bumped(shards=shards)
    await meta.change_collection(collection, promote)
    log.info("replica caught up", extra={"stream": names.stream_name(replica.uuid_hex, shard_id), "seq": tail})


async def request_snapshot(meta: Metadata, collection: str, uuid_hex: str, shard_id: int, peer_id: int) -> bool:
    """List a snapshot transfer that refills this peer's replica of the shard (the replica turns
    Partial); False when no Active replica of a live peer can be the source yet (asked again later)."""
    listed: list[bool] = []

    def recover(record: CollectionRecord | None) -> CollectionRecord | None:
        listed[:] = []
        if record is None or record.uuid != uuid_hex:
            return record
        shard = record.shard(shard_id)
        if shard is None or peer_id not in shard.replicas:
            return record
        if any(t.get("shard_id") == shard_id and peer_id in (t.get("to"), t.get("from")) for t in record.transfers):
            listed.append(True)  # already being filled (or a source): nothing to add
            return record
        sources = sorted(p for p, st in shard.replicas.items() if p != peer_id and st == ACTIVE and meta.alive(p))
        if not sources:
            return record
        transfer = {"shard_id": shard_id, "from": sources[0], "to": peer_id, "sync": True, "method": "snapshot",
                    "id": secrets.token_hex(6)}
        shards = [s if s.id != shard_id else type(s)(id=s.id, key=s.key, replicas={**s.replicas, peer_id: PARTIAL})
                  for s in record.shards]
        listed.append(True)
        return record.bumped(shards=shards, transfers=[*record.transfers, transfer])
    await meta.change_collection(collection, recover)
    if listed:
        log.info("replica behind its trimmed stream: snapshot transfer listed",
                 extra={"stream": names.stream_name(uuid_hex, shard_id), "peer": peer_id})
    else:
        log.warning("replica behind its trimmed stream: no active replica to take a snapshot from yet",
                    extra={"stream": names.stream_name(uuid_hex, shard_id), "peer": peer_id})
    return bool(listed)
