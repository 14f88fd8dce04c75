"""ClusterNode: this process as a member of the cluster.

Start: connect to NATS, open (or create) the KV buckets, load the metadata view, register this
peer and keep its heartbeat, then run a replica for every shard replica the metadata places here
(and drop local replicas it no longer places here). The server's ClusterService calls the facade
below; collection changes go through `collections.py`, writes through `writes.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext

from cluster import names
from cluster.applied import AppliedTracker
from cluster.meta import HEARTBEAT_S, Metadata, PeerInfo
from cluster.options import ClusterOptions
from cluster.records import READABLE, RECOVERY, CollectionRecord, incoming_snapshot
from cluster.recovery import mark_recovering, promote_when_caught_up, request_snapshot
from cluster.replica import Replica
from cluster.streams import usable_replicas
from cluster.trim import trim_streams
from engine.collection import Collection
from engine.errors import BadRequest, NotFound
from engine.peer import this_peer_id
from engine.toc import TableOfContents, missing_collection
from engine.types.config import CollectionConfig
from storage.wal import FsyncPolicy

log = logging.getLogger("quiver.cluster")
RECONCILE_S = 5.0
RECONCILE_WAIT_S = 15.0
RECONNECT_WAIT_S = 0.5
"""nats-py waits this long before trying a server it tried last (its default 2 s): a node whose NATS
server died is back on another one well inside a peer's liveness window."""
T = TypeVar("T")
RUNNING = frozenset({"Active", "Partial", "Dead", "Initializing", "Recovery", "PartialSnapshot"})
"""Replica states that consume the stream (a Dead replica keeps catching up; reads skip it)."""


def local_config(config: CollectionConfig) -> CollectionConfig:
    """The config of a local replica's engine collection: one shard, no replication (the cluster
    does those); everything else as the collection's."""
    from dataclasses import replace
    return replace(config, params=replace(config.params, shard_number=1, replication_factor=1,
                                          write_consistency_factor=1))


class ReplicaTable(TableOfContents):
    """This peer's shard replicas, as engine collections named `<uuid-hex>_<shard_id>`. A request
    that reaches the table with a cluster collection's own name (a single-node code path, e.g. the
    optimizer report) gets a clear 400 instead of a 404 for a collection that exists."""

    def __init__(self, root: Path, fsync: FsyncPolicy, clustered: Callable[[str], bool]) -> None:
        super().__init__(root, fsync=fsync)
        self._clustered = clustered

    def resolve(self, name: str) -> str:
        if name not in self.collections and self._clustered(name):
            raise BadRequest(f"Collection `{name}` is sharded over the cluster: this request reads one node's "
                             "shards and is not supported in cluster mode yet")
        return super().resolve(name)


