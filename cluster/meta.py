"""Cluster metadata in JetStream KV buckets, with an in-memory view kept current by watchers.

`quiver-collections` holds one record per collection (records.py), `quiver-aliases` one record of
every alias, `quiver-peers` one entry per node, re-put every `HEARTBEAT_S`. Changes are
compare-and-set on the key's revision and retried on conflict, so concurrent nodes converge; the
view here is whatever the watchers delivered last (eventually consistent; `wait_seen` lets a node
read its own write).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError, KeyWrongLastSequenceError, NotFoundError
from nats.js.kv import KeyValue

from cluster import names
from cluster.records import CollectionRecord, alias_record, aliases_from, from_json, to_json
from cluster.retry import retrying

log = logging.getLogger("quiver.cluster.meta")

HEARTBEAT_S = 1.0
PEER_TTL_S = 10.0
"""The peers bucket's max age: a node's entry outlives it by this much (cleanup only)."""
ALIVE_S = 4.0
"""A peer is alive while its last heartbeat arrived within this many seconds (our clock): a killed
node stops counting for reads and `wait=true` within ~3-4 s."""
VIEW_STALE_S = 30.0
CAS_ATTEMPTS = 50
SUPERVISE_S = 2.0
"""How often each watcher's consumer is checked."""
WATCH_READY_S = 30.0


@dataclass(slots=True)
class PeerInfo:
    peer_id: int
    rest: str
    grpc: str
    started: float


Change = Callable[[CollectionRecord | None], CollectionRecord | None]


