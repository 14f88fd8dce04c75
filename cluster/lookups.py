"""Point ids used as query inputs, turned into vectors before a query is fanned out.

A shard can only look up the points it holds, so the node that answers a query first fetches the
vectors of every id the query mentions (recommend examples, discover targets and context pairs,
nearest-by-id, relevance feedback examples) from the whole collection, or from `lookup_from`'s
collection, as Qdrant's collection does before it asks its shards. The ids mentioned from the
searched collection itself are then excluded at the level that mentions them (`must_not has_id`),
the same rule the engine's resolver applies on one node.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from engine.errors import NotFound
from engine.point_id import PointId
from engine.query.candidates import exclude_ids
from engine.shard.validate import check_vector_name
from engine.types.config import CollectionParams
from engine.types.points import Record, VectorSelector
from engine.types.requests import (
    ContextPair,
    ContextQuery,
    DiscoverQuery,
    FeedbackItem,
    NearestQuery,
    Prefetch,
    Query,
    QueryRequest,
    RecommendQuery,
    RelevanceFeedbackQuery,
    VectorInput,
)

Retrieve = Callable[[str, list[PointId], VectorSelector], Awaitable[list[Record]]]
"""Fetches records (with the selected vectors) of a collection across the cluster."""
Params = Callable[[str], CollectionParams]


def _inputs(query: Query | None) -> list[VectorInput]:
    match query:
        case NearestQuery():
            return [query.input]
        case RecommendQuery(positive=positive, negative=negative):
            return [*positive, *negative]
        case DiscoverQuery(target=target, context=context):
            return [target, *(v for p in context for v in (p.positive, p.negative))]
        case ContextQuery(context=context):
            return [v for p in context for v in (p.positive, p.negative)]
        case RelevanceFeedbackQuery(target=target, feedback=feedback):
            return [target, *(f.example for f in feedback)]
    return []


@dataclass(slots=True)
class _Level:
    """The vectors found for the ids of one query level."""

    vectors: dict[PointId, Any] = field(default_factory=dict)
    mentioned: list[PointId] = field(default_factory=list)

    def vector(self, example: VectorInput) -> VectorInput:
        if example.point_id is None:
            return example
        return VectorInput(vector=self.vectors[example.point_id])


def _substitute(query: Query | None, level: _Level) -> Query | None:
    match query:
        case NearestQuery(point_id=pid) if pid is not None:
            return NearestQuery(vector=level.vectors[pid], mmr=query.mmr)
        case RecommendQuery(positive=positive, negative=negative):
            return replace(query, positive=[level.vector(v) for v in positive],
                           negative=[level.vector(v) for v in negative])
        case DiscoverQuery(target=target, context=context):
            return DiscoverQuery(level.vector(target),
                                 [ContextPair(level.vector(p.positive), level.vector(p.negative)) for p in context])
        case ContextQuery(context=context):
            return ContextQuery([ContextPair(level.vector(p.positive), level.vector(p.negative)) for p in context])
        case RelevanceFeedbackQuery(target=target, feedback=feedback):
            return replace(query, target=level.vector(target),
                           feedback=[FeedbackItem(level.vector(f.example), f.score) for f in feedback])
    return query


async def _level(collection: str, node: QueryRequest | Prefetch, retrieve: Retrieve, params: Params) -> _Level:
    ids = list(dict.fromkeys(v.point_id for v in _inputs(node.query) if v.point_id is not None))
    level = _Level()
    if not ids:
        return level
    check_vector_name(params(collection), node.using)
    source, name = collection, node.using
    if node.lookup_from is not None:
        source = node.lookup_from.collection
        name = node.using if node.lookup_from.vector is None else node.lookup_from.vector
        try:
            check_vector_name(params(source), name)
        except NotFound:
            raise NotFound(f"Collection {source} not found") from None
    records = {r.id: r for r in await retrieve(source, ids, [name])}
    for pid in ids:
        record = records.get(pid)
        if record is None:
            raise NotFound(f"No point with id {pid} found")
        if record.vectors is None or name not in record.vectors:
            raise NotFound(f"Vector of point {pid} is not found")
        level.vectors[pid] = record.vectors[name]
    if source == collection:
        level.mentioned = ids
    return level


async def _prefetch(collection: str, node: Prefetch, retrieve: Retrieve, params: Params) -> Prefetch:
    level = await _level(collection, node, retrieve, params)
    return replace(node, query=_substitute(node.query, level), filter=exclude_ids(node.filter, level.mentioned),
                   lookup_from=None if level.vectors else node.lookup_from,
                   prefetch=[await _prefetch(collection, p, retrieve, params) for p in node.prefetch])


async def resolve_ids(collection: str, request: QueryRequest, retrieve: Retrieve, params: Params) -> QueryRequest:
    """`request` with every id input replaced by its vector (NotFound as the engine words it)."""
    level = await _level(collection, request, retrieve, params)
    return replace(request, query=_substitute(request.query, level),
                   filter=exclude_ids(request.filter, level.mentioned),
                   lookup_from=None if level.vectors else request.lookup_from,
                   prefetch=[await _prefetch(collection, p, retrieve, params) for p in request.prefetch])
