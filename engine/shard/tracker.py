"""What the optimizer of each shard is doing and has done: Qdrant's optimization trackers.

`optimize_shard` opens a `Tracked` entry for each step it runs (one optimization: the segments it
takes, the optimizer's name, start/finish times, status) and closes it when the step ends; the
last `KEEP_COMPLETED` finished ones are kept, and the points they processed are counted
(`total_optimized_points` in telemetry). The log is kept beside the shard (weakly keyed: it goes
with the shard), not in it, so that the shard holds no bookkeeping the engine does not need.
Segments get a UUID here the first time they are reported, stable for the process's life.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections import deque
from dataclasses import dataclass, field

from engine.segment import Segment
from engine.shard.shard import Shard

KEEP_COMPLETED = 64
OPTIMIZER_NAMES = {"index": "indexing", "reindex": "config_mismatch", "vacuum": "vacuum", "merge": "merge"}
"""Our step kinds → the names of Qdrant's optimizers that do the same work."""

_segment_ids: weakref.WeakKeyDictionary[Segment, str] = weakref.WeakKeyDictionary()
_ids_lock = threading.Lock()


def segment_uuid(seg: Segment) -> str:
    with _ids_lock:
        known = _segment_ids.get(seg)
        if known is None:
            known = _segment_ids[seg] = str(uuid.uuid4())
        return known


@dataclass(slots=True)
class Tracked:
    optimizer: str
    segments: list[tuple[str, int]]
    """(segment uuid, live points) of the segments taken."""
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    started_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    status: str = "optimizing"
    """`optimizing`, `done`, or `error: <text>`."""

    @property
    def points(self) -> int:
        return sum(points for _, points in self.segments)


class OptimizationLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running: list[Tracked] = []
        self.completed: deque[Tracked] = deque(maxlen=KEEP_COMPLETED)
        self.total_optimized_points = 0

    def start(self, kind: str, segments: list[Segment]) -> Tracked:
        entry = Tracked(OPTIMIZER_NAMES.get(kind, kind), [(segment_uuid(s), len(s)) for s in segments])
        with self._lock:
            self.running.append(entry)
        return entry

    def finish(self, entry: Tracked, error: BaseException | None = None) -> None:
        entry.finished_at = time.time()
        entry.status = "done" if error is None else f"error: {error}"
        with self._lock:
            if entry in self.running:
                self.running.remove(entry)
            self.completed.appendleft(entry)  # newest first
            if error is None:
                self.total_optimized_points += entry.points

    def snapshot(self) -> tuple[list[Tracked], list[Tracked], int]:
        with self._lock:
            return list(self.running), list(self.completed), self.total_optimized_points


_logs: weakref.WeakKeyDictionary[Shard, OptimizationLog] = weakref.WeakKeyDictionary()
_logs_lock = threading.Lock()


def log_of(shard: Shard) -> OptimizationLog:
    with _logs_lock:
        found = _logs.get(shard)
        if found is None:
            found = _logs[shard] = OptimizationLog()
        return found


class tracked:  # noqa: N801 (used as a `with` statement, like contextlib's helpers)
    """`with tracked(shard, kind, segments):` one optimization step, logged as running then done."""

    def __init__(self, shard: Shard, kind: str, segments: list[Segment]) -> None:
        self.log = log_of(shard)
        self.entry = self.log.start(kind, segments)

    def __enter__(self) -> Tracked:
        return self.entry

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> None:
        self.log.finish(self.entry, error)
