"""The optimizer of a shard: turns a full appendable segment into a sealed, HNSW-indexed one.

When the appendable segment holds more than `indexing_threshold` KB of vectors — or, the
idle-tail rule, when it holds at least `IDLE_TAIL_MIN_POINTS` points and writes paused (so that a
finished ingest does not leave a large tail scanned exactly on every query). While writes keep
arriving the background worker lets a full appendable segment grow up to `ingest_segment_bytes`
before sealing it (a streaming ingest becomes few large segments, each written and indexed once;
`pending` reports the deferred work, so the collection is not green meanwhile). A pause is
measured against the pace of the writes (engine/shard/cadence.py), so a slow ingest on a loaded
machine is not mistaken for a finished one. Steps: (1) as the shard's writer, seal it and open a fresh appendable segment, and copy the
vectors to index; (2) without any lock, build the graphs (readers and writers carry on: the
sealed segment is searched exactly meanwhile, and new writes go to the fresh segment); (3) as the
writer, with the segment's write lock, mark points deleted during the build and attach the graphs.
Nothing is ever half-built in view.
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np

from engine.segment import Segment
from engine.segment.hnsw_index import HnswIndex, indexable
from engine.shard.quantize import built_specs, quantize_segment, wanted_specs
from engine.shard.rebuild import rebuild
from engine.shard.shard import Shard
from engine.shard.tracker import OPTIMIZER_NAMES, tracked

log = logging.getLogger("quiver.optimizer")

IDLE_TAIL_MIN_POINTS = 1000
INGEST_SEGMENT_KB = 200_000


def _indexable_names(col: Shard) -> set[str]:
    return {name for name, p in col.config.params.vectors.items()
            if indexable(p, col.config.effective_hnsw(name))}


def ingest_segment_bytes(col: Shard) -> int:
    """How large a streaming ingest lets the appendable segment grow before sealing it anyway:
    `max_segment_size` when set, else Qdrant's automatic size for one CPU (200,000 KB)."""
    return (col.config.optimizer_config.max_segment_size or INGEST_SEGMENT_KB) * 1024


def _pick(col: Shard, batch_ingest: bool = False) -> Segment | None:
    """A sealed segment still without graphs (e.g. flushed mid-build), else a full appendable one.
    `batch_ingest` (the background worker): while writes keep coming, a full appendable segment
    waits until the writes pause or it reaches `ingest_segment_bytes`, so that an ingest is sealed
    and indexed into few large segments, written once, instead of many small ones merged later."""
    wanted = _indexable_names(col)
    for seg in col.holder.segments[:-1]:
        if seg.sealed and wanted and not seg.hnsw and not seg.indexing and len(seg):
            return seg
    seg = col.holder.appendable
    threshold_kb = col.config.optimizer_config.indexing_threshold
    if not threshold_kb or len(seg) == 0:
        return None
    idle = col.cadence.idle(time.monotonic())
    size = seg.vector_bytes()
    if size >= threshold_kb * 1024:
        return seg if not batch_ingest or idle or size >= ingest_segment_bytes(col) else None
    # The idle-tail rule applies to the tail of a collection that is already indexed (it has sealed
    # segments): a collection below the threshold as a whole stays unindexed, as in Qdrant.
    tail = len(col.holder.segments) > 1 and len(seg) >= IDLE_TAIL_MIN_POINTS
    return seg if idle and tail else None


def _seal(col: Shard, batch_ingest: bool) -> tuple[Segment, dict[str, tuple[np.ndarray, np.ndarray]]] | None:
    """Seal the segment to index (opening a new appendable one); returns it with the (vectors,
    offsets) to index."""
    with col.holder.writer:
        seg = _pick(col, batch_ingest)
        if seg is None:
            return None
        work: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for name, params in col.config.params.vectors.items():
            if not indexable(params, col.config.effective_hnsw(name)):
                continue
            column = seg.dense[name]
            column.ensure_capacity(seg.size)
            offsets = np.flatnonzero(seg.alive[: seg.size] & column.present[: seg.size])
            work[name] = (column.float_rows(offsets), offsets)
        if not work:
            return None
        if seg is col.holder.appendable:
            with seg.lock.write():
                seg.sealed = True
            col.holder.replace([*col.holder.segments, col.new_segment()])
        seg.indexing = True
        col.optimizing += 1
        return seg, work


def _holding_values(seg: Segment, names: set[str]) -> set[str]:
    """The dense vectors among `names` of which sealed `seg` stores at least one row. A vector created
    after the segment was sealed has none and never gets any (a point whose vectors change moves to
    the appendable segment), so it needs neither a graph nor codes there."""
    return {n for n in names if n in seg.dense and bool(seg.dense[n].present[: seg.size].any())}


def _needs_reindex(col: Shard, seg: Segment) -> bool:
    indexable = _indexable_names(col)
    graphs = set(seg.hnsw)
    if graphs - indexable or _holding_values(seg, indexable - graphs):
        return True
    wanted, built = wanted_specs(col.config), built_specs(seg)
    unbuilt = {n for n in wanted if n not in built}
    if set(built) - set(wanted) or _holding_values(seg, unbuilt) \
            or any(built[n] != spec for n, spec in wanted.items() if n in built):
        return True
    for name, index in seg.hnsw.items():
        want = col.config.effective_hnsw(name)
        if (index.config.m, index.config.ef_construct) != (want.m, want.ef_construct):
            return True
    return False