class ClusterNode:
    def __init__(self, options: ClusterOptions, storage_root: Path, run: Callable[..., Awaitable[Any]],
                 fsync: FsyncPolicy = "always") -> None:
        self.options = options
        self.storage_root = storage_root
        self.peer_id = options.peer_id or this_peer_id(storage_root)
        self.meta = Metadata()
        self.applied = AppliedTracker()
        self.toc = ReplicaTable(storage_root / "cluster_shards", fsync, self._is_collection)
        """The private table of this peer's shard replicas (named `<uuid-hex>_<shard_id>`)."""
        self._run = run
        self.replicas: dict[tuple[str, int], Replica] = {}
        self.stream_replicas = 1
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._reconcile_lock = asyncio.Lock()
        self._dirty = asyncio.Event()
        self._passes_started = self._passes_done = 0
        self._pass_done = asyncio.Condition()
        self._started = time.time()
        self._asking: set[tuple[str, int]] = set()
        """Replicas behind their trimmed stream whose snapshot transfer is being requested."""
        self._trimmed_at = time.monotonic()

    @property
    def nc(self) -> Client:
        if self._nc is None:
            raise RuntimeError("cluster node is not started")
        return self._nc

    @property
    def js(self) -> JetStreamContext:
        if self._js is None:
            raise RuntimeError("cluster node is not started")
        return self._js

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)` in the engine's thread pool."""
        result: T = await self._run(fn, *args)
        return result

    # ---- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        self._nc = await nats.connect(servers=list(self.options.servers), name=f"quiver-{self.peer_id}",
                                      connect_timeout=self.options.connect_timeout_s,
                                      max_reconnect_attempts=-1, allow_reconnect=True,
                                      reconnect_time_wait=RECONNECT_WAIT_S)
        self._js = self._nc.jetstream()
        self.stream_replicas = await usable_replicas(self._js, self.options.stream_replicas, str(self.peer_id))
        await self._nc.subscribe(names.APPLIED_SUBJECTS, cb=self._on_applied)
        self.toc.load()
        await self.meta.start(self._js, self.stream_replicas)
        # before this peer is seen alive: its replicas may be behind their streams
        await mark_recovering(self.meta, self.peer_id)
        await self.meta.heartbeat(self._peer_info())
        await self.meta.wait_seen(lambda: self.peer_id in self.meta.peers, timeout=5.0)
        self.meta.listeners.append(self._wake)
        try:
            await self._reconcile_pass()
        except Exception:  # noqa: BLE001 - a JetStream call timed out (a loaded NATS): the reconciler
            # retries every RECONCILE_S; until then the replicas stay in Recovery, neither read nor counted
            log.warning("first replica reconcile failed; retried in the background", exc_info=True)
        self._tasks.append(asyncio.create_task(self._heartbeats(), name="cluster heartbeat"))
        self._tasks.append(asyncio.create_task(self._reconciler(), name="cluster reconcile"))
        log.info("cluster node started", extra={"peer_id": self.peer_id, "nats": self.options.servers,
                                                "stream_replicas": self.stream_replicas})

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        for replica in list(self.replicas.values()):
            await replica.stop()
            replica.progress.close()
        self.replicas.clear()
        await self.meta.leave(self.peer_id)
        await self.meta.stop()
        if self._nc is not None:
            with contextlib.suppress(Exception):
                await self._nc.drain()

    def _spawn(self, work: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.create_task(work, name=name)
        self._tasks.append(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        if task in self._tasks:
            self._tasks.remove(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("cluster task failed", exc_info=task.exception(), extra={"task": task.get_name()})

    def _peer_info(self) -> PeerInfo:
        return PeerInfo(peer_id=self.peer_id, rest=self.options.rest_url, grpc=self.options.grpc_url,
                        started=self._started)

    async def _heartbeats(self) -> None:
        """A beat every HEARTBEAT_S on a fixed cadence: after a put that took long (JetStream busy
        under load) the next one goes at once instead of HEARTBEAT_S later, so the gap the other
        nodes see is max(HEARTBEAT_S, put latency), not their sum (cluster/liveness.py)."""
        loop = asyncio.get_running_loop()
        next_at = loop.time()
        while True:
            next_at += HEARTBEAT_S
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            try:
                await self.meta.heartbeat(self._peer_info())
            except Exception:  # noqa: BLE001 - NATS away for a moment: the next beat retries
                log.warning("cluster heartbeat failed", exc_info=True)
            next_at = max(next_at, loop.time() - HEARTBEAT_S)  # behind after a stall: one beat now, no burst

    async def _wake(self) -> None:
        """The metadata listener: a change asks for a reconcile pass (the watcher never waits for it)."""
        self._dirty.set()

    async def _reconciler(self) -> None:
        """The one task that runs reconcile passes: on a change, and every `RECONCILE_S` anyway
        (a pass that failed while NATS was away is retried without waiting for the next change)."""
        trim_every = self.options.trim_interval_s
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), min(RECONCILE_S, trim_every or RECONCILE_S))
            self._dirty.clear()
            if trim_every and time.monotonic() - self._trimmed_at >= trim_every:
                self._trimmed_at = time.monotonic()
                try:
                    await self.trim()
                except Exception:  # noqa: BLE001 - NATS away: the next interval trims
                    log.warning("stream trim failed", exc_info=True)
            self._passes_started += 1
            number = self._passes_started
            try:
                await self._reconcile_pass()
            except Exception:  # noqa: BLE001 - retried next round
                log.warning("replica reconcile failed", exc_info=True)
            finally:
                async with self._pass_done:
                    self._passes_done = number
                    self._pass_done.notify_all()

    async def reconcile(self, timeout: float = RECONCILE_WAIT_S) -> None:
        """Wait (at most `timeout`) for a reconcile pass that starts after this call: after a
        metadata change this node made, its replicas match it when this returns."""
        target = self._passes_started + 1
        self._dirty.set()
        async with self._pass_done:
            try:
                await asyncio.wait_for(self._pass_done.wait_for(lambda: self._passes_done >= target), timeout)
            except TimeoutError:
                log.warning("replica reconcile still running", extra={"waited_s": timeout})

    async def trim(self) -> int:
        """One trim pass over the shard streams (cluster/trim.py); the messages removed."""
        return await trim_streams(self.js, self.meta, self.applied, self.peer_id, self.options.trim_margin)

    async def _on_applied(self, msg: Any) -> None:
        self.applied.on_report(msg.subject, msg.data)

    # ---- replicas on this peer ----------------------------------------------------------------
    async def _reconcile_pass(self) -> None:
        """Make the running replicas what the metadata places on this peer."""
        async with self._reconcile_lock:
            wanted: dict[tuple[str, int], CollectionRecord] = {}
            for record in list(self.meta.collections.values()):
                for shard in record.shards:
                    if shard.replicas.get(self.peer_id) in RUNNING:
                        wanted[(record.uuid, shard.id)] = record
            for key in [k for k in self.replicas if k not in wanted]:
                await self._drop(key)
            for key in [k for k, r in self.replicas.items() if r.behind]:
                await self._set_aside(key, wanted[key])
            # concurrently: each start re-creates a consumer (a JetStream round trip or more); a
            # replica a snapshot transfer fills is started by the transfer (cluster/transfers.py)
            await asyncio.gather(*(self._start_replica(key, record) for key, record in wanted.items()
                                   if key not in self.replicas and key not in self._asking
                                   and incoming_snapshot(record, key[1], self.peer_id) is None))
            for key, record in wanted.items():
                if key in self.replicas:
                    await self._sync_config(self.replicas[key].collection, record.config)
            known = {names.replica_name(u, s) for u, s in wanted}
            for leftover in [n for n in self.toc.names() if n not in known]:
                await self.run(self.toc.delete, leftover)  # its collection or replica went away meanwhile

    def progress_path(self, key: tuple[str, int]) -> Path:
        """Where the replica's applied record lives (cluster/progress.py)."""
        name = names.replica_name(*key)
        return self.toc.root / f"{name}.applied" if self.toc.root else Path(f"{name}.applied")

    async def adopt(self, key: tuple[str, int], name: str) -> bool:
        """Start the replica a snapshot transfer has just restored (its progress record written),
        if the metadata still places it here; False if not (the transfer was aborted meanwhile)."""
        async with self._reconcile_lock:
            record = self.meta.collections.get(name)
            shard = None if record is None or record.uuid != key[0] else record.shard(key[1])
            if record is None or shard is None or shard.replicas.get(self.peer_id) not in RUNNING:
                return False
            if key not in self.replicas:
                await self._start_replica(key, record)
            return key in self.replicas

    async def _start_replica(self, key: tuple[str, int], record: CollectionRecord) -> None:
        uuid_hex, shard_id = key
        name = names.replica_name(uuid_hex, shard_id)
        if self.toc.exists(name):
            collection = self.toc.get(name)
        else:
            collection = await self.run(self.toc.create, name, local_config(record.config))
        replica = Replica(self.nc, self.js, self.peer_id, uuid_hex, shard_id, collection, self.progress_path(key),
                          self.run, on_behind=self._dirty.set)
        if await replica.trimmed_past():
            replica.progress.close()
            self._ask_snapshot(key, record, replica.applied)
            return
        await replica.start()
        self.replicas[key] = replica
        shard = record.shard(shard_id)
        if shard is not None and shard.replicas.get(self.peer_id) == RECOVERY:
            self._spawn(promote_when_caught_up(self.meta, replica, record.name), f"recovery {replica.stream}")
        log.info("replica started", extra={"collection": record.name, "shard": shard_id,
                                           "resume_after": replica.applied})

    async def _set_aside(self, key: tuple[str, int], record: CollectionRecord) -> None:
        """Stop a replica that fell behind its trimmed stream (its data stays until a snapshot
        replaces it) and ask for a snapshot transfer."""
        replica = self.replicas.pop(key)
        await replica.stop()
        replica.progress.close()
        self._ask_snapshot(key, record, replica.applied)

    def _ask_snapshot(self, key: tuple[str, int], record: CollectionRecord, applied: int) -> None:
        log.warning("replica is behind its trimmed stream", extra={"collection": record.name, "shard": key[1],
                                                                   "applied": applied})
        self._asking.add(key)

        async def ask() -> None:
            try:
                await request_snapshot(self.meta, record.name, key[0], key[1], self.peer_id)
                await self.meta.wait_seen(lambda: self._snapshot_listed(record.name, key), timeout=5.0)
            finally:
                self._asking.discard(key)
                self._dirty.set()
        self._spawn(ask(), f"snapshot request {names.stream_name(*key)}")

    def _snapshot_listed(self, name: str, key: tuple[str, int]) -> bool:
        record = self.meta.collections.get(name)
        return record is None or incoming_snapshot(record, key[1], self.peer_id) is not None

    async def _drop(self, key: tuple[str, int]) -> None:
        replica = self.replicas.pop(key)
        await replica.drop()
        await self.run(self.toc.delete, names.replica_name(*key))
        log.info("replica dropped", extra={"stream": names.stream_name(*key)})

    async def _sync_config(self, collection: Collection, config: CollectionConfig) -> None:
        wanted = local_config(config)
        if collection.config != wanted:
            await self.run(self.toc.update_config, collection.name, lambda _old: wanted)

    def _is_collection(self, name: str) -> bool:
        return name in self.meta.collections or name in self.meta.aliases

    # ---- the facade -------------------------------------------------------------------------
    def resolve(self, name: str) -> str:
        if name in self.meta.collections:
            return name
        target = self.meta.aliases.get(name)
        if target is not None and target in self.meta.collections:
            return target
        raise missing_collection(name)

    def record(self, name: str) -> CollectionRecord:
        return self.meta.collections[self.resolve(name)]

    def local_replica(self, collection_name: str, shard_id: int) -> Collection | None:
        try:
            record = self.record(collection_name)
        except NotFound:
            return None
        replica = self.replicas.get((record.uuid, shard_id))
        return None if replica is None else replica.collection

    def active_replicas(self, name: str, shard_id: int) -> list[int]:
        """Alive peers whose replica of the shard is readable (Active)."""
        shard = self.record(name).shard(shard_id)
        if shard is None:
            return []
        return sorted(p for p, state in shard.replicas.items() if state in READABLE and self.meta.alive(p))
