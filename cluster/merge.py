"""Merging the answers of a collection's shards (and of several replicas of one shard) into the
answer one collection would give. Pure functions over engine result types; no I/O.

- Replicas of one shard (`consistency`) are resolved as Qdrant's `Resolver`: an item counts when
  an equal item is in enough of the answers (all of them, or a majority), counts take the minimum
  (all) or the median (majority).
- Shards are merged by the order of the request: scores in the space's order (similarities
  descending, distances ascending, custom objectives and fusions descending), `order_by` values,
  point ids (integers before UUIDs), or random for `sample`; then the root's offset and limit.
- A root fusion (RRF/DBSF) fuses the shards' merged prefetch answers, as Qdrant's collection does
  ("intermediate results"); every other query is ranked in full by each shard and merged by score.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import Any, TypeVar

import numpy as np

from engine import distance as dist
from engine.point_id import PointId, id_sort_key
from engine.query import fusion, resolve
from engine.query.candidates import merge_filters
from engine.types.config import CollectionParams
from engine.types.points import FacetHit, PointGroup, Record, ScoredPoint, ScrollPage
from engine.types.requests import (
    Direction,
    Fusion,
    FusionQuery,
    NearestQuery,
    OrderBy,
    QueryRequest,
    RecommendQuery,
    RecommendStrategy,
    SampleQuery,
)

T = TypeVar("T", Record, ScoredPoint)


class Consistency(enum.Enum):
    """How the answers of several replicas of one shard are resolved (Qdrant's ResolveCondition)."""

    ALL = "all"
    MAJORITY = "majority"

    def needed(self, answers: int) -> int:
        return answers if self is Consistency.ALL else answers // 2 + 1


class Order(enum.Enum):
    SCORE_DESC = "score_desc"
    SCORE_ASC = "score_asc"
    VALUE_ASC = "value_asc"
    VALUE_DESC = "value_desc"
    ID = "id"
    RANDOM = "random"


# ---- replicas of one shard -------------------------------------------------------------------
def _equal_values(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.array_equal(a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal_values(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal_values(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _same_item(a: Record | ScoredPoint, b: Record | ScoredPoint) -> bool:
    """Qdrant's record_eq / scored_point_eq: an absent payload equals an empty one."""
    if isinstance(a, ScoredPoint) and isinstance(b, ScoredPoint) and a.score != b.score:
        return False
    return (a.id == b.id and a.order_value == b.order_value and _equal_values(a.vectors, b.vectors)
            and _equal_values(a.payload or {}, b.payload or {}))


def resolve_items(answers: Sequence[list[T]], condition: Consistency) -> list[T]:
    """Items that enough replicas agree on, in the order of the first answer that has them."""
    if len(answers) == 1:
        return list(answers[0])
    needed = condition.needed(len(answers))
    variants: dict[PointId, list[tuple[T, int]]] = {}
    for answer in answers:
        for item in answer:
            known = variants.setdefault(item.id, [])
            for i, (seen, votes) in enumerate(known):
                if _same_item(seen, item):
                    known[i] = (seen, votes + 1)
                    break
            else:
                known.append((item, 1))
    accepted = {pid: item for pid, known in variants.items() for item, votes in known if votes >= needed}
    out: list[T] = []
    for answer in answers:
        for item in answer:
            if accepted.get(item.id) is item:
                out.append(item)
                del accepted[item.id]
    return out


def resolve_count(counts: Sequence[int], condition: Consistency) -> int:
    if condition is Consistency.ALL:
        return min(counts, default=0)
    ordered = sorted(counts)
    return ordered[len(ordered) // 2] if ordered else 0


def resolve_facet(answers: Sequence[list[FacetHit]], condition: Consistency) -> list[FacetHit]:
    """Values enough replicas report, each with the resolved count."""
    if len(answers) == 1:
        return list(answers[0])
    counts: dict[Hashable, list[int]] = {}
    values: dict[Hashable, Any] = {}
    for answer in answers:
        for hit in answer:
            key = _facet_key(hit.value)
            counts.setdefault(key, []).append(hit.count)
            values.setdefault(key, hit.value)
    needed = condition.needed(len(answers))
    return [FacetHit(value=values[key], count=resolve_count(n, condition))
            for key, n in counts.items() if len(n) >= needed]


# ---- shards ----------------------------------------------------------------------------------
def query_order(request: QueryRequest, params: CollectionParams) -> Order:
    """The order the shards' answers to `request` are merged in (the order its root ranks in)."""
    match request.query:
        case None:
            return Order.SCORE_DESC if request.prefetch else Order.ID
        case OrderBy(direction=direction):
            return Order.VALUE_DESC if direction is Direction.DESC else Order.VALUE_ASC
        case SampleQuery():
            return Order.RANDOM
        case NearestQuery() | RecommendQuery(strategy=RecommendStrategy.AVERAGE_VECTOR):
            return _space_order(params, request.using)
    return Order.SCORE_DESC  # custom objectives, fusion and formulas: bigger is better


def _space_order(params: CollectionParams, using: str) -> Order:
    if params.sparse(using) is not None or using not in params.vectors:
        return Order.SCORE_DESC  # sparse scores are dot products; an unknown name fails on the shard
    return Order.SCORE_DESC if dist.higher_is_better(params.vectors[using].distance) else Order.SCORE_ASC


def _rank_key(order: Order) -> Callable[[ScoredPoint], Any]:
    match order:
        case Order.SCORE_DESC:
            return lambda p: -p.score
        case Order.SCORE_ASC:
            return lambda p: p.score
        case Order.VALUE_ASC:
            return lambda p: p.order_value
        case Order.VALUE_DESC:
            return lambda p: -(p.order_value or 0)
        case _:
            return lambda p: id_sort_key(p.id)


def merge_scored(parts: Sequence[list[ScoredPoint]], order: Order, offset: int, limit: int) -> list[ScoredPoint]:
    """The shards' ranked answers as one ranking: `limit` points after the first `offset`.
    Ties keep the shards' order (a stable sort), so equal scores stay deterministic."""
    merged = [p for part in parts for p in part]
    if order is Order.RANDOM:
        random.shuffle(merged)  # each shard sampled uniformly; a shuffle keeps the union uniform
    else:
        merged.sort(key=_rank_key(order))
    return merged[offset: offset + limit]


def root_offset(request: QueryRequest) -> int:
    """The offset the merged ranking pages with (the engine's rule: a random sample without
    prefetches ignores it)."""
    return resolve.root_offset(request)


def shard_query(request: QueryRequest) -> QueryRequest:
    """What one shard ranks for `request`: its first offset + limit points (the offset applies to
    the merged ranking, not to each shard)."""
    return replace(request, offset=0, limit=root_offset(request) + request.limit)


def fusion_sources(request: QueryRequest) -> list[QueryRequest] | None:
    """A root fusion's prefetches as requests of their own (the root filter merged into each, their
    own limits: only the root's grows by its offset, as Qdrant's planner; the root's payload and
    vector selection), or None when the root is not a fusion and each shard ranks the whole request."""
    if not isinstance(request.query, FusionQuery) or not request.prefetch:
        return None
    return [QueryRequest(query=p.query, prefetch=p.prefetch, using=p.using, filter=merge_filters(request.filter,
                                                                                                   p.filter),
                         params=p.params, limit=p.limit, score_threshold=p.score_threshold,
                         with_payload=request.with_payload, with_vector=request.with_vector,
                         lookup_from=p.lookup_from)
            for p in request.prefetch]


def fuse(request: QueryRequest, sources: list[list[ScoredPoint]]) -> list[ScoredPoint]:
    """The root fusion over the merged prefetch answers, then the root's threshold, offset, limit."""
    query = request.query
    if not isinstance(query, FusionQuery):
        raise TypeError("fuse needs a fusion query")
    size = request.offset + request.limit
    if query.fusion is Fusion.RRF:
        fused = fusion.rrf(sources, size, query.k, query.weights)
    else:
        fused = fusion.dbsf(sources, size)
    if request.score_threshold is not None:
        fused = [p for p in fused if p.score >= request.score_threshold]
    return fused[request.offset: request.offset + request.limit]


def merge_retrieve(parts: Sequence[list[Record]], ids: Sequence[PointId]) -> list[Record]:
    """Found records in the order their ids were asked for (each once)."""
    found: dict[PointId, Record] = {}
    for part in parts:
        for record in part:
            found.setdefault(record.id, record)
    out: list[Record] = []
    for pid in ids:
        if pid in found:
            out.append(found.pop(pid))
    return out


def merge_scroll(pages: Sequence[ScrollPage], limit: int) -> ScrollPage:
    """Scroll by id: each shard answered its first `limit` points from the offset and the id after
    them; the merged page is the first `limit` overall, and the next offset the smallest id not shown."""
    merged = sorted((r for page in pages for r in page.points), key=lambda r: id_sort_key(r.id))
    rest = [r.id for r in merged[limit:]] + [p.next_page_offset for p in pages if p.next_page_offset is not None]
    next_offset = min(rest, key=id_sort_key) if rest else None
    return ScrollPage(points=merged[:limit], next_page_offset=next_offset)


def merge_scroll_ordered(pages: Sequence[ScrollPage], order_by: OrderBy, limit: int) -> ScrollPage:
    """Scroll by `order_by`: the first `limit` (value, point) pairs over all shards (no next offset:
    Qdrant pages these with `start_from`)."""
    desc = order_by.direction is Direction.DESC
    merged = [r for page in pages for r in page.points]
    merged.sort(key=lambda r: r.order_value if r.order_value is not None else 0, reverse=desc)
    return ScrollPage(points=merged[:limit], next_page_offset=None)


def merge_groups(parts: Sequence[list[PointGroup]], order: Order, limit: int, group_size: int) -> list[PointGroup]:
    """Groups of all shards by group id (an integer and a string id stay apart): each group's
    best `group_size` hits over all shards, groups ranked by their best hit, the first `limit`."""
    rank = _rank_key(order)
    groups: dict[tuple[bool, Any], list[ScoredPoint]] = {}
    ids: dict[tuple[bool, Any], Any] = {}
    for part in parts:
        for group in part:
            key = (type(group.id) is int, group.id)
            groups.setdefault(key, []).extend(group.hits)
            ids.setdefault(key, group.id)
    out: list[PointGroup] = []
    for key, hits in groups.items():
        hits.sort(key=rank)
        seen: set[PointId] = set()
        unique = []
        for hit in hits:  # a point in two shards' answers (never, unless replicas overlap) counts once
            if hit.id not in seen:
                seen.add(hit.id)
                unique.append(hit)
        if unique:
            out.append(PointGroup(id=ids[key], hits=unique[:group_size]))
    out.sort(key=lambda g: rank(g.hits[0]))
    return out[:limit]


def merge_facet(parts: Sequence[list[FacetHit]], limit: int) -> list[FacetHit]:
    """Exact per-shard counts summed per value, then the top `limit` (count descending, then value
    as the single-node facet orders them)."""
    counts: dict[tuple[int, Any], int] = {}
    for part in parts:
        for hit in part:
            key = _facet_key(hit.value)
            counts[key] = counts.get(key, 0) + hit.count
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [FacetHit(value=key[1], count=n) for key, n in ranked]


def _facet_key(value: Any) -> tuple[int, Any]:
    """Type tag first so that True and 1 stay distinct buckets (as engine/collection/reads.py)."""
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, int):
        return (1, value)
    return (2, value)
