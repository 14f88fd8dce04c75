"""Turn a request tree into stages whose vector inputs are vectors: ids are looked up in the
collection (or `lookup_from`), mentioned ids of the searched collection are excluded, and the
inputs are checked before anything is searched.

Lookups in another collection (`lookup_from`) read it under its own read locks; readers never
block each other, and no writer holds locks of two collections, so lookups cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from engine.errors import BadRequest, NotFound
from engine.point_id import PointId
from engine.query.candidates import exclude_ids
from engine.shard.holder import ShardView
from engine.shard.idf import uses_idf
from engine.shard.search import QueryVector, stored_vector
from engine.shard.shard import Shard
from engine.shard.validate import check_query_vector, check_vector_name
from engine.types.filters import Filter
from engine.types.requests import (
    ContextPair,
    ContextQuery,
    DiscoverQuery,
    FeedbackItem,
    LookupLocation,
    NearestQuery,
    Prefetch,
    Query,
    QueryRequest,
    RecommendQuery,
    RecommendStrategy,
    RelevanceFeedbackQuery,
    SampleQuery,
    SearchParams,
    VectorInput,
)

Collections = Callable[[str], Shard]
"""Finds another collection by name (for `lookup_from` and `with_lookup`); raises NotFound."""

MAX_PREFETCH_DEPTH = 64


@dataclass(slots=True)
class Stage:
    """One level of the query tree with resolved vectors. `filter` is this level's own filter plus
    the exclusion of its mentioned ids; the parent's filter is merged in when it runs."""

    query: Query | None
    using: str
    filter: Filter | None
    params: SearchParams
    score_threshold: float | None
    limit: int
    prefetch: list[Stage] = field(default_factory=list)


class _Resolver:
    def __init__(self, col: ShardView, using: str, lookup_from: LookupLocation | None,
                 collections: Collections) -> None:
        self.col = col
        self.using = using
        self.lookup_from = lookup_from
        self.collections = collections
        self.mentioned: list[PointId] = []

    def _source(self) -> tuple[Shard | None, str]:
        """The shard to look ids up in (None: the searched one) and the vector name there."""
        if self.lookup_from is None:
            return None, self.using
        try:
            source = self.collections(self.lookup_from.collection)
        except NotFound:  # Qdrant's text here (lib/collection/src/common/fetch_vectors.rs)
            raise NotFound(f"Collection {self.lookup_from.collection} not found") from None
        name = self.using if self.lookup_from.vector is None else self.lookup_from.vector
        check_vector_name(source.config.params, name)
        return source, name

    def vector(self, example: VectorInput) -> VectorInput:
        check_vector_name(self.col.config.params, self.using)
        if example.point_id is None:
            if example.vector is None:
                raise BadRequest("empty vector input")
            return VectorInput(vector=check_query_vector(self.col.config.params, self.using, example.vector))
        pid = example.point_id
        source, name = self._source()
        if source is None or source.name == self.col.name:
            found, exists = _lookup(self.col, pid, name)
        else:
            with source.reading() as view:
                found, exists = _lookup(view, pid, name)
        if found is None and exists:
            raise NotFound(f"Vector of point {pid} is not found")
        if found is None:
            raise NotFound(f"No point with id {pid} found")
        if source is None or source.name == self.col.name:
            self.mentioned.append(pid)
            return VectorInput(vector=found)
        return VectorInput(vector=check_query_vector(self.col.config.params, self.using, found))

    def pair(self, pair: ContextPair) -> ContextPair:
        return ContextPair(self.vector(pair.positive), self.vector(pair.negative))

    def query(self, query: Query | None) -> Query | None:
        match query:
            case NearestQuery():
                resolved = self.vector(query.input)
                return NearestQuery(vector=resolved.vector, mmr=query.mmr)
            case RecommendQuery(positive=positive, negative=negative, strategy=strategy):
                if strategy is RecommendStrategy.AVERAGE_VECTOR and not positive:
                    raise BadRequest("At least one positive vector ID required with this strategy")
                if not positive and not negative:
                    raise BadRequest("At least one positive or negative vector ID required with this strategy")
                return RecommendQuery([self.vector(v) for v in positive], [self.vector(v) for v in negative],
                                      strategy)
            case DiscoverQuery(target=target, context=context):
                return DiscoverQuery(self.vector(target), [self.pair(p) for p in context])
            case ContextQuery(context=context):
                return ContextQuery([self.pair(p) for p in context])
            case RelevanceFeedbackQuery(target=target, feedback=feedback):
                return replace(query, target=self.vector(target),
                               feedback=[FeedbackItem(self.vector(f.example), f.score) for f in feedback])
        return query


def _lookup(view: ShardView, pid: PointId, name: str) -> tuple[QueryVector | None, bool]:
    """The stored vector `name` of `pid` (or None) and whether the point exists at all."""
    return stored_vector(view, pid, name), view.locate(pid) is not None


def _stage(col: ShardView, node: QueryRequest | Prefetch, collections: Collections, depth: int,
           root_offset: int) -> Stage:
    if depth > MAX_PREFETCH_DEPTH:
        raise BadRequest(f"prefetches depth {depth} exceeds max depth {MAX_PREFETCH_DEPTH}")
    resolver = _Resolver(col, node.using, node.lookup_from, collections)
    query = resolver.query(node.query)
    if _vector_search(query):
        check_search_params(col, node.using, node.params)
    # only the root's limit grows by its offset; a prefetch keeps its own limit (Qdrant's planner:
    # lib/shard/src/query/planned_query.rs `add` adjusts the root limit, recurse_prefetches does not)
    limit = node.limit + root_offset
    return Stage(query=query, using=node.using, filter=exclude_ids(node.filter, resolver.mentioned),
                 params=node.params, score_threshold=node.score_threshold, limit=limit,
                 prefetch=[_stage(col, p, collections, depth + 1, 0) for p in node.prefetch])


def check_search_params(col: ShardView, using: str, params: SearchParams) -> None:
    """`params` of a vector search of `using` that the collection cannot honour are refused."""
    if params.idf is not None and not uses_idf(col, using):
        # Qdrant (lib/shard/src/query/query_context.rs) refuses it rather than ignoring a scoring param
        raise BadRequest("Validation failed: search param `idf` requires a sparse vector with the `idf` modifier, "
                         f'which vector "{using}" is not')


def _vector_search(query: Query | None) -> bool:
    """A query Qdrant runs as a vector search (its `params` apply); fusion, formula, order_by and
    sample do not read `params`."""
    return isinstance(query, NearestQuery | RecommendQuery | DiscoverQuery | ContextQuery | RelevanceFeedbackQuery)


def root_offset(request: QueryRequest) -> int:
    """The offset the root pages with. A random sample without prefetches ignores it, as Qdrant
    (lib/collection/src/operations/universal_query/collection_query.rs: its order is not stable)."""
    if isinstance(request.query, SampleQuery) and not request.prefetch:
        return 0
    return request.offset


def resolve(col: ShardView, request: QueryRequest, collections: Collections) -> Stage:
    """The stage tree of `request` (the root's limit includes its offset)."""
    return _stage(col, request, collections, 1, root_offset(request))

