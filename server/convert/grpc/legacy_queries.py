"""The deprecated gRPC RPCs Qdrant still serves — Recommend*, Discover*, SearchGroups — converted to
the engine requests of the query API (as `server/convert/legacy_queries.py` does for REST)."""

from __future__ import annotations

from typing import Any

from engine.types.requests import (
    ContextPair,
    ContextQuery,
    DiscoverQuery,
    GroupsRequest,
    NearestQuery,
    Query,
    QueryRequest,
    RecommendQuery,
    VectorInput,
    validated,
)
from server.convert.grpc.filters import filter_from_pb
from server.convert.grpc.queries import _opt, search_params_from_pb
from server.convert.grpc.query_api import (
    _group_by,
    _group_size,
    _strategy,
    has,
    lookup_from_pb,
    with_lookup_from_pb,
)
from server.convert.grpc.values import (
    GrpcInputError,
    dense,
    invalid,
    point_id_from_pb,
    sparse_from_pb,
    vector_from_pb,
    with_payload_from_pb,
    with_vectors_from_pb,
)


def _limit(request: Any) -> int:
    if request.limit < 1:
        raise invalid(f"limit: value {request.limit} invalid, must be 1 or larger")
    return int(request.limit)


def _request(request: Any, query: Query, using: str, offset: int = 0) -> QueryRequest:
    return validated(QueryRequest(
        query=query, using=using, filter=filter_from_pb(request.filter, request.HasField("filter")),
        params=search_params_from_pb(request.params, request.HasField("params")), limit=_limit(request),
        offset=offset, score_threshold=request.score_threshold if has(request, "score_threshold") else None,
        lookup_from=lookup_from_pb(request.lookup_from, True) if has(request, "lookup_from") else None,
        with_payload=with_payload_from_pb(request.with_payload, request.HasField("with_payload"), False),
        with_vector=with_vectors_from_pb(request.with_vectors, request.HasField("with_vectors")),
    ))


def _vector(v: Any) -> VectorInput:
    """A `Vector` message used as an example (any kind)."""
    return VectorInput(vector=vector_from_pb(v))


def _recommend_query(request: Any) -> RecommendQuery:
    positive = [VectorInput(point_id=point_id_from_pb(p)) for p in request.positive]
    positive += [_vector(v) for v in request.positive_vectors]
    negative = [VectorInput(point_id=point_id_from_pb(p)) for p in request.negative]
    negative += [_vector(v) for v in request.negative_vectors]
    return RecommendQuery(positive, negative, _strategy(request))


def recommend_from_pb(request: Any) -> QueryRequest:
    return _request(request, _recommend_query(request), _opt(request, "using", ""), int(_opt(request, "offset", 0)))


def recommend_groups_from_pb(request: Any) -> GroupsRequest:
    return GroupsRequest(query=_request(request, _recommend_query(request), _opt(request, "using", "")),
                         group_by=_group_by(request), group_size=_group_size(request, 1),
                         with_lookup=with_lookup_from_pb(request.with_lookup, request.HasField("with_lookup")))


def _example(e: Any) -> VectorInput:
    match e.WhichOneof("example"):
        case "id":
            return VectorInput(point_id=point_id_from_pb(e.id))
        case "vector":
            return _vector(e.vector)
    raise GrpcInputError("empty VectorExample: set `id` or `vector`")


def discover_from_pb(request: Any) -> QueryRequest:
    pairs = [ContextPair(_example(p.positive), _example(p.negative)) for p in request.context]
    has_target = request.HasField("target") and request.target.HasField("single")
    query: Query = DiscoverQuery(_example(request.target.single), pairs) if has_target else ContextQuery(pairs)
    return _request(request, query, _opt(request, "using", ""), int(_opt(request, "offset", 0)))


def search_groups_from_pb(request: Any) -> GroupsRequest:
    vector = sparse_from_pb(request.sparse_indices.data, request.vector) if request.HasField("sparse_indices") \
        else dense(request.vector)
    query = NearestQuery(vector=vector)
    return GroupsRequest(query=_request(request, query, _opt(request, "vector_name", "")),
                         group_by=_group_by(request), group_size=_group_size(request, 1),
                         with_lookup=with_lookup_from_pb(request.with_lookup, request.HasField("with_lookup")))
