"""Exact search of one segment in a sparse or a multivector space.

Sparse: the inverted index yields exactly the points that share an index with the query, so only
those are filtered and ranked (points without overlap are never returned, as Qdrant). Multivector:
max_sim over the runs of the live candidates (exact; there is no HNSW for multivectors).
"""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.filters import CompiledFilter
from engine.segment.segment import Segment
from engine.types.config import Distance
from engine.types.points import SparseVector


def _filter(seg: Segment, offsets: np.ndarray, compiled: CompiledFilter | None, exclude: np.ndarray) -> np.ndarray:
    """Which of `offsets` are live, not excluded and match the filter (a bool mask over `offsets`)."""
    keep = seg.alive[offsets]
    if exclude.size:
        keep &= ~np.isin(offsets, exclude)
    if compiled is not None and offsets.size:
        chosen = offsets[keep]
        keep[keep] = compiled.mask(seg, chosen)[chosen]
    return keep


def _best(scores: np.ndarray, offsets: np.ndarray, k: int, higher: bool,
          threshold: float | None) -> tuple[np.ndarray, np.ndarray]:
    if threshold is not None:
        keep = scores >= threshold if higher else scores <= threshold
        scores, offsets = scores[keep], offsets[keep]
    best = dist.top_k(scores, k, higher)
    return scores[best], offsets[best]


def search_sparse(seg: Segment, name: str, query: SparseVector, k: int, compiled: CompiledFilter | None,
                  exclude: np.ndarray, threshold: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, offsets) of the best `k` points for a (weighted) sparse query, best first."""
    offsets, scores = seg.sparse[name].score_all(query, seg.size)
    keep = _filter(seg, offsets, compiled, exclude)
    return _best(scores[keep], offsets[keep], k, True, threshold)


def search_multi(seg: Segment, name: str, query: np.ndarray, distance: Distance, k: int,
                 compiled: CompiledFilter | None, exclude: np.ndarray,
                 threshold: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(scores, offsets) of the best `k` points for a prepared query matrix, best first."""
    column = seg.multi[name]
    column.ensure_capacity(seg.size)
    offsets = np.flatnonzero(column.present[: seg.size])
    offsets = offsets[_filter(seg, offsets, compiled, exclude)]
    return _best(column.score(offsets, query), offsets, k, dist.higher_is_better(distance), threshold)
