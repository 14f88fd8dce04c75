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
from engine.types.points import ScoredPoint, VectorSelector
from engine.types.requests import QueryRequest


def _vector_names(selector: VectorSelector, seg: Segment) -> list[str] | None:
    if selector is True:
        return list(seg.columns)
    if selector is False:
        return None
    return list(selector)


def search_vector(col: Collection, req: QueryRequest, vector: np.ndarray, space: Distance,
                  exclude: list[PointId]) -> list[ScoredPoint]:
    query_vec = dist.preprocess(space, np.asarray(vector, dtype=np.float32))
    compiled = col.compile(req.filter)
    need = req.limit + req.offset
    hnsw = col.config.effective_hnsw(req.using)
    dim = col.config.params.vectors[req.using].size
    q = SegmentQuery(
        vector_name=req.using, vector=query_vec, distance=space, k=need, params=req.params,
        ef=req.params.hnsw_ef or hnsw.ef_construct, threshold=req.score_threshold,
        full_scan_vectors=hnsw.full_scan_threshold * 1024 // (dim * 4),
    )
    threshold_bytes = (col.config.optimizer_config.indexing_threshold or 0) * 1024
    found: list[tuple[float, Segment, int]] = []
    for seg in col.segments:
        if req.params.indexed_only and not seg.hnsw and seg.vector_bytes() > threshold_bytes:
            continue  # a large segment still waiting for its index
        excluded = seg.offsets_for_ids(exclude) if exclude else _NO_OFFSETS
        scores, offsets = search_segment(seg, q, compiled, excluded)
        found.extend((float(s), seg, int(o)) for s, o in zip(scores, offsets, strict=True))
    higher = dist.higher_is_better(space)
    found.sort(key=lambda t: -t[0] if higher else t[0])
    out = []
    for score, seg, offset in found[req.offset:need]:
        names = _vector_names(req.with_vector, seg)
        out.append(ScoredPoint(
            id=seg.point_id(offset), version=seg.version_at(offset), score=score,
            payload=select_payload(seg.payload_at(offset), req.with_payload),
            vectors=None if names is None else seg.vectors_at(offset, names),
        ))
    return out


_NO_OFFSETS = np.empty(0, dtype=np.int64)
