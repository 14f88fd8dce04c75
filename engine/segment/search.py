"""Search inside one segment: the planner picks exact scoring or the HNSW graph.

- no index, `exact=true`, or a filter whose candidates fit under `full_scan_threshold` (KB of
  vectors): score the candidates exactly with numpy;
- otherwise ask the graph. With a filter, first over-fetch without it and keep the matches (cheap
  for broad filters); if that leaves too few, search the graph with the filter as a callback.
Winners are always re-scored exactly, so scores equal exact search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import distance as dist
from engine.filters import CompiledFilter
from engine.segment.hnsw_index import HnswIndex
from engine.segment.segment import Segment
from engine.types.config import Distance
from engine.types.requests import SearchParams


@dataclass(slots=True)
class SegmentQuery:
    vector_name: str
    vector: np.ndarray
    """Preprocessed for the distance."""
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
    column = seg.columns[q.vector_name]
    column.ensure_capacity(seg.size)
    index = seg.hnsw.get(q.vector_name)
    live = seg.alive[: seg.size] & column.present[: seg.size]
    if exclude.size:
        live[exclude] = False
    if index is None or q.params.exact:
        candidates = _candidates(seg, live, compiled)
        return _exact(column.data, candidates, q)
    if compiled is None and not exclude.size:
        labels = index.search(q.vector, q.k, q.ef)
        if labels is not None:
            return _rescore(column.data, labels, q)
        return _exact(column.data, np.flatnonzero(live), q)
    candidates = _candidates(seg, live, compiled)
    if candidates.size <= max(q.full_scan_vectors, q.k):
        return _exact(column.data, candidates, q)
    allowed = np.zeros(seg.size, dtype=bool)
    allowed[candidates] = True
    labels = _over_fetch(index, q=q, allowed=allowed, selectivity=candidates.size / seg.size)
    if labels is None:
        labels = index.search(q.vector, q.k, q.ef, allowed=allowed.__getitem__)
    if labels is None:
        return _exact(column.data, candidates, q)
    return _rescore(column.data, labels[allowed[labels]], q)


def _candidates(seg: Segment, live: np.ndarray, compiled: CompiledFilter | None) -> np.ndarray:
    offsets = np.flatnonzero(live)
    if compiled is None or offsets.size == 0:
        return offsets
    return offsets[compiled.mask(seg, offsets)[offsets]]


def _over_fetch(index: HnswIndex, q: SegmentQuery, allowed: np.ndarray, selectivity: float) -> np.ndarray | None:
    """Unfiltered graph search for k/selectivity×2 labels; enough of them matching is an answer."""
    if selectivity < 0.05:
        return None
    want = int(q.k / selectivity * 2) + 1
    labels = index.search(q.vector, want, max(q.ef, want))
    if labels is None:
        return None
    hits = labels[allowed[labels]]
    return hits[: q.k] if hits.size >= q.k else None


def _exact(data: np.ndarray, offsets: np.ndarray, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    if offsets.size == 0:
        return np.empty(0, dtype=np.float32), offsets
    return _select(dist.score(q.distance, data[offsets], q.vector), offsets, q)


def _rescore(data: np.ndarray, labels: np.ndarray, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    if labels.size == 0:
        return np.empty(0, dtype=np.float32), labels
    return _select(dist.score(q.distance, data[labels], q.vector), labels, q)


def _select(scores: np.ndarray, offsets: np.ndarray, q: SegmentQuery) -> tuple[np.ndarray, np.ndarray]:
    if q.threshold is not None:
        keep = dist.passes_threshold(q.distance, scores, q.threshold)
        scores, offsets = scores[keep], offsets[keep]
    best = dist.top_k(scores, q.k, dist.higher_is_better(q.distance))
    return scores[best], offsets[best]
