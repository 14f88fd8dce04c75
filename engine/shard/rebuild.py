"""Rebuilding sealed segments: merge several into one, vacuum deleted points, re-index after a
config change — all one mechanism.

1. As the shard's writer: mark the sources busy and copy their live points (ids, versions,
   vectors, payload references).
2. Without the lock: bulk-load a new segment, build its payload indexes and HNSW graphs. Readers
   keep searching the sources; writers keep writing (sealed segments only ever see deletes,
   in-place payload changes and points moving out to the appendable segment).
3. As the writer again: replay what changed meanwhile (points gone from a source are deleted from the
   new segment, newer payloads are copied) and swap the new segment in for the sources.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np

from engine.persistence import test_hooks
from engine.point_id import PointId
from engine.segment import Segment
from engine.segment.column_image import ColumnImage
from engine.segment.hnsw_index import HnswIndex, indexable
from engine.shard.quantize import quantize_segment
from engine.shard.shard import Shard
from engine.types.points import Payload

log = logging.getLogger("quiver.optimizer")


@dataclass(slots=True)
class _Copied:
    source: Segment
    offsets: np.ndarray
    versions: np.ndarray


def _capture(col: Shard, sources: list[Segment]) -> tuple[list[_Copied], list[PointId], np.ndarray,
                                                                 dict[str, ColumnImage], list[Payload | None]]:
    copied: list[_Copied] = []
    ids: list[PointId] = []
    payloads: list[Payload | None] = []
    images: dict[str, list[ColumnImage]] = {}
    for seg in sources:
        offsets = np.flatnonzero(seg.alive[: seg.size])
        versions = seg.ids.versions[offsets].copy()
        copied.append(_Copied(seg, offsets, versions))
        ids.extend(seg.ids.point_ids(offsets.tolist()))
        payloads.extend(seg.payloads[int(o)] for o in offsets)
        for name, column in seg.columns.items():
            images.setdefault(name, []).append(column.image(offsets))
    vectors = {name: ColumnImage.concat(parts) for name, parts in images.items()}
    all_versions = np.concatenate([c.versions for c in copied]) if copied else np.empty(0, np.uint64)
    return copied, ids, all_versions, vectors, payloads


def rebuild(col: Shard, sources: list[Segment], reason: str, threads: int = 1) -> Segment:
    """Replace `sources` (sealed segments of `col`) by one new indexed segment of their live points."""
    started = time.perf_counter()
    with col.holder.writer:
        if any(seg is col.holder.appendable or not seg.sealed for seg in sources):
            raise RuntimeError("only sealed segments can be rebuilt")
        for seg in sources:
            seg.indexing = True
        col.optimizing += 1
        copied, ids, versions, vectors, payloads = _capture(col, sources)
        schema = dict(col.payload_schema)
        config = col.config
    try:
        test_hooks.pause("merge")
        new = Segment(config.params.vectors, config.params.sparse_vectors)
        for key, s in schema.items():
            new.create_index(key, s)
        new.bulk_insert(ids, versions, vectors, payloads)
        new.sealed = True
        for name, params in config.params.vectors.items():
            hnsw = config.effective_hnsw(name)
            if not indexable(params, hnsw):
                continue
            offsets = np.flatnonzero(new.dense[name].present[: new.size])
            index = HnswIndex(params.distance, params.size, hnsw, params.storage_type)
            index.build(new.dense[name].float_rows(offsets), offsets, threads)
            new.hnsw[name] = index
        new.quantized = quantize_segment(config, new)
        if col.persistence is not None:  # written once, before anyone can see it; listed by the commit below
            col.persistence.write_segment(new, visible=False)
        with col.holder.writer:
            _reconcile(col, new, copied)
            _match_vector_spaces(col, new)
            segments = col.holder.segments
            position = min(segments.index(s) for s in sources)
            kept = [s for s in segments if all(s is not src for src in sources)]
            kept.insert(min(position, len(kept) - 1), new)
            col.holder.replace(kept)  # readers holding the old tuple finish on the sources
        if col.persistence is not None:
            col.persistence.commit()  # the swap is durable: a restart finds `new`, not its sources
    finally:
        with col.holder.writer:
            col.optimizing -= 1
            for seg in sources:
                seg.indexing = False
    log.info("segments rebuilt", extra={"collection": col.name, "reason": reason, "sources": len(sources),
                                        "points": len(new), "seconds": round(time.perf_counter() - started, 3)})
    return new


def _match_vector_spaces(col: Shard, new: Segment) -> None:
    """Vector spaces created or deleted while `new` was built (lock held): it gets the same columns as
    the segments it joins. Its files, written before, keep the old set; loading follows the config."""
    params = col.config.params
    for name in [n for n in new.columns if n not in params.vectors and params.sparse(n) is None]:
        new.drop_vector(name)
    for name, dense in params.vectors.items():
        new.add_vector(name, dense, None)
    for name, sparse in (params.sparse_vectors or {}).items():
        new.add_vector(name, None, sparse)


def _reconcile(col: Shard, new: Segment, copied: list[_Copied]) -> None:
    """Apply to `new` what happened to the sources while it was being built (lock held)."""
    for c in copied:
        seg = c.source
        gone = ~seg.alive[c.offsets]
        changed = seg.ids.versions[c.offsets] != c.versions
        for offset in c.offsets[gone | changed]:
            pid = seg.ids.point_id(int(offset))
            target = new.offset_of(pid)
            if target is None:
                continue
            if not seg.alive[offset] or seg.offset_of(pid) != offset:
                new.delete(pid)
            else:
                new.set_payload(target, seg.version_at(int(offset)), seg.payload_at(int(offset)))
