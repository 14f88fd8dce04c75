"""Search inside one sealed segment through its quantized codes (Qdrant's two-stage search).

Used when the segment has codes for the vector and the request neither sets `exact` nor
`quantization.ignore` (as in Qdrant, `exact: true` scores the original vectors):

1. candidates: `top` = limit × `oversampling` (when > 1). Without a filter, the HNSW graph yields
   `top` labels (ef raised to at least `top`). hnswlib walks the graph on the original vectors (it
   cannot score codes), so here the codes only re-rank what the graph found. With a filter whose
   candidates fit under the full-scan threshold, or without a graph, every candidate is scored on
   its codes with numpy and the best `top` by quantized score are kept — the stage where the
   quantized scores decide. Larger filtered sets go through the graph with the filter as a bitmask.
2. `rescore` (default per method: binary and TurboQuant below 4 bits rescore, scalar, product and
   4-bit TurboQuant do not — Qdrant 1.19's defaults): the `top` candidates are scored exactly on the
   original vectors and the best `limit` returned, so their scores equal an exact search's. Without
   rescoring the quantized scores themselves are returned.
"""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.filters import CompiledFilter
from engine.quantization import Quantized
from engine.segment.search import SegmentQuery, _select, candidates_among
from engine.segment.segment import Segment
from engine.types.config import Datatype, Distance


def quantized_for(seg: Segment, q: SegmentQuery) -> Quantized | None:
    """The codes a search of `q` should use in `seg`, or None (none built, `exact`, or `ignore`)."""
    if q.params.exact or (q.params.quantization is not None and q.params.quantization.ignore):
        return None
    return seg.quantized.get(q.vector_name)


def oversampled(k: int, q: SegmentQuery) -> int:
    oversampling = q.params.quantization.oversampling if q.params.quantization is not None else None
    return int(oversampling * k) if oversampling is not None and oversampling > 1.0 else k


def rescores(quantized: Quantized, q: SegmentQuery) -> bool:
    asked = q.params.quantization.rescore if q.params.quantization is not None else None
    return quantized.spec.default_rescore if asked is None else asked


def scoring_query(seg: Segment, q: SegmentQuery) -> np.ndarray:
    """The query in the space the codes were built in (uint8 Cosine rows are coded unit-length)."""
    column = seg.dense[q.vector_name]
    if column.datatype is Datatype.UINT8 and q.distance is Distance.COSINE:
        return dist.preprocess(Distance.COSINE, q.vector)
    return q.vector


def search_quantized(seg: Segment, quantized: Quantized, q: SegmentQuery, compiled: CompiledFilter | None,
                     exclude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(scores, offsets) of the best `q.k` points of the segment, best first."""
    top = oversampled(q.k, q)
    index = seg.hnsw.get(q.vector_name)
    query = scoring_query(seg, q)
    column = seg.dense[q.vector_name]
    candidates: np.ndarray | None = None
    if index is not None and compiled is None and not exclude.size:
        candidates = index.search(q.vector, top, max(q.ef, top))
    if candidates is None:
        size = min(seg.size, quantized.count)
        live = seg.alive[:size] & column.present[:size]
        if exclude.size:
            live[exclude[exclude < size]] = False
        candidates = candidates_among(seg, live, compiled)
        if index is not None and compiled is not None and candidates.size > max(q.full_scan_vectors, top):
            allowed = np.zeros(seg.size, dtype=bool)
            allowed[candidates] = True
            selectivity = candidates.size / max(int(np.count_nonzero(live)), 1)
            ef = int(max(q.ef, top) * min(4.0, 1.0 / max(selectivity, 1e-9) ** 2))
            labels = index.search(q.vector, top, ef, allowed=allowed.__getitem__)
            if labels is not None:
                candidates = labels[allowed[labels]]
    if candidates.size == 0:
        return np.empty(0, dtype=np.float32), candidates.astype(np.int64)
    candidates = candidates.astype(np.int64, copy=False)
    approximate = quantized.score(query, candidates)
    higher = dist.higher_is_better(q.distance)
    if not rescores(quantized, q):
        return _select(approximate, candidates, q)
    kept = candidates[dist.top_k(approximate, top, higher)]
    return _select(column.score(kept, q.vector), kept, q)
