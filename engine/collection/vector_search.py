"""Nearest-neighbour search over a collection's segments: build the per-segment query (ef, full-scan
threshold), let each segment's planner answer, merge top-k across segments, then fetch payloads and
vectors of the winners only."""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.collection.collection import Collection
from engine.payload_select import select_payload
from engine.point_id import PointId
from engine.segment import Segment
from engine.segment.search import SegmentQuery, search_segment
from engine.types.config import Distance
from engine.types.filters import Filter
from engine.types.points import PayloadSelector, ScoredPoint, VectorSelector
from engine.types.requests import QueryRequest, SearchParams


def _vector_names(selector: VectorSelector, seg: Segment) -> list[str] | None:
    if selector is True:
        return list(seg.columns)
    if selector is False:
        return None
    return list(selector)


Hit = tuple[float, Segment, int]
"""(score, segment, offset): a scored point before its payload and vectors are fetched."""

QueryVector = np.ndarray
"""A query in the space of one named vector (dense: 1-D float32). Sparse and multivectors extend this."""


def higher_is_better(col: Collection, using: str) -> bool:
    """Order of scores in the space of vector `using` (similarities descend, distances ascend)."""
    return dist.higher_is_better(col.config.params.vectors[using].distance)


def stored_vector(col: Collection, pid: PointId, using: str) -> QueryVector | None:
    """The stored vector `using` of point `pid` (as stored, i.e. preprocessed), or None."""
    found = col.locate(pid)
    if found is None or using not in found[0].columns:
        return None
    return found[0].columns[using].get(found[1])


def nearest(col: Collection, using: str, vector: QueryVector, flt: Filter | None, k: int,
            params: SearchParams | None = None, threshold: float | None = None,
            exclude: list[PointId] | None = None) -> list[Hit]:
    """The best `k` points for `vector` in the space of `using`, best first, across all segments.
    Caller holds no lock requirement: takes the collection lock itself (re-entrant)."""
    params = params or SearchParams()
    space = col.config.params.vectors[using].distance
    query_vec = dist.preprocess(space, np.asarray(vector, dtype=np.float32))
    hnsw = col.config.effective_hnsw(using)
    dim = col.config.params.vectors[using].size
    q = SegmentQuery(
        vector_name=using, vector=query_vec, distance=space, k=k, params=params,
        ef=params.hnsw_ef or hnsw.ef_construct, threshold=threshold,
        full_scan_vectors=hnsw.full_scan_threshold * 1024 // (dim * 4),
    )
    threshold_bytes = (col.config.optimizer_config.indexing_threshold or 0) * 1024
    found: list[Hit] = []
    with col.lock:
        compiled = col.compile(flt)
        for seg in col.segments:
            if params.indexed_only and not seg.hnsw and seg.vector_bytes() > threshold_bytes:
                continue  # a large segment still waiting for its index
            excluded = seg.offsets_for_ids(exclude) if exclude else _NO_OFFSETS
            scores, offsets = search_segment(seg, q, compiled, excluded)
            found.extend((float(s), seg, int(o)) for s, o in zip(scores, offsets, strict=True))
    higher = dist.higher_is_better(space)
    found.sort(key=lambda t: -t[0] if higher else t[0])
    return found[:k]


def score_points(col: Collection, using: str, vector: QueryVector, points: list[tuple[Segment, int]]) -> np.ndarray:
    """Exact scores of the given points for `vector` in the space of `using` (NaN where a point has
    no such vector) — for rescoring prefetched candidates."""
    space = col.config.params.vectors[using].distance
    query_vec = dist.preprocess(space, np.asarray(vector, dtype=np.float32))
    out = np.full(len(points), np.nan, dtype=np.float32)
    with col.lock:
        for i, (seg, offset) in enumerate(points):
            stored = seg.columns[using].get(offset) if using in seg.columns else None
            if stored is not None:
                out[i] = dist.score(space, stored[None, :], query_vec)[0]
    return out


def to_scored(hits: list[Hit], with_payload: PayloadSelector, with_vector: VectorSelector) -> list[ScoredPoint]:
    """Fetch payloads and vectors of the winners only."""
    out = []
    for score, seg, offset in hits:
        names = _vector_names(with_vector, seg)
        out.append(ScoredPoint(
            id=seg.point_id(offset), version=seg.version_at(offset), score=score,
            payload=select_payload(seg.payload_at(offset), with_payload),
            vectors=None if names is None else seg.vectors_at(offset, names),
        ))
    return out


def search_vector(col: Collection, req: QueryRequest, vector: np.ndarray, space: Distance,
                  exclude: list[PointId]) -> list[ScoredPoint]:
    """`points/query` with a nearest query: top `limit` after `offset`."""
    hits = nearest(col, req.using, vector, req.filter, req.limit + req.offset, req.params,
                   req.score_threshold, exclude)
    return to_scored(hits[req.offset:], req.with_payload, req.with_vector)


_NO_OFFSETS = np.empty(0, dtype=np.int64)
