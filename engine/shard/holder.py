"""The segment holder of a shard and the consistent view readers take of it.

Lock protocol (the whole story; no other module takes a lock on segments):
- `segments` is an immutable tuple, replaced by reference (a seal, a rebuild swap). A reader takes
  the current tuple once (`view()`) and works on exactly those segments, even if a swap happens
  meanwhile: swapped-out segments are never mutated again, so the old view stays consistent.
- Each segment has a readers-writer lock. `reading()` takes the read lock of every segment of the
  view, in tuple order, for the duration of the read. Readers run in parallel with each other.
- One writer at a time per shard: `writer` (a mutex) is held by whoever mutates — the update
  worker applying an operation, the optimizer sealing or swapping. Under it, the writer takes the
  write lock of just the segments it changes, in tuple order (so readers, which also go in tuple
  order, cannot deadlock with it), and only for the in-memory change: never across a WAL fsync, a
  graph build or a file write.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from engine.filters import CompiledFilter, compile_filter
from engine.point_id import PointId
from engine.segment import Segment
from engine.types.config import CollectionConfig
from engine.types.filters import Filter
from engine.types.payload_schema import PayloadSchema


@dataclass(frozen=True, slots=True)
class ShardView:
    """What a reader sees: one config, one payload schema, one tuple of segments."""

    name: str
    config: CollectionConfig
    payload_schema: Mapping[str, PayloadSchema]
    segments: tuple[Segment, ...]

    def locate(self, pid: PointId) -> tuple[Segment, int] | None:
        for segment in self.segments:
            offset = segment.offset_of(pid)
            if offset is not None:
                return segment, offset
        return None

    def locate_many(self, pids: list[PointId]) -> list[tuple[Segment, int] | None]:
        """`locate` of each of `pids`: one batch lookup per segment (the first segment holding an
        id wins, as in `locate`)."""
        found: list[tuple[Segment, int] | None] = [None] * len(pids)
        missing = list(range(len(pids)))
        for segment in self.segments:
            if not missing:
                break
            offsets = segment.ids.offsets_of([pids[i] for i in missing]).tolist()
            left = []
            for i, offset in zip(missing, offsets, strict=True):
                if offset >= 0:
                    found[i] = (segment, offset)
                else:
                    left.append(i)
            missing = left
        return found

    def compile(self, flt: Filter | None) -> CompiledFilter | None:
        return None if flt is None else compile_filter(flt)

    def points_count(self) -> int:
        return sum(len(s) for s in self.segments)


@contextmanager
def locked(segments: Iterable[Segment], write: bool) -> Iterator[None]:
    """Hold the read (or write) locks of `segments`, taken in the order given (tuple order) and
    released in reverse. Plain acquire/release calls, no ExitStack of per-lock context managers:
    every read takes this path, and the nested generators cost more than the locks themselves."""
    taken: list[Segment] = []
    try:
        for segment in segments:
            if write:
                segment.lock.acquire_write()
            else:
                segment.lock.acquire_read()
            taken.append(segment)
        yield
    finally:
        for segment in reversed(taken):
            if write:
                segment.lock.release_write()
            else:
                segment.lock.release_read()


def acquire_reads(segments: tuple[Segment, ...]) -> None:
    """The read locks of `segments` in tuple order (what `locked(..., write=False)` takes, without
    the generator: `Shard.reading` calls this for every query); none are held if it raises."""
    taken = 0
    try:
        for segment in segments:
            segment.lock.acquire_read()
            taken += 1
    except BaseException:
        for segment in reversed(segments[:taken]):
            segment.lock.release_read()
        raise


def release_reads(segments: tuple[Segment, ...]) -> None:
    for segment in reversed(segments):
        segment.lock.release_read()


class SegmentHolder:
    def __init__(self, segments: Iterable[Segment]) -> None:
        self.segments: tuple[Segment, ...] = tuple(segments)
        self.writer = threading.RLock()
        """The one-writer mutex (re-entrant: an apply may seal a segment it is writing to)."""

    @property
    def appendable(self) -> Segment:
        return self.segments[-1]

    def replace(self, segments: Iterable[Segment]) -> None:
        """Publish a new tuple (caller holds `writer`)."""
        self.segments = tuple(segments)

    def writing(self, segments: Iterable[Segment]) -> AbstractContextManager[None]:
        """Write locks of the given segments, in tuple order (caller holds `writer`)."""
        wanted = {id(s) for s in segments}
        return locked([s for s in self.segments if id(s) in wanted], write=True)
