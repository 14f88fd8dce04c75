"""A consistent-enough picture of every collection for /metrics and /telemetry, taken on the
service's thread pool (it reads segment masks, which is numpy work)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from engine.collection.collection import Collection, CollectionInfo
from engine.errors import NotFound
from engine.shard.tracker import log_of
from engine.snapshots.counters import SnapshotCounts, counts
from engine.toc import TableOfContents


@dataclass(slots=True)
class CollectionFigures:
    name: str
    info: CollectionInfo
    vectors_by_name: dict[str, int] = field(default_factory=dict)
    """Live stored vectors per dense vector name ("" for the unnamed one) and per sparse name."""
    running_optimizations: int = 0
    optimized_points: int = 0
    """Points processed by the optimizer steps finished since the start (Qdrant's total_optimized_points)."""
    snapshots: SnapshotCounts = field(default_factory=SnapshotCounts)
    update_queue: int = 0
    """Operations logged but not applied yet (Qdrant's update queue length)."""

    @property
    def vectors(self) -> int:
        return sum(self.vectors_by_name.values())


def _vector_counts(collection: Collection) -> dict[str, int]:
    with collection.reading() as view:  # segments read-locked: masks are not torn by a writer
        params = view.config.params
        names = [*params.vectors, *(params.sparse_vectors or {})]
        counts = dict.fromkeys(names, 0)
        for segment in view.segments:
            live = segment.live_mask()
            for name in names:
                counts[name] += int(np.count_nonzero(segment.vector_mask(name) & live))
    return counts


def collect(toc: TableOfContents) -> list[CollectionFigures]:
    out = []
    for name in toc.names():
        try:
            collection = toc.get(name)
        except (KeyError, NotFound):  # deleted meanwhile
            continue
        out.append(CollectionFigures(name, collection.info(), _vector_counts(collection),
                                       collection.shard.optimizing, log_of(collection.shard).snapshot()[2],
                                       counts(name), len(collection.updates)))
    return out
