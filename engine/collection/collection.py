"""A collection: its config, its WAL and update worker, and the shard that holds its segments.

The write path, top to bottom: validate the operation completely (against a read view, so a
rejected request changes nothing) → under the append mutex, append it to the WAL (bytes in the
kernel) and queue it, which fixes its operation number and its place in the apply order → make
it durable (one fsync shared by concurrent writers: group commit) → `wait=false` answers now and
the update worker applies it; `wait=true` applies the queue up to it and then answers. Readers
never take a collection-wide lock (engine/shard/holder.py); nobody holds a lock readers need
across the fsync.
"""

from __future__ import annotations

import functools
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.collection import vector_names
from engine.collection.update_queue import UpdateQueue
from engine.errors import BadInput, NotFound
from engine.json_path import parse_path
from engine.persistence.collection_store import save_config
from engine.point_id import PointId
from engine.segment import Segment
from engine.shard.holder import ShardView
from engine.shard.optimizer import awaiting_index, pending
from engine.shard.shard import Shard
from engine.shard.validate import check_points_vectors, check_vector_name, check_vectors
from engine.types.config import CollectionConfig
from engine.types.operations import (
    ClearPayload,
    CreateFieldIndex,
    CreateVectorName,
    DeleteFieldIndex,
    DeletePayload,
    DeletePoints,
    DeleteVectorName,
    DeleteVectors,
    Operation,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.payload_schema import PayloadSchema

if TYPE_CHECKING:
    from engine.persistence.collection_store import CollectionStore



@dataclass(slots=True)
class CollectionInfo:
    status: str
    optimizer_status: str
    points_count: int
    indexed_vectors_count: int
    segments_count: int
    config: CollectionConfig
    payload_schema: dict[str, tuple[PayloadSchema, int]] = field(default_factory=dict)


class Collection:
    def __init__(self, name: str, config: CollectionConfig) -> None:
        self.name = name
        self.shard = Shard(name, config)
        self._store: CollectionStore | None = None
        self.persisted_op = 0
        """Operations up to this number are in the newest flushed snapshot."""
        self.flush_lock = threading.Lock()
        """Held by a flush, a snapshot cut and a delete, so they never overlap."""
        self.append_lock = threading.Lock()
        """Orders WAL appends with queue pushes (held for the append only, never across an fsync);
        whoever holds it sees the WAL at a record boundary (snapshots copy it then)."""
        self._next_op = 1
        self.updates = UpdateQueue(self.shard.apply, self._sync)
        self.schema_lock = threading.Lock()
        """Serialises vector-space creation/deletion: each is checked, applied and checkpointed before
        the next is checked."""

    @property
    def store(self) -> CollectionStore | None:
        """Where the WAL and the segment files live; None for a purely in-memory collection."""
        return self._store

    @store.setter
    def store(self, store: CollectionStore | None) -> None:
        self._store = store
        self.shard.persistence = None if store is None else _Durable(self, store)

    # ---- shard passthroughs ----------------------------------------------------------------
    @property
    def config(self) -> CollectionConfig:
        return self.shard.config

    @config.setter
    def config(self, config: CollectionConfig) -> None:
        self.shard.config = config

    @property
    def payload_schema(self) -> dict[str, PayloadSchema]:
        return self.shard.payload_schema

    @property
    def last_op_num(self) -> int:
        """The newest operation applied (operations still queued are not counted)."""
        return self.updates.applied

    def reading(self) -> AbstractContextManager[ShardView]:
        return self.shard.reading()

    def points_count(self) -> int:
        return self.shard.view().points_count()

    @property
    def segments(self) -> tuple[Segment, ...]:
        """The current segments (for tests and tools; readers use `reading()`)."""
        return self.shard.holder.segments

    def locate(self, pid: PointId) -> tuple[Segment, int] | None:
        return self.shard.view().locate(pid)

    # ---- the write path --------------------------------------------------------------------
    def update(self, op: Operation, wait: bool = True) -> int:
        """Validate `op` completely, then log and apply it under a new operation number (all or
        nothing). With `wait` False it returns once the operation is durable in the WAL."""
        if isinstance(op, CreateVectorName | DeleteVectorName):
            return self._update_vector_space(op, wait)
        return self._update(op, wait)

    def _update_vector_space(self, op: CreateVectorName | DeleteVectorName, wait: bool) -> int:
        """A vector space is created or deleted before the answer, whatever `wait` says (as in Qdrant,
        where the config changes first): a write sent right after it is checked against the new
        config. Then a flush, so that no WAL record older than the change is ever replayed against
        the config it changed (a restart loads config.json as the operation left it)."""
        with self.schema_lock:
            op_num = self._update(op, wait=True)
            self.flush()
            return op_num

    def _update(self, op: Operation, wait: bool) -> int:
        if _needs_existing_points(op):
            self.updates.drain()  # existence checks must see every earlier acknowledged write
        with self.shard.reading() as view:
            self._validate(view, op)
        with self.append_lock:
            if self.store is not None:
                op_num = self.store.append(op, sync=False)
            else:
                op_num = self._next_op
            self._next_op = op_num + 1
            self.updates.push(op_num, op)
        # Durability point: fsynced per policy (shared with concurrent writers) before the answer,
        # so an acknowledged write survives kill -9 whether or not it was applied yet.
        self._sync(op_num)
        if wait:
            self.updates.drain(until=op_num)
        else:
            self.updates.drain_later()
        return op_num

    def _sync(self, op_num: int) -> None:
        if self.store is not None:
            self.store.sync(op_num)

    def replay_from(self, op_num: int) -> None:
        """State loaded from a snapshot that covers every operation up to `op_num`."""
        self.persisted_op = self.updates.applied = op_num
        self._next_op = max(self._next_op, op_num + 1)

    def replay(self, op_num: int, op: Operation) -> None:
        """Apply an operation read back from the WAL (recovery): already validated and durable."""
        self.shard.apply(op_num, op)
        self.updates.applied = max(self.updates.applied, op_num)
        self._next_op = max(self._next_op, op_num + 1)

    def _validate(self, view: ShardView, op: Operation) -> None:
        params = view.config.params
        match op:
            case UpsertPoints(points=points, update_filter=flt):
                check_points_vectors(params, [point.vectors for point in points])
                view.compile(flt)
            case UpdateVectors(points=points, update_filter=flt):
                for pid, vectors in points:
                    if not vectors:
                        raise BadInput("No vectors to update")
                    check_vectors(params, vectors)
                    _require_point(view, pid)
                view.compile(flt)
            case DeleteVectors(vector_names=names, ids=ids, filter=flt):
                for name in names:
                    check_vector_name(params, name)
                _require_points(view, ids)
                view.compile(flt)
            case SetPayload(ids=ids, filter=flt, key=key):
                if key is not None:
                    parse_path(key)
                _require_points(view, ids)
                view.compile(flt)
            case OverwritePayload(ids=ids, filter=flt) | ClearPayload(ids=ids, filter=flt):
                _require_points(view, ids)
                view.compile(flt)
            case DeletePayload(keys=keys, ids=ids, filter=flt):
                for key in keys:
                    parse_path(key)
                _require_points(view, ids)
                view.compile(flt)
            case DeletePoints(filter=flt):
                view.compile(flt)
            case CreateFieldIndex(key=key):
                parse_path(key)
            case DeleteFieldIndex():
                pass
            case CreateVectorName():
                vector_names.check_create(params, op)
            case DeleteVectorName(name=name):
                vector_names.check_name(name)

    # ---- persistence -------------------------------------------------------------------------
    def flush(self, periodic: bool = False) -> bool:
        """Persist what changed since the last flush and truncate the WAL up to it (see
        engine/persistence/collection_store.py); False if nothing changed. `periodic` (the flush
        worker, the optimizer's commit): segments without a base (the appendable one) stay in the
        WAL until the optimizer writes their base (`CollectionStore.cut`'s hold); shutdown and
        snapshots flush everything."""
        with self.flush_lock:
            store = self.store
            if store is None:
                return False
            hold = functools.partial(awaiting_index, self.shard) if periodic else None
            with self.shard.holder.writer:  # the cut copies only the points changed since the previous one
                full, self.shard.full_flush_due = self.shard.full_flush_due, False
                cut = store.cut(list(self.shard.holder.segments), self.updates.applied, self.shard.payload_schema,
                                None if full else hold)
            if cut is None:
                return False
            try:
                store.commit(cut)  # fsyncs and the manifest write, without any lock
            except BaseException:
                self.shard.full_flush_due = self.shard.full_flush_due or full  # the next flush still writes all
                raise
            self.persisted_op = cut.replay_from
            return True

    # ---- info ------------------------------------------------------------------------------
    def info(self) -> CollectionInfo:
        # status first: `pending` takes the writer mutex, which must never be awaited while holding
        # segment read locks (the optimizer holds the mutex while it waits for a segment's write lock)
        status = self._status()
        with self.shard.reading() as view:
            schema = {
                key: (s, sum(seg.index_points(key) for seg in view.segments))
                for key, s in view.payload_schema.items()
            }
            return CollectionInfo(
                status=status,
                optimizer_status="ok" if self.shard.optimizer_error is None else self.shard.optimizer_error,
                points_count=view.points_count(),
                indexed_vectors_count=sum(seg.indexed_vectors() for seg in view.segments),
                segments_count=len(view.segments),
                config=view.config,
                payload_schema=schema,
            )

    def _status(self) -> str:
        """red: the optimizer failed; yellow: optimizing; grey: optimizations pending; else green."""
        if self.shard.optimizer_error:
            return "red"
        if self.shard.optimizing:
            return "yellow"
        return "grey" if pending(self.shard) else "green"


class _Durable:
    """The shard's persistence: the optimizer's segments go to the collection's store."""

    def __init__(self, collection: Collection, store: CollectionStore) -> None:
        self.collection = collection
        self.store = store

    def write_segment(self, segment: Segment, visible: bool) -> None:
        self.store.write_segment(segment, self.collection.shard.holder.writer if visible else None)

    def commit(self) -> None:
        self.collection.flush(periodic=True)

    def save_config(self, config: CollectionConfig) -> None:
        save_config(self.store.dir, config)


def _needs_existing_points(op: Operation) -> bool:
    match op:
        case UpdateVectors() | DeleteVectors(ids=list()) | SetPayload(ids=list()):
            return True
        case OverwritePayload(ids=list()) | ClearPayload(ids=list()) | DeletePayload(ids=list()):
            return True
    return False


def _require_point(view: ShardView, pid: PointId) -> None:
    if view.locate(pid) is None:
        raise NotFound(f"No point with id {pid} found")


def _require_points(view: ShardView, ids: list[PointId] | None) -> None:
    for pid in ids or ():
        _require_point(view, pid)