def plan_rebuild(col: Shard) -> tuple[list[Segment], str] | None:
    """Which sealed segments to rebuild next, and why: re-index, vacuum, or merge."""
    with col.holder.writer:
        return _plan(col)


def _plan(col: Shard) -> tuple[list[Segment], str] | None:
    """The rebuild plan over one read of the segment tuple (the caller decides on locking)."""
    sealed = [s for s in col.holder.segments[:-1] if s.sealed and not s.indexing and (s.hnsw or not _indexable_names(col))]
    for seg in sealed:
        if seg.hnsw and _needs_reindex(col, seg):
            return [seg], "reindex"
    oc = col.config.optimizer_config
    for seg in sealed:
        deleted = seg.size - len(seg)
        if seg.size >= oc.vacuum_min_vector_number and deleted > oc.deleted_threshold * seg.size:
            return [seg], "vacuum"
    target = oc.default_segment_number or max(2, os.cpu_count() or 2)
    if len(sealed) > target:
        # One merge of the smallest segments brings the count down to the target, so a merged
        # point is rewritten once (pairwise merges rewrote the same points again and again);
        # `max_segment_size` bounds it, and at least the two smallest are merged.
        by_size = sorted(sealed, key=len)
        limit = (oc.max_segment_size or 0) * 1024
        chosen = by_size[:2]
        if limit and sum(s.vector_bytes() for s in chosen) > limit:
            return None
        for seg in by_size[2:len(sealed) - target + 1]:
            if limit and sum(s.vector_bytes() for s in chosen) + seg.vector_bytes() > limit:
                break
            chosen.append(seg)
        return chosen, "merge"
    return None


def awaiting_index(col: Shard, seg: Segment) -> bool:
    """True for a segment the optimizer is indexing or will index (sealed without its graphs, or an
    appendable one past `indexing_threshold`): its sealed base will be written soon, so a periodic
    flush may leave it to the WAL instead of writing its vectors as records first."""
    if seg.indexing:  # also once its graphs are attached: the base is written right after
        return True
    if not _indexable_names(col) or seg.hnsw:
        return False
    if seg.sealed:
        return True
    threshold_kb = col.config.optimizer_config.indexing_threshold or 0
    return threshold_kb > 0 and seg is col.holder.appendable and seg.vector_bytes() >= threshold_kb * 1024


def pending(col: Shard) -> bool:
    """Work the optimizer would start now (collection status `grey` until it does). Takes no lock:
    status polling must never wait for the writer (it may be writing a segment's files); the
    answer is over one tuple of segments and at worst a moment old."""
    return _pick(col) is not None or _plan(col) is not None


def optimize_shard(col: Shard, threads: int = 0, batch_ingest: bool = False) -> bool:
    """One optimization step; True when something was done. `threads` for graph building: 0 means
    the collection's `hnsw_config.max_indexing_threads`, whose 0 means every core (as Qdrant).
    `batch_ingest`: the background worker's policy for a streaming ingest (see `_pick`); direct
    callers seal a full appendable segment at once."""
    threads = threads or col.config.hnsw_config.max_indexing_threads or os.cpu_count() or 1
    sealed = _seal(col, batch_ingest)
    if sealed is None:
        plan = plan_rebuild(col)
        if plan is None:
            return False
        with tracked(col, plan[1], plan[0]):
            rebuild(col, plan[0], plan[1], threads)
        return True
    seg, work = sealed
    started = time.perf_counter()
    with tracked(col, "index", [seg]):
        _index_sealed(col, seg, work, threads)
    log.info("segment indexed", extra={"collection": col.name, "points": int(len(seg)),
                                       "seconds": round(time.perf_counter() - started, 3)})
    return True


def _index_sealed(col: Shard, seg: Segment, work: dict[str, tuple[np.ndarray, np.ndarray]], threads: int) -> None:
    """Build the graphs of a just-sealed segment without locks, then attach them as the writer."""
    try:
        built: dict[str, HnswIndex] = {}
        for name, (vectors, offsets) in work.items():
            params = col.config.params.vectors[name]
            index = HnswIndex(params.distance, params.size, col.config.effective_hnsw(name), params.storage_type)
            index.build(vectors, offsets, threads)
            built[name] = index
        quantized = quantize_segment(col.config, seg)
        with col.holder.writer, seg.lock.write():
            for name, index in built.items():
                offsets = work[name][1]
                for offset in offsets[~seg.alive[offsets]]:
                    index.mark_deleted(int(offset))
            # a vector deleted during the build has no column any more: its graph and codes go too
            seg.hnsw = {name: index for name, index in built.items() if name in seg.dense}
            seg.quantized = {name: codes for name, codes in quantized.items() if name in seg.dense}
        if col.persistence is not None:  # durable as soon as it is in use: base files, then the manifest
            col.persistence.write_segment(seg, visible=True)
            col.persistence.commit()
    finally:
        with col.holder.writer:
            col.optimizing -= 1
            seg.indexing = False


def queued(col: Shard) -> list[tuple[str, list[Segment]]]:
    """An estimate of the queue, as Qdrant's: the next step of each kind the optimizer would take
    (Qdrant optimizer names), over one read of the segment tuple, without a lock (as `pending`)."""
    out: list[tuple[str, list[Segment]]] = []
    seg = _pick(col)
    if seg is not None:
        out.append((OPTIMIZER_NAMES["index"], [seg]))
    plan = _plan(col)
    if plan is not None:
        out.append((OPTIMIZER_NAMES[plan[1]], plan[0]))
    return out
