"""Shard transfers: `replicate_shard` adds a replica, `move_shard` adds one and then drops the
source, `abort_transfer` cancels.

How a new replica is filled, by method:
- `snapshot` (the default when the shard's stream holds messages, as Qdrant picks it for a shard
  with data): the source node ships a snapshot of its replica taken at stream sequence S through the
  JetStream object store; the target restores it and consumes the stream from S + 1
  (cluster/snapshot_transfer.py). It works however far the stream was trimmed (cluster/trim.py).
- `stream_records`: the target replays the shard's stream from its first sequence with the apply
  path every replica runs; refused once the stream was trimmed (its start is gone).
- `wal_delta` is refused (400).

Steps, each a metadata compare-and-set: the target is added as `Partial` and the transfer listed
(reads skip a Partial replica; it is not counted for `wait=true`) → for `snapshot`, the source's
worker uploads the snapshot and records it in the transfer, the target's worker restores it and
starts the replica; for `stream_records`, the target node's reconcile starts the replica from
sequence 1 → the target node's worker sees the replica has applied up to the stream's last sequence
and flips it to `Active`, removes the transfer, and for a move drops the source replica. Writes that
arrive meanwhile are in the stream after S, so nothing written during the transfer is missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from cluster import names, snapshot_transfer
from cluster.api import check_peer, check_shard, with_partial
from cluster.node import ClusterNode
from cluster.records import ACTIVE, PARTIAL, CollectionRecord
from engine.errors import BadRequest, NotFound

log = logging.getLogger("quiver.cluster.transfers")

METHODS = ("stream_records", "snapshot")
POLL_S = 0.5
Ident = tuple[str, int, int, int, str]
"""(collection uuid, shard id, source peer, target peer, transfer id): one transfer (the same
shard may go to the same peer again later: the id tells the two apart)."""


def _transfer(shard_id: int, source: int, target: int, sync: bool, method: str) -> dict[str, Any]:
    return {"shard_id": shard_id, "from": source, "to": target, "sync": sync, "method": method,
            "id": secrets.token_hex(6)}


def _is(t: dict[str, Any], shard_id: int, source: int, target: int) -> bool:
    return bool(t.get("shard_id") == shard_id and t.get("from") == source and t.get("to") == target)


async def start_transfer(node: ClusterNode, name: str, shard_id: int, source: int, target: int, sync: bool,
                         method: str | None = None) -> None:
    """`replicate_shard` (sync) or `move_shard` (not sync), validated as Qdrant validates them."""
    record = node.record(name)
    check_shard(record, shard_id)
    check_peer(node, target)
    check_peer(node, source)
    chosen = await _method(node, record, shard_id, method or node.options.transfer_method)

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


async def _method(node: ClusterNode, record: CollectionRecord, shard_id: int, asked: str | None) -> str:
    """The transfer method: as asked (if supported and possible), else `snapshot` for a shard whose
    stream holds messages and `stream_records` for an empty one."""
    if asked is not None and asked not in METHODS:
        raise BadRequest(f"Shard transfer method {asked} is not supported in cluster mode")
    info = await node.js.stream_info(names.stream_name(record.uuid, shard_id))
    first, last = int(info.state.first_seq), int(info.state.last_seq)
    if asked is None:
        return "snapshot" if last > 0 else "stream_records"
    if asked == "stream_records" and first > 1:
        raise BadRequest(f"Shard {shard_id}'s stream is trimmed (it starts at sequence {first}): method "
                         "stream_records cannot fill a replica, use method snapshot")
    return asked


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


def repointed(record: CollectionRecord, transfer: dict[str, Any], alive: Callable[[int], bool]) -> CollectionRecord:
    """`record` with the snapshot replication `transfer` (its source down, nothing uploaded yet)
    taken from the lowest Active replica of a live peer instead, as a new transfer (a new id); the
    same record when it is no longer listed as it was, is a move, or no other source is alive."""
    if transfer not in record.transfers or not transfer.get("sync", True) or "snapshot" in transfer:
        return record
    shard = record.shard(int(transfer["shard_id"]))
    if shard is None:
        return record
    sources = sorted(p for p, st in shard.replicas.items()
                     if st == ACTIVE and p not in (transfer["from"], transfer["to"]) and alive(p))
    if not sources:
        return record
    again = {**transfer, "from": sources[0], "id": secrets.token_hex(6)}
    return record.bumped(transfers=[again if t == transfer else t for t in record.transfers])


class TransferWorker:
    """On every node: runs the snapshot side of transfers from and to this node, and finishes the
    transfers whose target is this node once its replica caught up."""

    def __init__(self, node: ClusterNode) -> None:
        self.node = node
        self._task: asyncio.Task[None] | None = None
        self._jobs: dict[tuple[Ident, str], asyncio.Task[None]] = {}
        self._sent: dict[str, Ident] = {}
        """Objects this node uploaded, by transfer: deleted when the transfer is gone."""

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop(), name="cluster transfers")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._jobs.values()) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._jobs.clear()

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            try:
                await self.step()
            except Exception:  # noqa: BLE001 - NATS away for a moment: the next round retries
                log.warning("shard transfer check failed", exc_info=True)

    async def step(self) -> None:
        node = self.node
        listed: set[Ident] = set()
        for record in list(node.meta.collections.values()):
            for t in list(record.transfers):
                shard_id, source, target = int(t["shard_id"]), int(t["from"]), int(t["to"])
                ident = (record.uuid, shard_id, source, target, str(t.get("id", "")))
                listed.add(ident)
                snapshot = t.get("method") == "snapshot"
                if snapshot and source == node.peer_id and "snapshot" not in t and ident not in self._sent.values():
                    self._job(ident, "send", lambda n=record.name, t=t: self._send(n, t))
                if target != node.peer_id:
                    continue
                replica = node.replicas.get((record.uuid, shard_id))
                if replica is None:
                    if snapshot and "snapshot" in t:
                        self._job(ident, "receive", lambda n=record.name, t=t: self._receive(n, t))
                    elif snapshot and not node.meta.alive(source):
                        await self._repoint(record.name, t)
                    continue  # reconcile (stream_records) or the snapshot has not started it yet
                info = await node.js.stream_info(names.stream_name(record.uuid, shard_id))
                if replica.applied >= int(info.state.last_seq):
                    await self._finish(record.name, t)
        for key, task in list(self._jobs.items()):
            if key[0] not in listed:  # aborted, or finished meanwhile
                task.cancel()
                del self._jobs[key]
        for obj, ident in list(self._sent.items()):
            if ident not in listed:
                await snapshot_transfer.delete(node.js, node.stream_replicas, obj)
                del self._sent[obj]

    def _job(self, ident: Ident, role: str, work: Any) -> None:
        """Run `work()` once for this transfer and role; a failed run is tried again next round."""
        key = (ident, role)
        running = self._jobs.get(key)
        if running is not None:
            if not running.done():
                return
            del self._jobs[key]
            if not running.cancelled() and running.exception() is not None:
                log.warning(f"shard snapshot {role} failed, trying again", exc_info=running.exception(),
                            extra={"shard": ident[1], "from": ident[2], "to": ident[3]})
                return  # next round
            if role == "receive" and (ident[0], ident[1]) in self.node.replicas:
                return
        self._jobs[key] = asyncio.create_task(work(), name=f"shard snapshot {role} {ident}")

    async def _repoint(self, name: str, transfer: dict[str, Any]) -> None:
        """A snapshot transfer whose source peer died before its snapshot was uploaded: take it
        from another Active replica (a replication only; a move is left to `abort_transfer`)."""
        def change(rec: CollectionRecord | None) -> CollectionRecord | None:
            return None if rec is None else repointed(rec, transfer, self.node.meta.alive)
        committed = await self.node.meta.change_collection(name, change)
        if committed is not None and transfer not in committed.transfers:
            log.warning("shard snapshot source is down: the transfer takes another source",
                        extra={"collection": name, "shard": transfer["shard_id"], "from": transfer["from"],
                               "to": transfer["to"]})

    async def _send(self, name: str, transfer: dict[str, Any]) -> None:
        node = self.node
        record = node.record(name)
        shard_id, source, target = int(transfer["shard_id"]), int(transfer["from"]), int(transfer["to"])
        replica = node.replicas.get((record.uuid, shard_id))
        if replica is None:
            raise RuntimeError(f"shard {shard_id} has no running replica on this peer to snapshot")
        tid = str(transfer.get("id", ""))
        snap = await snapshot_transfer.send(node.js, node.stream_replicas, node.toc, replica, target, tid, node.run)
        self._sent[snap["object"]] = (record.uuid, shard_id, source, target, tid)
        comment = f"snapshot at sequence {snap['seq']}: {snap['bytes']} bytes in {snap['chunks']} chunks"

        def publish(rec: CollectionRecord | None) -> CollectionRecord | None:
            def ours(t: dict[str, Any]) -> bool:
                return _is(t, shard_id, source, target) and str(t.get("id", "")) == tid
            if rec is None or rec.uuid != record.uuid or not any(ours(t) for t in rec.transfers):
                return rec  # aborted meanwhile: the object goes at the next step
            transfers = [{**t, "snapshot": snap, "comment": comment} if ours(t) else t for t in rec.transfers]
            return rec.bumped(transfers=transfers)
        await node.meta.change_collection(name, publish)

    async def _receive(self, name: str, transfer: dict[str, Any]) -> None:
        node = self.node
        record = node.record(name)
        shard_id = int(transfer["shard_id"])
        key = (record.uuid, shard_id)
        snap = transfer["snapshot"]
        await snapshot_transfer.receive(node.js, node.stream_replicas, node.toc, record.uuid, shard_id, snap,
                                        node.progress_path(key), node.run)
        if await node.adopt(key, name):
            await snapshot_transfer.delete(node.js, node.stream_replicas, str(snap["object"]))

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
