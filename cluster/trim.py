"""Trimming the shard streams behind their replicas.

A shard's stream is its replicated WAL; without trimming it grows forever and a new replica would
replay all of it. Every `cluster.nats.trim_interval_sec` the live peer with the lowest id purges each
shard stream up to `floor = min(applied) - trim_margin`, where `min(applied)` is the oldest sequence
that every replica of the shard on a live peer (whatever its state: Active, Partial, Recovery, Dead)
has reported applied (cluster/applied.py; an idle replica re-reports every few seconds).

A shard is left alone when that is not safe or not useful:
- a replica on a live peer has not reported yet (this node just started, or the replica did);
- a transfer of the shard is in progress (its target's start may lie behind the floor);
- no replica on a live peer is Active: then nothing could fill a new or lagging replica by a
  snapshot transfer, which is what trimming relies on (cluster/snapshot_transfer.py).

Replicas of peers that are down are not waited for: when such a peer comes back and its replica's
next message was trimmed away, the replica is refilled by a snapshot transfer from an Active
replica (cluster/recovery.py `request_snapshot`); the margin keeps a node that was away only
briefly on the cheap path (it resumes from the stream).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from cluster import names
from cluster.applied import AppliedTracker
from cluster.meta import Metadata
from cluster.records import ACTIVE, CollectionRecord, ShardRecord

log = logging.getLogger("quiver.cluster.trim")


def trim_floor(record: CollectionRecord, shard: ShardRecord, applied: AppliedTracker,
               alive: Callable[[int], bool], margin: int) -> int:
    """The highest sequence that may be purged from the shard's stream now; 0: none."""
    if any(t.get("shard_id") == shard.id for t in record.transfers):
        return 0
    live = {p: st for p, st in shard.replicas.items() if alive(p)}
    if not any(st == ACTIVE for st in live.values()):
        return 0
    reports = applied.seqs.get((record.uuid, shard.id), {})
    if any(p not in reports for p in live):
        return 0
    return max(0, min(reports[p] for p in live) - margin)


async def trim_streams(js: JetStreamContext, meta: Metadata, applied: AppliedTracker, peer_id: int,
                       margin: int) -> int:
    """One pass (only on the lowest live peer: one purge per stream, not one per node); the
    number of messages removed."""
    alive = meta.alive_peers()
    if alive and min(alive) != peer_id:
        return 0
    removed = 0
    for record in list(meta.collections.values()):
        for shard in record.shards:
            floor = trim_floor(record, shard, applied, meta.alive, margin)
            if floor <= 0:
                continue
            stream = names.stream_name(record.uuid, shard.id)
            try:
                info = await js.stream_info(stream)
            except NotFoundError:
                continue  # the collection is being deleted
            first = int(info.state.first_seq)
            if floor < first:
                continue  # nothing older than the floor is left
            await js.purge_stream(stream, seq=floor + 1)  # removes every message below floor + 1
            gone = floor + 1 - first
            removed += gone
            log.info("stream trimmed", extra={"stream": stream, "up_to": floor, "removed": gone,
                                              "kept_from": floor + 1, "last": int(info.state.last_seq)})
    return removed
