"""Run a query tree: leaves search the collection, inner levels merge their prefetches by fusion,
formula or rescoring with their own query; the root pages with `offset`.

Filters propagate from the root into every level (merged field-wise), mentioned example ids are
excluded at the level that mentions them, and the root's limit grows by its offset (a prefetch keeps
its own), as in Qdrant's planner.
"""

from __future__ import annotations

from dataclasses import replace

from engine.deadline import Deadline
from engine.errors import BadRequest
from engine.filters import CompiledFilter
from engine.query import formula, fusion, mmr, ordering
from engine.query.candidates import (
    Found,
    from_hits,
    hits_to_points,
    merge_filters,
    only_ids,
    part_to_points,
    to_points,
    union_ids,
)
from engine.query.resolve import Collections, Stage, check_search_params, resolve, root_offset
from engine.query.scorers import average_vector, search_custom
from engine.shard.holder import ShardView
from engine.shard.search import merge_top, nearest, nearest_parts
from engine.shard.validate import check_query_vector
from engine.types.filters import Filter
from engine.types.points import ScoredPoint
from engine.types.requests import (
    ContextQuery,
    DiscoverQuery,
    FormulaQuery,
    Fusion,
    FusionQuery,
    Mmr,
    NearestQuery,
    OrderBy,
    QueryRequest,
    RecommendQuery,
    RecommendStrategy,
    RelevanceFeedbackQuery,
    SampleQuery,
)


def query(col: ShardView, request: QueryRequest, collections: Collections,
          deadline: Deadline | None = None) -> list[ScoredPoint]:
    """`points/query`: the scored points of `request`, with payloads and vectors as selected.
    `deadline` (the request's `timeout`) is checked before every stage and between segments."""
    query = request.query
    if type(query) is NearestQuery and query.mmr is None and query.point_id is None \
            and query.vector is not None and not request.prefetch:
        return _plain_nearest(col, request, query.vector, deadline)
    stage = resolve(col, request, collections)
    found = run_stage(col, stage, None, deadline)
    return to_points(found[root_offset(request):], request.with_payload, request.with_vector)


def _plain_nearest(col: ShardView, request: QueryRequest, vector: object,
                   deadline: Deadline | None) -> list[ScoredPoint]:
    """The most common request, a nearest query by vector without prefetches, without building
    the stage tree: the same steps `resolve` and `run_stage` take for it (check the vector, search
    with the root's limit grown by its offset, page), with hits turned into points directly."""
    if deadline is not None:
        deadline.check()
    checked = check_query_vector(col.config.params, request.using, vector)  # type: ignore[arg-type]
    check_search_params(col, request.using, request.params)
    k = request.limit + request.offset
    parts, higher = nearest_parts(col, request.using, checked, col.compile(request.filter), k, request.params,
                                  request.score_threshold, checked=True, deadline=deadline)
    filled = [p for p in parts if p[0].shape[0]]
    if len(filled) == 1:  # one segment answers (a sealed collection): page its arrays as they are
        return part_to_points(filled[0], request.offset, k, request.with_payload, request.with_vector)
    hits = merge_top(filled, k, higher)
    return hits_to_points(hits[request.offset:] if request.offset else hits, request.with_payload,
                          request.with_vector)


def run_stage(col: ShardView, stage: Stage, parent: Filter | None, deadline: Deadline | None = None) -> list[Found]:
    if deadline is not None:
        deadline.check()
    flt = merge_filters(parent, stage.filter)
    if not stage.prefetch:
        return _leaf(col, stage, flt, deadline)
    if stage.query is None:
        raise BadRequest("cannot have prefetches without a query")
    sources = [run_stage(col, p, flt, deadline) for p in stage.prefetch]
    return _merge(col, stage, sources, flt, deadline)


def _merge(col: ShardView, stage: Stage, sources: list[list[Found]], flt: Filter | None,
           deadline: Deadline | None) -> list[Found]:
    match stage.query:
        case FusionQuery(fusion=Fusion.RRF, k=k, weights=weights):
            if weights is not None and len(weights) != len(sources):
                raise BadRequest(f"Number of RRF weights ({len(weights)}) must match the number of "
                                 f"prefetches ({len(sources)})")
            return _above(fusion.rrf(sources, stage.limit, k, weights), stage.score_threshold)
        case FusionQuery(fusion=Fusion.DBSF):
            return _above(fusion.dbsf(sources, stage.limit), stage.score_threshold)
        case FormulaQuery():
            return formula.rescore(col, stage.query, sources, stage.limit, stage.score_threshold)
    ids = union_ids(sources)
    if not ids:
        return []
    return _leaf(col, stage, only_ids(flt, ids), deadline)


def _above(found: list[Found], threshold: float | None) -> list[Found]:
    return found if threshold is None else [f for f in found if f.score >= threshold]


def _leaf(col: ShardView, stage: Stage, flt: Filter | None, deadline: Deadline | None = None) -> list[Found]:
    """One search of the collection for a resolved query (vectors, no ids)."""
    compiled = col.compile(flt)
    match stage.query:
        case None:
            return [Found(pid, 1.0, seg, offset) for pid, seg, offset in ordering.by_id(col, compiled, stage.limit)
                    ][: stage.limit]
        case OrderBy():
            return ordering.ordered(col, compiled, stage.query, stage.limit)
        case SampleQuery():
            return ordering.sample(col, compiled, stage.limit)
        case FusionQuery():
            raise BadRequest("cannot apply Fusion without prefetches")
        case FormulaQuery():
            raise BadRequest("cannot apply Formula without prefetches")
        case NearestQuery(vector=vector, mmr=rerank):
            # the resolver checked the vector (or read it from storage): no second check
            if rerank is None:
                return _nearest(col, stage, vector, compiled, checked=True, deadline=deadline)
            return _mmr(col, stage, vector, compiled, rerank, deadline)
        case RecommendQuery(positive=positive, negative=negative, strategy=RecommendStrategy.AVERAGE_VECTOR):
            return _nearest(col, stage, average_vector([v.vector for v in positive], [v.vector for v in negative]),
                            compiled, deadline=deadline)
        case RecommendQuery() | DiscoverQuery() | ContextQuery() | RelevanceFeedbackQuery():
            return search_custom(col, stage.using, stage.query, flt, stage.limit, stage.score_threshold,
                                 stage.params.idf_corpus)


def _nearest(col: ShardView, stage: Stage, vector: object, compiled: CompiledFilter | None,
             checked: bool = False, deadline: Deadline | None = None) -> list[Found]:
    hits = nearest(col, stage.using, vector, compiled, stage.limit, stage.params, stage.score_threshold,  # type: ignore[arg-type]
                   checked=checked, deadline=deadline)
    return from_hits(hits)


def _mmr(col: ShardView, stage: Stage, vector: object, compiled: CompiledFilter | None, rerank: Mmr,
         deadline: Deadline | None) -> list[Found]:
    """MMR over the `candidates_limit` nearest points (default: this stage's limit)."""
    pool_size = stage.limit if rerank.candidates_limit is None else rerank.candidates_limit
    pool = _nearest(col, replace(stage, limit=pool_size), vector, compiled, checked=True, deadline=deadline)
    return mmr.rerank(col, stage.using, vector, pool, rerank.diversity, stage.limit)


def with_limit(stage: Stage, limit: int) -> Stage:
    """The same tree with every level's limit set to `limit` (grouping needs all candidates)."""
    return replace(stage, limit=limit, prefetch=[with_limit(p, limit) for p in stage.prefetch])
