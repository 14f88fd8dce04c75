"""Collection state and the write path: validate fully, take an operation number, apply, acknowledge.

Locking: one lock per collection serialises writers and readers of the mutable segment state
(numpy columns may be regrown by a writer). Reads are short; the optimizer of a later issue swaps
segments by reference so that readers never wait for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.collection import updates
from engine.collection.validate import check_vector_name, check_vectors
from engine.errors import BadInput, NotFound
from engine.filters import CompiledFilter, compile_filter
from engine.json_path import parse_path
from engine.point_id import PointId
from engine.segment import Segment
from engine.types.config import CollectionConfig
from engine.types.filters import Filter
from engine.types.operations import (
    ClearPayload,
    CreateFieldIndex,
    DeleteFieldIndex,
    DeletePayload,
    DeletePoints,
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
        self.config = config
        self.payload_schema: dict[str, PayloadSchema] = {}
        self.segments: list[Segment] = [Segment(config.params.vectors, config.params.sparse_vectors)]
        self.lock = threading.RLock()
        self.last_op_num = 0
        self.store: CollectionStore | None = None
        """Where the WAL and flushed snapshots live; None for a purely in-memory collection."""
        self.persisted_op = 0
        """Operations up to this number are in the newest flushed snapshot."""
        self.flush_lock = threading.Lock()
        """Held by a flush, a snapshot cut and a delete, so they never overlap."""
        self.optimizing = 0
        """Optimizations running now (status `yellow` while > 0)."""
        self.optimizer_error: str | None = None

    def new_segment(self) -> Segment:
        """An empty appendable segment with the collection's payload indexes."""
        segment = Segment(self.config.params.vectors, self.config.params.sparse_vectors)
        for key, schema in self.payload_schema.items():
            segment.create_index(key, schema)
        return segment

    @property
    def appendable(self) -> Segment:
        return self.segments[-1]

    # ---- reading helpers -------------------------------------------------------------------
    def locate(self, pid: PointId) -> tuple[Segment, int] | None:
        for segment in self.segments:
            offset = segment.offset_of(pid)
            if offset is not None:
                return segment, offset
        return None

    def compile(self, flt: Filter | None) -> CompiledFilter | None:
        return None if flt is None else compile_filter(flt)

    def select(self, ids: list[PointId] | None, flt: Filter | None) -> Iterator[tuple[Segment, int]]:
        """Points addressed by an update: by ids (those that exist) or by filter."""
        if ids is not None:
            for pid in ids:
                found = self.locate(pid)
                if found is not None:
                    yield found
            return
        compiled = self.compile(flt)
        for segment in self.segments:
            for offset in segment.matching(compiled):
                yield segment, int(offset)

    def points_count(self) -> int:
        return sum(len(s) for s in self.segments)

    # ---- the write path --------------------------------------------------------------------
    def update(self, op: Operation) -> int:
        """Validate `op` completely, then apply it under a new operation number (all or nothing)."""
        with self.lock:
            self._validate(op)
            # Durability point: the operation is in the WAL (written to the kernel, fsynced per
            # policy) before it touches a segment, so an acknowledged write survives kill -9.
            op_num = self.store.append(op) if self.store is not None else self.last_op_num + 1
            self.apply(op_num, op)
            return op_num

    def apply(self, op_num: int, op: Operation) -> None:
        """Apply an already validated operation (also used for WAL replay)."""
        with self.lock:
            self.last_op_num = max(self.last_op_num, op_num)
            match op:
                case CreateFieldIndex(key=key, schema=schema):
                    self.payload_schema[key] = schema
                    for segment in self.segments:
                        segment.create_index(key, schema)
                case DeleteFieldIndex(key=key):
                    self.payload_schema.pop(key, None)
                    for segment in self.segments:
                        segment.drop_index(key)
                case _:
                    updates.apply_point_operation(self, op_num, op)

    def _validate(self, op: Operation) -> None:
        params = self.config.params
        match op:
            case UpsertPoints(points=points, update_filter=flt):
                for point in points:
                    if not point.vectors and params.unnamed:
                        raise BadInput("Vector is required for point in collection with unnamed vector")
                    check_vectors(params, point.vectors)
                self.compile(flt)
            case UpdateVectors(points=points, update_filter=flt):
                for pid, vectors in points:
                    if not vectors:
                        raise BadInput("No vectors to update")
                    check_vectors(params, vectors)
                    self._require_point(pid)
                self.compile(flt)
            case DeleteVectors(vector_names=names, ids=ids, filter=flt):
                for name in names:
                    check_vector_name(params, name)
                self._require_points(ids)
                self.compile(flt)
            case SetPayload(ids=ids, filter=flt, key=key):
                if key is not None:
                    parse_path(key)
                self._require_points(ids)
                self.compile(flt)
            case OverwritePayload(ids=ids, filter=flt) | ClearPayload(ids=ids, filter=flt):
                self._require_points(ids)
                self.compile(flt)
            case DeletePayload(keys=keys, ids=ids, filter=flt):
                for key in keys:
                    parse_path(key)
                self._require_points(ids)
                self.compile(flt)
            case DeletePoints(filter=flt):
                self.compile(flt)
            case CreateFieldIndex(key=key):
                parse_path(key)
            case DeleteFieldIndex():
                pass

    def _require_point(self, pid: PointId) -> None:
        if self.locate(pid) is None:
            raise NotFound(f"No point with id {pid} found")

    def _require_points(self, ids: list[PointId] | None) -> None:
        for pid in ids or ():
            self._require_point(pid)

    # ---- persistence -------------------------------------------------------------------------
    def flush(self) -> bool:
        """Persist what changed since the last flush and truncate the WAL up to it (see
        engine/persistence/collection_store.py); False if nothing changed."""
        with self.flush_lock:
            store = self.store
            if store is None:
                return False
            with self.lock:  # the cut copies only the points changed since the previous one
                cut = store.cut(list(self.segments), self.last_op_num, self.payload_schema)
            if cut is None:
                return False
            store.commit(cut)  # fsyncs and the manifest write, without the collection lock
            self.persisted_op = cut.op_num
            return True

    # ---- info ------------------------------------------------------------------------------
    def info(self) -> CollectionInfo:
        with self.lock:
            schema = {
                key: (s, sum(seg.index_points(key) for seg in self.segments))
                for key, s in self.payload_schema.items()
            }
            return CollectionInfo(
                status=self._status(),
                optimizer_status="ok" if self.optimizer_error is None else self.optimizer_error,
                points_count=self.points_count(),
                indexed_vectors_count=sum(seg.indexed_vectors() for seg in self.segments),
                segments_count=len(self.segments),
                config=self.config,
                payload_schema=schema,
            )

    def _status(self) -> str:
        """red: the optimizer failed; yellow: optimizing; grey: optimizations pending; else green."""
        if self.optimizer_error:
            return "red"
        if self.optimizing:
            return "yellow"
        from engine.optimizer import pending  # the optimizer plans over collections: import late

        return "grey" if pending(self) else "green"
