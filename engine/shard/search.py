"""Nearest-neighbour search over a collection's segments: build the per-segment query (ef, full-scan
threshold), let each segment's planner answer, merge top-k across segments, then fetch payloads and
vectors of the winners only.

Three kinds of vector space share these primitives: dense (HNSW or exact), multivector (exact
max_sim) and sparse (inverted index; `modifier: idf` weights the query by IDF computed at query
time over the collection or the request's IDF corpus, engine/shard/idf.py). `QueryVector` says
which: a 1-D array, a 2-D array, a SparseVector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import distance as dist
from engine.deadline import Deadline
from engine.filters import CompiledFilter
from engine.payload_select import select_payload
from engine.point_id import PointId
from engine.segment import Segment
from engine.segment.kinds_search import search_multi, search_sparse
from engine.segment.multi_column import MultiColumn
from engine.segment.quantized_search import quantized_for, search_quantized
from engine.segment.search import SegmentQuery, search_segment
from engine.segment.sparse_column import SparseColumn
from engine.segment.vector_column import VectorColumn
from engine.shard.holder import ShardView
from engine.shard.idf import idf_weighted
from engine.shard.validate import check_query_vector
from engine.types.config import CollectionConfig, Datatype, Distance
from engine.types.filters import Filter
from engine.types.points import (
    PayloadSelector,
    Record,
    ScoredPoint,
    SparseVector,
    VectorSelector,
    VectorValue,
)
from engine.types.requests import SearchParams


def vector_names(selector: VectorSelector, seg: Segment) -> list[str] | None:
    """Which stored vectors `with_vector` asks for: all, none (None), or these names."""
    if selector is True:
        return list(seg.columns)
    if selector is False:
        return None
    return list(selector)


Hit = tuple[float, Segment, int]
"""(score, segment, offset): a scored point before its payload and vectors are fetched."""

QueryVector = VectorValue
"""A query in the space of one named vector: dense (1-D float32), multivector (2-D, one row per
vector; a 1-D query against a multivector space is a one-row matrix) or SparseVector."""


def higher_is_better(col: ShardView, using: str) -> bool:
    """Order of scores in the space of vector `using` (similarities descend, distances ascend;
    sparse scores are dot products)."""
    if col.config.params.sparse(using) is not None:
        return True
    return dist.higher_is_better(col.config.params.vectors[using].distance)


def stored_vector(col: ShardView, pid: PointId, using: str) -> QueryVector | None:
    """The stored vector `using` of point `pid` (as stored, i.e. preprocessed), or None."""
    found = col.locate(pid)
    if found is None or using not in found[0].columns:
        return None
    return found[0].columns[using].get(found[1])


def nearest(col: ShardView, using: str, vector: QueryVector, flt: Filter | CompiledFilter | None, k: int,
            params: SearchParams | None = None, threshold: float | None = None,
            exclude: list[PointId] | None = None, checked: bool = False,
            deadline: Deadline | None = None) -> list[Hit]:
    """The best `k` points for `vector` in the space of `using`, best first, across all segments.
    Points without vector `using` are never returned. The caller holds the view's read locks.

    `flt` may come compiled (the query planner compiles each level's filter once); `checked` says
    the caller already ran `check_query_vector` on `vector` (the resolver does, for every input).
    `deadline` is checked before each segment (a `timeout` stops the work, not only the answer)."""
    parts, higher = nearest_parts(col, using, vector, flt, k, params, threshold, exclude, checked, deadline)
    return merge_top(parts, k, higher)


def nearest_parts(col: ShardView, using: str, vector: QueryVector, flt: Filter | CompiledFilter | None, k: int,
                  params: SearchParams | None = None, threshold: float | None = None,
                  exclude: list[PointId] | None = None, checked: bool = False,
                  deadline: Deadline | None = None) -> tuple[list[Part], bool]:
    """`nearest` before the merge: each segment's best `k` (best first) and whether higher scores
    are better. A caller with a single non-empty part can page it as arrays (no `Hit` tuples)."""
    params = params or SearchParams()
    query = vector if checked else check_query_vector(col.config.params, using, vector)
    compiled = flt if isinstance(flt, CompiledFilter) or flt is None else col.compile(flt)
    if isinstance(query, SparseVector):
        weighted = idf_weighted(col, using, query, params.idf_corpus, deadline)
        parts = []
        for seg in col.segments:
            _check(deadline)
            excluded = seg.offsets_for_ids(exclude) if exclude else _NO_OFFSETS
            parts.append((*search_sparse(seg, using, weighted, k, compiled, excluded, threshold), seg))
        return parts, True
    if col.config.params.is_multi(using):
        vp = col.config.params.vectors[using]
        prepared = dist.prepare_query(vp.distance, vp.storage_type, query)
        parts = []
        for seg in col.segments:
            _check(deadline)
            excluded = seg.offsets_for_ids(exclude) if exclude else _NO_OFFSETS
            parts.append((*search_multi(seg, using, prepared, vp.distance, k, compiled, excluded, threshold), seg))
        return parts, dist.higher_is_better(vp.distance)
    return _nearest_dense(col, using, query, compiled, k, params, threshold, exclude, deadline)


def _check(deadline: Deadline | None) -> None:
    if deadline is not None:
        deadline.check()


Part = tuple[np.ndarray, np.ndarray, Segment]
"""(scores, offsets, segment): one segment's answer, best first."""


def merge_top(parts: list[Part], k: int, higher: bool) -> list[Hit]:
    """The best `k` of the segments' answers, best first (ties keep segment order, as a stable
    sort of all hits would): one numpy selection over the concatenated scores, and Python objects
    only for the winners. A single non-empty part is already in order."""
    parts = [p for p in parts if p[0].size]
    if not parts:
        return []
    if len(parts) == 1:
        scores, offsets, seg = parts[0]
        if scores.shape[0] > k:
            scores, offsets = scores[:k], offsets[:k]
        return [(s, seg, o) for s, o in zip(scores.tolist(), offsets.tolist(), strict=True)]
    scores = np.concatenate([p[0] for p in parts]).astype(np.float64, copy=False)
    offsets = np.concatenate([p[1] for p in parts])
    owner = np.repeat(np.arange(len(parts)), [p[0].size for p in parts])
    best = np.argsort(-scores if higher else scores, kind="stable")[:k]  # at most k per segment: small
    segs = [p[2] for p in parts]
    return [(s, segs[i], o) for s, i, o in zip(scores[best].tolist(), owner[best].tolist(),
                                               offsets[best].tolist(), strict=True)]


@dataclass(frozen=True, slots=True)
class _DensePlan:
    """What a dense search of one vector space needs from the config, worked out once per config."""

    distance: Distance
    datatype: Datatype
    ef: int
    full_scan_vectors: int
    indexing_bytes: int
    higher: bool


_PLANS: dict[tuple[int, str], tuple[CollectionConfig, _DensePlan]] = {}


def _dense_plan(config: CollectionConfig, using: str) -> _DensePlan:
    """The plan of `using` under `config`, cached by the config object's identity (configs are
    replaced, never mutated: a changed config is a new object and gets a new plan)."""
    entry = _PLANS.get((id(config), using))
    if entry is not None and entry[0] is config:
        return entry[1]
    vp = config.params.vectors[using]
    hnsw = config.effective_hnsw(using) if vp.hnsw_config else config.hnsw_config
    plan = _DensePlan(distance=vp.distance, datatype=vp.storage_type, ef=hnsw.ef_construct,
                      full_scan_vectors=hnsw.full_scan_threshold * 1024 // (vp.size * 4),
                      indexing_bytes=(config.optimizer_config.indexing_threshold or 0) * 1024,
                      higher=dist.higher_is_better(vp.distance))
    if len(_PLANS) >= 256:
        _PLANS.clear()
    _PLANS[(id(config), using)] = (config, plan)
    return plan


def _nearest_dense(col: ShardView, using: str, vector: np.ndarray, compiled: CompiledFilter | None, k: int,
                   params: SearchParams, threshold: float | None, exclude: list[PointId] | None,
                   deadline: Deadline | None) -> tuple[list[Part], bool]:
    plan = _dense_plan(col.config, using)
    q = SegmentQuery(
        vector_name=using, vector=dist.prepare_query(plan.distance, plan.datatype, vector), distance=plan.distance,
        k=k, params=params, ef=params.hnsw_ef or plan.ef, threshold=threshold,
        full_scan_vectors=plan.full_scan_vectors,
    )
    parts: list[Part] = []
    for seg in col.segments:
        if not len(seg):
            continue  # e.g. the fresh appendable segment right after a seal
        if deadline is not None:
            deadline.check()
        if params.indexed_only and not seg.hnsw and seg.vector_bytes() > plan.indexing_bytes:
            continue  # a large segment still waiting for its index
        excluded = seg.offsets_for_ids(exclude) if exclude else _NO_OFFSETS
        quantized = quantized_for(seg, q) if seg.quantized else None
        if quantized is not None:
            scores, offsets = search_quantized(seg, quantized, q, compiled, excluded)
        else:
            scores, offsets = search_segment(seg, q, compiled, excluded)
        parts.append((scores, offsets, seg))
    return parts, plan.higher


def score_points(col: ShardView, using: str, vector: QueryVector, points: list[tuple[Segment, int]],
                 idf_corpus: Filter | CompiledFilter | None = None) -> np.ndarray:
    """Exact scores of the given points for `vector` in the space of `using` — for rescoring
    prefetched candidates. NaN where a point has no such vector, and (sparse) where it shares no
    index with the query: such points are not candidates (as local mode)."""
    by_segment: dict[int, tuple[Segment, list[int], list[int]]] = {}
    for i, (seg, offset) in enumerate(points):
        entry = by_segment.setdefault(id(seg), (seg, [], []))
        entry[1].append(i)
        entry[2].append(offset)
    groups = [(seg, np.asarray(offsets, dtype=np.int64)) for seg, _, offsets in by_segment.values()]
    out = np.full(len(points), np.nan, dtype=np.float32)
    positions = [np.asarray(pos, dtype=np.int64) for _, pos, _ in by_segment.values()]
    if groups:
        out[np.concatenate(positions)] = score_groups(col, using, vector, groups, idf_corpus)
    return out


def score_groups(col: ShardView, using: str, vector: QueryVector,
                 groups: list[tuple[Segment, np.ndarray]],
                 idf_corpus: Filter | CompiledFilter | None = None) -> np.ndarray:
    """Exact scores of many points given as (segment, offsets) groups, concatenated in group order:
    one numpy call per segment, no Python work per point. NaN as in `score_points`. A sparse query
    is IDF-weighted over `idf_corpus` (None: the whole collection)."""
    query = check_query_vector(col.config.params, using, vector)
    total = sum(int(offsets.shape[0]) for _, offsets in groups)
    out = np.full(total, np.nan, dtype=np.float32)
    if isinstance(query, SparseVector):
        query = idf_weighted(col, using, query, idf_corpus)
    elif using in col.config.params.vectors:
        vp = col.config.params.vectors[using]
        query = dist.prepare_query(vp.distance, vp.storage_type, query)
    start = 0
    for seg, offsets in groups:
        end = start + int(offsets.shape[0])
        column = seg.columns.get(using)
        if column is not None and offsets.size:
            column.ensure_capacity(seg.size)
            have = column.present[offsets]
            pos = np.arange(start, end)[have]
            match column, query:
                case SparseColumn(), SparseVector():
                    out[pos] = column.score(offsets[have], query)
                case (VectorColumn() | MultiColumn()), np.ndarray():
                    out[pos] = column.score(offsets[have], query)
        start = end
    return out


def to_record(seg: Segment, offset: int, with_payload: PayloadSelector, with_vector: VectorSelector) -> Record:
    """One point with the payload and vectors a request asked for."""
    names = vector_names(with_vector, seg)
    return Record(id=seg.point_id(offset), payload=select_payload(seg.payload_at(offset), with_payload),
                  vectors=None if names is None else seg.vectors_at(offset, names))


def to_scored(hits: list[Hit], with_payload: PayloadSelector, with_vector: VectorSelector) -> list[ScoredPoint]:
    """Fetch payloads and vectors of the winners only."""
    out = []
    payload = with_payload.enabled
    for score, seg, offset in hits:
        names = vector_names(with_vector, seg)
        out.append(ScoredPoint(
            id=seg.point_id(offset), version=seg.version_at(offset), score=score,
            payload=select_payload(seg.payload_at(offset), with_payload) if payload else None,
            vectors=None if names is None else seg.vectors_at(offset, names)))
    return out


_NO_OFFSETS = np.empty(0, dtype=np.int64)
