"""A shard: the segment holder, the payload schema and the config its segments follow, and the
one place where operations are applied to segments (see `holder.py` for the lock protocol)."""

from __future__ import annotations

import time
from contextlib import AbstractContextManager
from typing import Protocol

from engine.segment import Segment
from engine.shard import apply
from engine.shard.cadence import WriteCadence
from engine.shard.holder import SegmentHolder, ShardView, acquire_reads, locked, release_reads
from engine.types.config import CollectionConfig, with_vector_space, without_vector_space
from engine.types.operations import (
    CreateFieldIndex,
    CreateVectorName,
    DeleteFieldIndex,
    DeleteVectorName,
    DeleteVectors,
    Operation,
    UpdateVectors,
)
from engine.types.payload_schema import PayloadSchema


class ShardPersistence(Protocol):
    """What the optimizer needs from the layer that stores the shard (the collection's store)."""

    def write_segment(self, segment: Segment, visible: bool) -> None:
        """Write a sealed segment's files once (`visible`: writers may already change it)."""

    def commit(self) -> None:
        """Make the current set of segments durable (after a seal or a swap)."""

    def save_config(self, config: CollectionConfig) -> None:
        """Persist a config the shard changed itself (a vector space created or deleted)."""


class _Reading:
    """`Shard.reading()` as a plain context manager (every query enters one: no generator)."""

    __slots__ = ("_shard", "_segments")

    def __init__(self, shard: Shard) -> None:
        self._shard = shard
        self._segments: tuple[Segment, ...] = ()

    def __enter__(self) -> ShardView:
        shard = self._shard
        while True:
            view = shard.view()
            segments = view.segments
            acquire_reads(segments)
            # the config too: a vector space created or deleted in between changed the columns
            if shard.holder.segments is segments and shard.config is view.config:
                self._segments = segments
                return view
            release_reads(segments)

    def __exit__(self, *exc: object) -> None:
        release_reads(self._segments)
        self._segments = ()


class Shard:
    def __init__(self, name: str, config: CollectionConfig) -> None:
        self.name = name
        self.config = config
        self.payload_schema: dict[str, PayloadSchema] = {}
        """Replaced, never mutated (copy on write), so a view can hold it without a copy."""
        self._view: ShardView | None = None
        self.holder = SegmentHolder([self.new_segment()])
        self.optimizing = 0
        """Optimizations running now (status `yellow` while > 0)."""
        self.optimizer_error: str | None = None
        self.cadence = WriteCadence()
        """When operations were applied (the optimizer's idle rules; see cadence.py)."""
        self.persistence: ShardPersistence | None = None
        """None for a purely in-memory shard."""
        self.full_flush_due = False
        """An operation since the last flush cannot be replayed over segments whose state is newer:
        a vector update or delete may move a sealed point into the appendable segment (its replay
        needs the old copy); a vector or index created or deleted changes every segment. So the next
        flush writes every segment instead of leaving the appendable one to the WAL
        (engine/persistence/collection_store.py)."""

    @property
    def last_write(self) -> float:
        """When an operation was last applied (time.monotonic())."""
        return self.cadence.last

    @last_write.setter
    def last_write(self, when: float) -> None:
        self.cadence.last = when

    def new_segment(self) -> Segment:
        """An empty appendable segment with the shard's payload indexes."""
        segment = Segment(self.config.params.vectors, self.config.params.sparse_vectors)
        for key, schema in self.payload_schema.items():
            segment.create_index(key, schema)
        return segment

    # ---- readers ---------------------------------------------------------------------------
    def view(self) -> ShardView:
        """The current view: the same object until the segments, the config or the schema change
        (three identity checks instead of a new frozen dataclass per read)."""
        view = self._view
        if view is None or view.segments is not self.holder.segments or view.config is not self.config \
                or view.payload_schema is not self.payload_schema or view.name is not self.name:
            view = ShardView(self.name, self.config, self.payload_schema, self.holder.segments)
            self._view = view
        return view

    def reading(self) -> AbstractContextManager[ShardView]:
        """A view whose segments are read-locked until the block ends (no shard-wide lock).

        The tuple must still be the current one once its locks are held: a swap in between would
        leave this view with swapped-out segments (frozen copies) next to the live appendable one,
        which later writes reach, so a moved point could be seen twice. Once the locks are held, a
        swap is harmless: every write that could disagree with the frozen copies needs the write
        lock of a segment this view holds, and waits for the read to end."""
        return _Reading(self)

    # ---- the writer ------------------------------------------------------------------------
    def apply(self, op_num: int, op: Operation) -> None:
        """Apply an already validated operation (also used for WAL replay), as the one writer."""
        with self.holder.writer:
            segments = self.holder.segments
            match op:
                case (CreateFieldIndex() | DeleteFieldIndex() | CreateVectorName() | DeleteVectorName()
                      | UpdateVectors() | DeleteVectors()):
                    self.full_flush_due = True
            match op:
                case CreateFieldIndex(key=key, schema=schema):
                    with locked(segments, write=True):
                        for segment in segments:
                            segment.create_index(key, schema)
                        self.payload_schema = {**self.payload_schema, key: schema}
                case DeleteFieldIndex(key=key):
                    with locked(segments, write=True):
                        for segment in segments:
                            segment.drop_index(key)
                        self.payload_schema = {k: v for k, v in self.payload_schema.items() if k != key}
                case CreateVectorName(name=name, dense=dense, sparse=sparse):
                    # columns first, then the config that names them: code that reads the config
                    # without a segment lock (the optimizer's build) never meets a missing column
                    with locked(segments, write=True):
                        for segment in segments:
                            segment.add_vector(name, dense, sparse)
                        self._set_config(with_vector_space(self.config, name, dense, sparse))
                case DeleteVectorName(name=name):
                    with locked(segments, write=True):
                        self._set_config(without_vector_space(self.config, name))
                        for segment in segments:
                            segment.drop_vector(name)
                case _:
                    apply.apply_point_operation(self.holder, self.view(), op_num, op)
            self.cadence.note(time.monotonic())

    def _set_config(self, config: CollectionConfig) -> None:
        """A config changed by an operation (caller: the writer): durable before the writer lets go,
        so no flush can cut a manifest past the operation while config.json still lacks it."""
        if config is self.config:
            return
        if self.persistence is not None:
            self.persistence.save_config(config)
        self.config = config
