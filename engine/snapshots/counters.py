"""Per-collection snapshot counters for telemetry (Qdrant's `running_snapshots`,
`running_snapshot_recovery`, `total_snapshot_creations`), counted for the process's life."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(slots=True)
class SnapshotCounts:
    running_snapshots: int = 0
    running_snapshot_recovery: int = 0
    total_snapshot_creations: int = 0


_lock = threading.Lock()
_counts: defaultdict[str, SnapshotCounts] = defaultdict(SnapshotCounts)


@contextmanager
def creating(collection: str) -> Iterator[None]:
    """A snapshot (collection or shard) of `collection` being written; counted as created if it is."""
    with _lock:
        _counts[collection].running_snapshots += 1
    ok = False
    try:
        yield
        ok = True
    finally:
        with _lock:
            counts = _counts[collection]
            counts.running_snapshots -= 1
            counts.total_snapshot_creations += ok


@contextmanager
def recovering(collection: str) -> Iterator[None]:
    with _lock:
        _counts[collection].running_snapshot_recovery += 1
    try:
        yield
    finally:
        with _lock:
            _counts[collection].running_snapshot_recovery -= 1


def counts(collection: str) -> SnapshotCounts:
    with _lock:
        found = _counts.get(collection, SnapshotCounts())
        return SnapshotCounts(found.running_snapshots, found.running_snapshot_recovery,
                              found.total_snapshot_creations)
