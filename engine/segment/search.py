"""Search inside one segment: the planner picks exact scoring or the HNSW graph.

- no index, `exact=true`, or a filter whose candidates fit under `full_scan_threshold` (KB of
  vectors): score the candidates exactly with numpy;
- otherwise ask the graph; with a filter, as hnswlib's per-node callback over a bitmask (the
  bytes of the mask: `bytes.__getitem__` is the cheapest callable hnswlib can call, ~25% less than a
  numpy bool lookup), with `ef` raised by 1/selectivity² (at most 4×) because a filtered beam sees
  fewer admissible nodes (bench.strategies at ef 64: recall 0.896 → 0.99 at 30% selectivity).
  Measured and rejected (a sweep over beam widths 64-768; the "whole beam" row of
  bench.strategies): keeping the matches of the whole unfiltered beam of a wider search instead of
  the callback. To reach the callback's recall the beam must be so wide that it is no cheaper
  (100k points, 30%: recall 0.979 at width 768 in 4.2 ms of CPU against the callback's 0.983 at
  ef 256 in 5.7 ms; at 50% the callback is cheaper outright). See the README's planner notes.
Winners are always re-scored exactly, so scores equal exact search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import distance as dist
from engine.filters import CompiledFilter
from engine.segment.segment import Segment
from engine.segment.vector_column import VectorColumn
from engine.types.config import Distance
from engine.types.requests import SearchParams


@dataclass(slots=True)
class SegmentQuery:
    vector_name: str
    vector: np.ndarray
    """Prepared for the column (`VectorColumn.prepare`: preprocessed, datatype applied)."""
    distance: Distance
    k: int
    params: SearchParams
    ef: int
    full_scan_vectors: int
    """Candidate count below which exact scoring is preferred."""
    threshold: float | None = None


def search_segment(seg: Segment, q: SegmentQuery, compiled: CompiledFilter | None,
                   exclude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, offsets) of the best `q.k` points of the segment, best first."""
    column = seg.dense[q.vector_name]
    index = None if q.params.exact else seg.hnsw.get(q.vector_name)
    if compiled is None and not exclude.size:
        if index is not None:
            labels = index.search(q.vector, q.k, q.ef)  # the hot path: no per-query work over the segment
            if labels is not None:
                return _rescored(column, labels, q)
        return _exact_live(column, seg.alive[: seg.size] & column.present[: seg.size], q)
    candidates = _candidates(seg, column, compiled, exclude)
    if index is None or candidates.size <= max(q.full_scan_vectors, q.k):
        return _exact(column, candidates, q)
    allowed = np.zeros(seg.size, dtype=bool)
    allowed[candidates] = True
    selectivity = candidates.size / max(len(seg), 1)
    ef = int(q.ef * min(4.0, 1.0 / max(selectivity, 1e-9) ** 2))
    labels = index.search(q.vector, q.k, ef, allowed=allowed.tobytes().__getitem__)  # type: ignore[arg-type]
    if labels is None:
        return _exact(column, candidates, q)
    return _exact(column, labels[allowed[labels]], q)


def _candidates(seg: Segment, column: VectorColumn, compiled: CompiledFilter | None,
                exclude: np.ndarray) -> np.ndarray:
    """Sorted offsets of live points with this vector that pass the filter and are not excluded.

    The filter runs without a live mask and its answer is trimmed afterwards, so a selective
    filter never pays for a pass over the whole segment (the postings are exact for every offset;
    dead offsets only cost where a clause has to scan, and are dropped here)."""
    size = seg.size
    found = np.arange(size, dtype=np.int64) if compiled is None else compiled.candidates(seg, None)
    if found.size:
        found = found[seg.alive[found] & column.present[found]]
    if exclude.size and found.size:
        gone = np.zeros(size, dtype=bool)
        gone[exclude[exclude < size]] = True
        found = found[~gone[found]]
    return found


def candidates_among(seg: Segment, live: np.ndarray, compiled: CompiledFilter | None) -> np.ndarray:
    """Sorted offsets set in the mask `live` that pass the filter (for callers that built a mask)."""
    if compiled is None:
        return np.flatnonzero(live)
    return compiled.candidates(seg, live)


def _rescored(column: VectorColumn, labels: np.ndarray, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    """The graph's `k` labels scored exactly and ordered by those scores (the graph's order can
    differ from numpy's in the last bit), then `threshold`: a handful of numpy calls, no copy of
    the beam beyond the winners."""
    scores = column.score(labels, q.vector)
    if q.threshold is not None:
        kept = np.flatnonzero(dist.passes_threshold(q.distance, scores, q.threshold))
        scores, labels = scores[kept], labels[kept]
    # the graph's order almost always holds: check it on a list (cheaper than numpy's calls on
    # ten values) and sort only when the exact scores disagree
    values = scores.tolist()
    higher = dist.higher_is_better(q.distance)
    if values == sorted(values, reverse=higher):
        return scores, labels
    order = np.argsort(-scores if higher else scores, kind="stable")
    return scores[order], labels[order]


DENSE_FRACTION = 0.25
"""Above this share of a segment's rows, scoring every row in place and picking the candidates'
scores beats gathering the candidate rows first (a gather copies each row before the product)."""


def _exact(column: VectorColumn, offsets: np.ndarray, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    if offsets.size == 0:
        return np.empty(0, dtype=np.float32), offsets
    size = int(offsets.max()) + 1
    if offsets.size >= DENSE_FRACTION * size:
        return _select(column.score_prefix(size, q.vector)[offsets], offsets, q)
    return _select(column.score(offsets, q.vector), offsets, q)


def _exact_live(column: VectorColumn, live: np.ndarray, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    """Every live row scored in place: one product over the contiguous prefix, no gather."""
    scores = column.score_prefix(live.shape[0], q.vector)
    if live.all():
        return _select(scores, None, q)
    offsets = np.flatnonzero(live)
    return _select(scores[offsets], offsets, q)


def _select(scores: np.ndarray, offsets: np.ndarray | None, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    """Threshold, then the best `q.k`; `offsets` None means scores[i] is offset i."""
    if q.threshold is not None:
        keep = dist.passes_threshold(q.distance, scores, q.threshold)
        kept = np.flatnonzero(keep)
        scores, offsets = scores[kept], kept if offsets is None else offsets[kept]
    best = dist.top_k(scores, q.k, dist.higher_is_better(q.distance))
    return scores[best], best.astype(np.int64) if offsets is None else offsets[best]
