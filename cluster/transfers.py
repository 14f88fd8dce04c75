"""Shard transfers: `replicate_shard` adds a replica, `move_shard` adds one and then drops the
source, `abort_transfer` cancels.

How a new replica is filled: by replaying the shard's stream from its first sequence. The stream
is the shard's whole log (streams are not trimmed yet), and replaying it with the single-node
engine is the same code path every replica already runs, so the new replica ends identical to the
others without a snapshot format crossing the network. The cost is replaying every operation
ever written to the shard (a snapshot would be cheaper for shards with much overwritten data).

Steps, each a metadata compare-and-set: the target is added as `Partial` and the transfer listed
→ the target node's reconcile starts the replica, which consumes the stream from sequence 1 (reads
skip a Partial replica; it is not counted for `wait=true`) → the target node's worker sees the
replica has applied up to the stream's last sequence and flips it to `Active`, removes the
transfer, and for a move drops the source replica. Writes that arrive meanwhile are in the stream
too, so nothing written during the transfer is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import Any

from cluster import names
from cluster.api import check_peer, check_shard, with_partial
from cluster.node import ClusterNode
from cluster.records import ACTIVE, PARTIAL, CollectionRecord
from engine.errors import BadRequest, NotFound

log = logging.getLogger("quiver.cluster.transfers")

METHODS = ("stream_records", "snapshot", "wal_delta")
DEFAULT_METHOD = "stream_records"
POLL_S = 0.5


def _transfer(shard_id: int, source: int, target: int, sync: bool, method: str) -> dict[str, Any]:
    return {"shard_id": shard_id, "from": source, "to": target, "sync": sync, "method": method}


def _is(t: dict[str, Any], shard_id: int, source: int, target: int) -> bool:
    return bool(t.get("shard_id") == shard_id and t.get("from") == source and t.get("to") == target)


async def start_transfer(node: ClusterNode, name: str, shard_id: int, source: int, target: int, sync: bool,
                         method: str | None = None) -> None:
    """`replicate_shard` (sync) or `move_shard` (not sync), validated as Qdrant validates them."""
    record = node.record(name)
    check_shard(record, shard_id)
    check_peer(node, target)
    check_peer(node, source)
    chosen = method or DEFAULT_METHOD
    if chosen not in METHODS:
        raise BadRequest(f"Shard transfer method {chosen} is not supported in cluster mode")

    def begin(rec: CollectionRecord | None) -> CollectionRecord:
        if rec is None:
            raise NotFound(f"Collection `{name}` doesn't exist!")
        shard = check_shard(rec, shard_id)
        if shard.replicas.get(source) != ACTIVE:
            raise BadRequest(f"Shard {shard_id} is not active on peer {source}")
        for t in rec.transfers:
            if t.get("shard_id") == shard_id and (target in (t.get("from"), t.get("to"))
                                                  or source == t.get("to")):
                raise BadRequest(f"Shard {shard_id} is already involved in transfer {t.get('from')} -> {t.get('to')}")
        if target in shard.replicas:
            raise BadRequest(f"Shard {shard_id} is already on peer {target}")
        return rec.bumped(shards=[with_partial(s, target) if s.id == shard_id else s for s in rec.shards],
                          transfers=[*rec.transfers, _transfer(shard_id, source, target, sync, chosen)])
    await node.meta.change_collection(record.name, begin)
    await node.reconcile()


async def abort_transfer(node: ClusterNode, name: str, shard_id: int, source: int, target: int) -> None:
    record = node.record(name)
    if not any(_is(t, shard_id, source, target) for t in record.transfers):
        raise NotFound(f"Shard transfer {source} -> {target} for collection {record.name}:{shard_id} does not exist")

    def abort(rec: CollectionRecord | None) -> CollectionRecord:
        if rec is None:
            raise NotFound(f"Collection `{name}` doesn't exist!")
        if not any(_is(t, shard_id, source, target) for t in rec.transfers):
            raise NotFound(f"Shard transfer {source} -> {target} for collection {rec.name}:{shard_id} does not exist")
        shards = []
        for s in rec.shards:
            if s.id == shard_id and s.replicas.get(target) == PARTIAL:  # the unfinished copy goes away
                s = replace(s, replicas={p: st for p, st in s.replicas.items() if p != target})
            shards.append(s)
        return rec.bumped(shards=shards, transfers=[t for t in rec.transfers if not _is(t, shard_id, source, target)])
    await node.meta.change_collection(record.name, abort)
    await node.reconcile()


class TransferWorker:
    """On every node: finishes the transfers whose target is this node once its replica caught up."""

    def __init__(self, node: ClusterNode) -> None:
        self.node = node
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="cluster transfers")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            try:
                await self.step()
            except Exception:  # noqa: BLE001 - NATS away for a moment: the next round retries
                log.warning("shard transfer check failed", exc_info=True)

    async def step(self) -> None:
        node = self.node
        for record in list(node.meta.collections.values()):
            for t in list(record.transfers):
                if t.get("to") != node.peer_id:
                    continue
                replica = node.replicas.get((record.uuid, int(t["shard_id"])))
                if replica is None:
                    continue  # reconcile has not started it yet
                info = await node.js.stream_info(names.stream_name(record.uuid, int(t["shard_id"])))
                if replica.applied >= int(info.state.last_seq):
                    await self._finish(record.name, t)

    async def _finish(self, name: str, transfer: dict[str, Any]) -> None:
        shard_id, source, target = int(transfer["shard_id"]), int(transfer["from"]), int(transfer["to"])

        def finish(rec: CollectionRecord | None) -> CollectionRecord | None:
            if rec is None or not any(_is(t, shard_id, source, target) for t in rec.transfers):
                return rec  # aborted or finished meanwhile
            shards = []
            for s in rec.shards:
                if s.id == shard_id and target in s.replicas:
                    replicas = {**s.replicas, target: ACTIVE}
                    if not transfer.get("sync", True):
                        replicas.pop(source, None)  # a move: the source replica goes
                    s = replace(s, replicas=replicas)
                shards.append(s)
            return rec.bumped(shards=shards, transfers=[t for t in rec.transfers if not _is(t, shard_id, source, target)])
        await self.node.meta.change_collection(name, finish)
        log.info("shard transfer finished", extra={"collection": name, "shard": shard_id, "from": source,
                                                   "to": target})
        await self.node.reconcile()
