"""The shared service: the operations both transports call, and the only async↔thread crossing.

REST and gRPC handlers parse their wire format into engine types (server/convert), then await one
of these methods. Engine work runs in a bounded thread pool (numpy and hnswlib release the GIL), so
the event loop that serves both transports never blocks on it; the pool is shared fairly between
collections (server/fairness.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from concurrent.futures import Future
from functools import partial
from pathlib import Path
from typing import IO, Any, TypeVar

from engine import strict_mode
from engine.collection import Collection, CollectionInfo, reads
from engine.deadline import Deadline
from engine.errors import EngineError, Timeout
from engine.peer import this_peer_id
from engine.point_id import PointId
from engine.quotas import quota_store
from engine.snapshots import DownloadPolicy, SnapshotDescription, SnapshotManager
from engine.toc import AliasOperation, TableOfContents
from engine.types.config import CollectionConfig, CollectionParams
from engine.types.operations import Operation
from engine.types.points import (
    FacetHit,
    PayloadSelector,
    PointGroup,
    Record,
    ScoredPoint,
    ScrollPage,
    UpdateResult,
    UpdateStatus,
    VectorSelector,
)
from engine.types.requests import (
    CountRequest,
    FacetRequest,
    GroupsRequest,
    MatrixRequest,
    MatrixResult,
    QueryRequest,
    ScrollRequest,
    validate_batch,
)
from engine.types.sharding import Addressed, addressed
from server.auth.context import checked_lookup, visible
from server.fairness import FairPool

T = TypeVar("T")
log = logging.getLogger("quiver.service")


class Service:
    def __init__(self, toc: TableOfContents, workers: int = 0) -> None:
        self.toc = toc
        self.pool = FairPool(workers or (os.cpu_count() or 2))
        self.downloads = DownloadPolicy()
        """Limits of snapshot recovery from a URL (app.py sets them from `service.snapshot_url_*`)."""

    async def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None,
                   collection: str | None = None) -> T:
        """Run engine work in the pool, in `collection`'s share of it; `timeout` (seconds) answers
        Timeout, as Qdrant's `timeout`."""
        future = self.pool.submit_async(self._share(collection), partial(fn, *args) if args else fn)
        if timeout is None:
            return await future
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise Timeout(f"Operation timed out after {timeout} seconds") from None

    def _share(self, collection: str | None) -> str:
        """The pool share a request counts against: its collection (an alias counts as its target)."""
        if collection is None:
            return ""
        try:
            return self.toc.resolve(collection)
        except EngineError:
            return collection  # missing: the call itself answers 404

    def shutdown(self) -> None:
        self.pool.shutdown()

    def peer_id(self) -> int:
        """This node's peer id as the cluster API reports it: standalone, the id kept in the
        storage directory (cluster mode: the cluster node's, server/cluster_service.py)."""
        return this_peer_id(self.toc.root)

    # ---- collections -----------------------------------------------------------------------
    async def list_collections(self) -> list[str]:
        return visible(self.toc.listed())  # a per-collection token sees only its collections

    async def collection_info(self, name: str) -> CollectionInfo:
        return await self.call(lambda: self.toc.get(name).info(), collection=name)

    def params(self, name: str) -> CollectionParams:
        """The vector layout of a collection (renderers need it to shape vectors)."""
        return self.toc.get(name).config.params

    async def collection_exists(self, name: str) -> bool:
        return self.toc.exists(name)

    async def create_collection(self, name: str, config: CollectionConfig) -> bool:
        await self.call(self.toc.create, name, config)
        return True

    async def update_collection(self, name: str, change: Callable[[CollectionConfig], CollectionConfig]) -> bool:
        await self.call(self.toc.update_config, name, change)
        return True

    async def delete_collection(self, name: str) -> bool:
        return await self.call(self.toc.delete, name)

    async def update_aliases(self, actions: list[AliasOperation]) -> bool:
        await self.call(self.toc.update_aliases, actions)
        return True

    async def list_aliases(self, collection: str | None = None) -> list[tuple[str, str]]:
        pairs = self.toc.list_aliases(collection)
        shown = set(visible([target for _, target in pairs]))
        return [(alias, target) for alias, target in pairs if target in shown]

    # ---- updates ---------------------------------------------------------------------------
    async def update(self, name: str, op: Operation, wait: bool = True, timeout: float | None = None) -> UpdateResult:
        return await self.update_from(name, lambda: op, wait, timeout)

    async def update_from(self, name: str, build: Callable[[], Operation | Addressed], wait: bool = True,
                          timeout: float | None = None) -> UpdateResult:
        """`update` of the operation `build` returns, built on the pool thread that then logs it:
        a transport passes the parse and conversion of its wire body here, so the event loop never
        spends a big upsert's CPU (milliseconds per 1,000 points) and there is still one thread hop.
        `build`'s errors come first, then a missing collection, then strict mode, as when the body
        was parsed before the call. With `wait` False the answer comes after the WAL append. An
        `Addressed` build names shard keys, which a standalone node (one shard) does not read."""
        def run() -> int:
            op = addressed(build()).op
            collection = self.toc.get(name)
            strict_mode.check_write(collection, (op,), timeout)
            quota_store(self.toc.root).check_write((op,))  # after strict mode, as Qdrant
            return collection.update(op, wait)

        op_num = await self.call(run, timeout=timeout, collection=name)
        status = UpdateStatus.COMPLETED if wait else UpdateStatus.ACKNOWLEDGED
        return UpdateResult(operation_id=op_num, status=status)

    async def update_batch(self, name: str, ops: list[Operation], wait: bool = True,
                           timeout: float | None = None) -> list[UpdateResult]:
        """Operations applied in order, one result each (as Qdrant's `points/batch`)."""
        return await self.update_batch_from(name, lambda: ops, wait, timeout)

    async def update_batch_from(self, name: str, build: Callable[[], list[Operation] | list[Addressed]],
                                wait: bool = True, timeout: float | None = None) -> list[UpdateResult]:
        """`update_batch` of the operations `build` returns, built on the pool thread (see `update_from`)."""
        def run() -> list[int]:
            ops = [addressed(item).op for item in build()]
            collection = self.toc.get(name)
            strict_mode.check_write(collection, ops, timeout)
            quota_store(self.toc.root).check_write(ops)
            return [collection.update(op, wait) for op in ops]

        op_nums = await self.call(run, timeout=timeout, collection=name)
        status = UpdateStatus.COMPLETED if wait else UpdateStatus.ACKNOWLEDGED
        return [UpdateResult(operation_id=n, status=status) for n in op_nums]

    # ---- reads -----------------------------------------------------------------------------
    def _collection(self, name: str) -> Collection:
        return self.toc.get(name)

    async def query(self, name: str, request: QueryRequest, timeout: float | None = None) -> list[ScoredPoint]:
        collection = self._collection(name)
        strict_mode.check_read(collection, request, timeout)
        return await self.call(reads.query, collection, request, checked_lookup(self.toc.shard),
                               Deadline.after(timeout), timeout=timeout, collection=name)

    async def query_batch(self, name: str, requests: list[QueryRequest],
                          timeout: float | None = None) -> list[list[ScoredPoint]]:
        collection = self._collection(name)
        strict_mode.check_reads(collection, requests, timeout)
        validate_batch(requests)
        deadline = Deadline.after(timeout)
        lookup = checked_lookup(self.toc.shard)

        def run() -> list[list[ScoredPoint]]:
            out = []
            for r in requests:
                if deadline is not None:
                    deadline.check()  # a timed-out batch stops between its searches
                out.append(reads.query(collection, r, lookup, deadline))
            return out
        return await self.call(run, timeout=timeout, collection=name)

    async def query_groups(self, name: str, request: GroupsRequest, timeout: float | None = None) -> list[PointGroup]:
        collection = self._collection(name)
        strict_mode.check_read(collection, request, timeout)
        return await self.call(reads.query_groups, collection, request, checked_lookup(self.toc.shard),
                               Deadline.after(timeout), timeout=timeout, collection=name)

    async def search_matrix(self, name: str, request: MatrixRequest, timeout: float | None = None) -> MatrixResult:
        collection = self._collection(name)
        strict_mode.check_read(collection, request, timeout)
        return await self.call(reads.search_matrix, collection, request, Deadline.after(timeout), timeout=timeout,
                               collection=name)

    async def retrieve(self, name: str, ids: list[PointId], with_payload: PayloadSelector,
                       with_vector: VectorSelector) -> list[Record]:
        collection = self._collection(name)
        strict_mode.check_retrieve(collection, len(ids))
        return await self.call(reads.retrieve, collection, ids, with_payload, with_vector, collection=name)

    async def scroll(self, name: str, request: ScrollRequest, timeout: float | None = None) -> ScrollPage:
        collection = self._collection(name)
        strict_mode.check_read(collection, request, timeout)
        return await self.call(reads.scroll, collection, request, Deadline.after(timeout), timeout=timeout,
                               collection=name)

    async def count(self, name: str, request: CountRequest, timeout: float | None = None) -> int:
        collection = self._collection(name)
        strict_mode.check_read(collection, request, timeout)
        return await self.call(reads.count, collection, request, timeout=timeout, collection=name)

    async def facet(self, name: str, request: FacetRequest, timeout: float | None = None) -> list[FacetHit]:
        collection = self._collection(name)
        strict_mode.check_read(collection, request, timeout)
        return await self.call(reads.facet, collection, request, Deadline.after(timeout), timeout=timeout,
                               collection=name)

    # ---- snapshots -------------------------------------------------------------------------
    def snapshots(self, snapshots_path: str) -> SnapshotManager:
        """The snapshot manager for `snapshots_path`, made on first use (it clears stale temp files)."""
        manager: SnapshotManager | None = getattr(self, "_snapshots", None)
        if manager is None or manager.root != Path(snapshots_path):
            manager = SnapshotManager(self.toc, snapshots_path, self.downloads)
            self._snapshots = manager
        return manager

    def _background(self, what: str, fn: Callable[[], object]) -> None:
        """Qdrant's `wait=false` for snapshot operations: answer now, do the work in the pool."""
        def done(future: Future[object]) -> None:
            if not future.cancelled() and future.exception() is not None:
                log.error("background snapshot operation failed", exc_info=future.exception(),
                          extra={"operation": what})
        self.pool.submit("", fn).add_done_callback(done)

    async def _snapshot_op(self, what: str, wait: bool, fn: Callable[[], T]) -> T | None:
        if not wait:
            self._background(what, fn)
            return None
        return await self.call(fn)

    async def snapshot_task(self, what: str, wait: bool, fn: Callable[[], T]) -> T | None:
        """Snapshot work honouring `wait` (None: sent to the background), for the shard snapshot routes."""
        return await self._snapshot_op(what, wait, fn)

    async def create_snapshot(self, snapshots_path: str, collection: str, wait: bool = True) -> SnapshotDescription | None:
        manager = self.snapshots(snapshots_path)
        self.toc.resolve(collection)  # a missing collection is a 404 even with wait=false
        return await self._snapshot_op("create snapshot", wait, lambda: manager.create(collection))

    async def list_snapshots(self, snapshots_path: str, collection: str) -> list[SnapshotDescription]:
        return await self.call(self.snapshots(snapshots_path).list_snapshots, collection)

    async def snapshot_file(self, snapshots_path: str, collection: str, snapshot: str) -> Path:
        return await self.call(self.snapshots(snapshots_path).path, collection, snapshot)

    async def delete_snapshot(self, snapshots_path: str, collection: str, snapshot: str,
                              wait: bool = True) -> bool | None:
        manager = self.snapshots(snapshots_path)
        manager.path(collection, snapshot)  # 404 for a missing snapshot even with wait=false
        return await self._snapshot_op("delete snapshot", wait, lambda: manager.delete(collection, snapshot))

    async def recover_snapshot(self, snapshots_path: str, collection: str, location: str,
                               checksum: str | None = None, api_key: str | None = None,
                               wait: bool = True) -> bool | None:
        manager = self.snapshots(snapshots_path)
        return await self._snapshot_op("recover snapshot", wait,
                                       lambda: manager.recover(collection, location, checksum, api_key))

    async def recover_uploaded_snapshot(self, snapshots_path: str, collection: str, upload: IO[bytes],
                                        checksum: str | None = None, wait: bool = True) -> bool | None:
        """The upload is copied next to the storage before answering (the request body goes away)."""
        manager = self.snapshots(snapshots_path)
        saved = await self.call(manager.save_upload, upload)
        return await self._snapshot_op("recover uploaded snapshot", wait,
                                       lambda: manager.recover_saved(collection, saved, checksum))

    async def create_full_snapshot(self, snapshots_path: str, wait: bool = True) -> SnapshotDescription | None:
        manager = self.snapshots(snapshots_path)
        return await self._snapshot_op("create full snapshot", wait, manager.create_full)

    async def list_full_snapshots(self, snapshots_path: str) -> list[SnapshotDescription]:
        return await self.call(self.snapshots(snapshots_path).list_full)

    async def full_snapshot_file(self, snapshots_path: str, snapshot: str) -> Path:
        return await self.call(self.snapshots(snapshots_path).full_path, snapshot)

    async def delete_full_snapshot(self, snapshots_path: str, snapshot: str, wait: bool = True) -> bool | None:
        manager = self.snapshots(snapshots_path)
        manager.full_path(snapshot)
        return await self._snapshot_op("delete full snapshot", wait, lambda: manager.delete_full(snapshot))