class Metadata:
    def __init__(self) -> None:
        self.collections: dict[str, CollectionRecord] = {}
        self.aliases: dict[str, str] = {}
        self.peers: dict[int, PeerInfo] = {}
        self._seen: dict[int, float] = {}
        self._revisions: dict[str, int] = {}
        self._changed = asyncio.Condition()
        self._tasks: list[asyncio.Task[None]] = []
        self._watchers: dict[str, Any] = {}
        self._watch_tasks: dict[str, asyncio.Task[None]] = {}
        self._specs: dict[str, tuple[KeyValue, Callable[[Any], None], Callable[[set[str]], None]]] = {}
        self._me: int | None = None
        self._last_beat: float | None = None
        self.listeners: list[Callable[[], Awaitable[None]]] = []
        """Called (awaited) after each change the watchers deliver (node.py reconciles replicas)."""
        self._kv_collections: KeyValue | None = None
        self._kv_aliases: KeyValue | None = None
        self._kv_peers: KeyValue | None = None

    # ---- start / stop ---------------------------------------------------------------------
    async def start(self, js: JetStreamContext, replicas: int) -> None:
        self._kv_collections = await _bucket(js, names.COLLECTIONS_BUCKET, replicas)
        self._kv_aliases = await _bucket(js, names.ALIASES_BUCKET, replicas)
        self._kv_peers = await _bucket(js, names.PEERS_BUCKET, replicas, ttl=PEER_TTL_S)
        self._specs = {
            names.COLLECTIONS_BUCKET: (self._kv_collections, self._on_collection, self._keep_collections),
            names.ALIASES_BUCKET: (self._kv_aliases, self._on_aliases, self._keep_aliases),
            names.PEERS_BUCKET: (self._kv_peers, self._on_peer, self._keep_peers),
        }
        for bucket in self._specs:
            await self._start_watch(bucket)  # the initial values are in the view before start returns
        self._tasks.append(asyncio.create_task(self._supervise(), name="metadata watch supervisor"))

    async def stop(self) -> None:
        for task in [*self._tasks, *self._watch_tasks.values()]:
            task.cancel()
        for watcher in self._watchers.values():
            with contextlib.suppress(Exception):
                await watcher.stop()
        self._tasks.clear()
        self._watch_tasks.clear()

    async def _start_watch(self, bucket: str) -> None:
        kv, handle, keep = self._specs[bucket]
        watcher = await retrying(kv.watchall, "kv watch")
        ready = asyncio.get_running_loop().create_future()
        old_task, old_watcher = self._watch_tasks.get(bucket), self._watchers.get(bucket)
        self._watchers[bucket] = watcher
        self._watch_tasks[bucket] = asyncio.create_task(self._watch(watcher, handle, keep, ready),
                                                        name=f"watch {bucket}")
        if old_task is not None:
            old_task.cancel()
        if old_watcher is not None:
            with contextlib.suppress(Exception):
                await old_watcher.stop()
        await asyncio.wait_for(ready, WATCH_READY_S)

    async def _watch(self, watcher: Any, handle: Callable[[Any], None], keep: Callable[[set[str]], None],
                     ready: asyncio.Future[None]) -> None:
        """Apply the bucket's entries to the view. The first ones are the bucket's current values; at
        their end (the None marker) keys the view holds but the bucket no longer does are dropped,
        which makes a re-started watcher a full resync."""
        initial: set[str] | None = set()
        async for entry in watcher:
            if entry is None:
                if initial is not None:
                    keep(initial)
                    initial = None
                if not ready.done():
                    ready.set_result(None)
            else:
                if initial is not None:
                    initial.add(entry.key)
                try:
                    handle(entry)
                except Exception:  # noqa: BLE001 - one bad entry must not stop the watcher
                    log.exception("unreadable metadata entry", extra={"key": entry.key})
            await self._notify(listeners=handle != self._on_peer)  # heartbeats change no placement
        if not ready.done():
            ready.set_result(None)

    async def _notify(self, listeners: bool) -> None:
        async with self._changed:
            self._changed.notify_all()
        for listener in self.listeners if listeners else ():
            try:
                await listener()
            except Exception:  # noqa: BLE001 - a failed reconcile is retried on the next change
                log.exception("metadata listener failed")

    async def _supervise(self) -> None:
        """Re-start a watcher whose consumer is gone. A watcher is an ephemeral JetStream consumer
        with one home server; when that server dies the watcher silently receives nothing more (and
        this node would soon take every peer for dead). Its consumer is checked every few seconds;
        the peers watcher also when this node's own heartbeats stop coming back through it."""
        failures: dict[str, int] = {}
        while True:
            await asyncio.sleep(SUPERVISE_S)
            for bucket, watcher in list(self._watchers.items()):
                stale = bucket == names.PEERS_BUCKET and self._own_heartbeat_lost()
                try:
                    if not stale:
                        await asyncio.wait_for(watcher._sub.consumer_info(), 1.0)
                        failures[bucket] = 0
                        continue
                except NotFoundError:
                    stale = True
                except Exception:  # noqa: BLE001 - a leader election or a reconnect: look again soon
                    failures[bucket] = failures.get(bucket, 0) + 1
                    stale = failures[bucket] >= 2
                if stale:
                    log.warning("metadata watcher lost its consumer: watching again", extra={"bucket": bucket})
                    try:
                        await self._start_watch(bucket)
                        failures[bucket] = 0
                    except Exception:  # noqa: BLE001 - NATS still away: the next round tries again
                        log.warning("metadata watcher restart failed", exc_info=True, extra={"bucket": bucket})

    def _own_heartbeat_lost(self) -> bool:
        """This node put its heartbeat recently but the peers watcher has not delivered it."""
        if self._me is None or self._last_beat is None:
            return False
        seen = self._seen.get(self._me, 0.0)
        return self._last_beat - seen > ALIVE_S - HEARTBEAT_S

    def _keep_collections(self, keys: set[str]) -> None:
        for name in [n for n in self.collections if names.name_key(n) not in keys]:
            del self.collections[name]

    def _keep_aliases(self, keys: set[str]) -> None:
        if names.ALIASES_KEY not in keys:
            self.aliases = {}

    def _keep_peers(self, keys: set[str]) -> None:
        for peer in [p for p in self.peers if str(p) not in keys]:
            self.peers.pop(peer, None)
            self._seen.pop(peer, None)

    # ---- watchers ---------------------------------------------------------------------------
    def _on_collection(self, entry: Any) -> None:
        name = names.key_name(entry.key)
        self._revisions[entry.key] = entry.revision
        if entry.operation in ("DEL", "PURGE") or not entry.value:
            self.collections.pop(name, None)
        else:
            self.collections[name] = from_json(entry.value)

    def _on_aliases(self, entry: Any) -> None:
        self._revisions["aliases:" + entry.key] = entry.revision
        self.aliases = {} if entry.operation in ("DEL", "PURGE") or not entry.value else aliases_from(entry.value)

    def _on_peer(self, entry: Any) -> None:
        peer_id = int(entry.key)
        if entry.operation in ("DEL", "PURGE") or not entry.value:
            self.peers.pop(peer_id, None)
            self._seen.pop(peer_id, None)
            return
        body = json.loads(entry.value)
        self.peers[peer_id] = PeerInfo(peer_id=peer_id, rest=str(body.get("rest", "")),
                                       grpc=str(body.get("grpc", "")), started=float(body.get("started", 0)))
        self._seen[peer_id] = time.monotonic()

    # ---- queries ----------------------------------------------------------------------------
    def alive(self, peer_id: int) -> bool:
        """A peer is alive while its heartbeat is under `ALIVE_S` old, measured against this node's
        own heartbeat as the same watcher delivered it: a watcher that stalls (its NATS server died,
        until the supervisor re-starts it) ages every peer alike and declares none dead; a peer that
        stops beating falls behind. Never longer than `VIEW_STALE_S` without news."""
        if peer_id == self._me:
            return True
        seen = self._seen.get(peer_id)
        if seen is None:
            return False
        now = time.monotonic()
        own = self._seen.get(self._me) if self._me is not None else None
        fresh = now - seen < ALIVE_S or (own is not None and own - seen < ALIVE_S)
        return fresh and now - seen < VIEW_STALE_S

    def alive_peers(self) -> list[int]:
        return sorted(p for p in self.peers if self.alive(p))

    async def wait_seen(self, predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait until the watched view satisfies `predicate` (a node reading its own write)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
            except TimeoutError:
                return predicate()
        return True

    # ---- changes (compare-and-set) ---------------------------------------------------------
    async def change_collection(self, name: str, change: Change) -> CollectionRecord | None:
        """Apply `change` to the newest committed record of `name` (None: missing) and commit
        its answer (None: delete) by CAS on the revision read; retried on a concurrent change.
        Returns what was committed. `change` may raise to refuse (nothing is written)."""
        kv = _need(self._kv_collections)
        key = names.name_key(name)
        for _ in range(CAS_ATTEMPTS):
            current, revision = await _get(kv, key)
            record = None if current is None else from_json(current)
            updated = change(record)
            if updated is record:
                return updated  # unchanged: nothing to write
            try:
                if updated is not None or record is not None:
                    await _write(kv, key, None if updated is None else to_json(updated), revision)
                return updated
            except KeyWrongLastSequenceError:
                await asyncio.sleep(0.01)
        raise RuntimeError(f"metadata of collection {name!r} kept changing under {CAS_ATTEMPTS} attempts")

    async def change_aliases(self, change: Callable[[dict[str, str]], dict[str, str]]) -> dict[str, str]:
        kv = _need(self._kv_aliases)
        for _ in range(CAS_ATTEMPTS):
            current, revision = await _get(kv, names.ALIASES_KEY)
            updated = change({} if current is None else aliases_from(current))
            try:
                await _write(kv, names.ALIASES_KEY, alias_record(updated), revision)
                return updated
            except KeyWrongLastSequenceError:
                await asyncio.sleep(0.01)
        raise RuntimeError(f"aliases kept changing under {CAS_ATTEMPTS} attempts")

    async def heartbeat(self, info: PeerInfo) -> None:
        body = {"peer_id": info.peer_id, "rest": info.rest, "grpc": info.grpc, "started": info.started}
        kv = _need(self._kv_peers)
        await retrying(lambda: kv.put(str(info.peer_id), json.dumps(body).encode()), "heartbeat")
        self._me, self._last_beat = info.peer_id, time.monotonic()

    async def leave(self, peer_id: int) -> None:
        with contextlib.suppress(Exception):
            await _need(self._kv_peers).delete(str(peer_id))


async def _write(kv: KeyValue, key: str, value: bytes | None, revision: int | None) -> None:
    """Compare-and-set `key` to `value` (None: delete) over `revision` (None: the key must not exist)."""
    if value is None:
        await retrying(lambda: kv.delete(key, last=revision), "kv delete")
    elif revision is None:
        await retrying(lambda: kv.create(key, value), "kv create")
    else:
        await retrying(lambda: kv.update(key, value, last=revision), "kv update")


def _need(kv: KeyValue | None) -> KeyValue:
    if kv is None:
        raise RuntimeError("cluster metadata is not started")
    return kv


async def _get(kv: KeyValue, key: str) -> tuple[bytes | None, int | None]:
    """(value, revision); a deleted key reads as missing with the delete's revision."""
    try:
        entry = await retrying(lambda: kv.get(key), "kv get")
    except KeyNotFoundError as e:
        return None, getattr(e, "entry", None) and e.entry.revision  # type: ignore[union-attr]
    return entry.value, entry.revision


async def _bucket(js: JetStreamContext, bucket: str, replicas: int, ttl: float | None = None) -> KeyValue:
    try:
        return await js.key_value(bucket)
    except (NotFoundError, Exception):  # noqa: BLE001 - missing: created below (another node may race us)
        pass
    try:
        return await retrying(lambda: js.create_key_value(bucket=bucket, history=1, replicas=replicas, ttl=ttl),
                              "create bucket")
    except Exception:  # noqa: BLE001 - created concurrently by another node
        return await retrying(lambda: js.key_value(bucket), "open bucket")
