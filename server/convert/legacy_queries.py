"""Pre-1.16 REST bodies Qdrant still serves, converted to the same engine requests as the query API:
`points/recommend` (+ batch, groups), `points/discover` (+ batch), `points/search/groups`."""

from __future__ import annotations

from typing import Any

from engine.types.requests import (
    ContextQuery,
    DiscoverQuery,
    GroupsRequest,
    NearestQuery,
    Query,
    QueryRequest,
    RecommendQuery,
    validated,
)
from server.convert.filters import filter_from_json
from server.convert.json_fields import (
    WITH_VECTORS,
    aliased,
    expect_object,
    format_error,
    in_model,
    opt_float,
    opt_int,
    opt_str,
    query_vector,
    req,
    with_payload,
    with_vector,
)
from server.convert.queries import SEARCH_ALIASES, search_params
from server.convert.query_api import _pairs, group_by, lookup_location, strategy, vector_input, with_lookup

RECOMMEND_ALIASES = SEARCH_ALIASES
DISCOVER_ALIASES = {"top": "limit"}  # Qdrant's discover request has no `with_vectors` alias


def _limit(obj: dict[str, Any]) -> int:
    limit = opt_int(obj, "limit", minimum=1)
    if limit is None:
        raise format_error("missing field `limit`")
    return limit


def _request(obj: dict[str, Any], query: Query, using: str, offset: int = 0, group: bool = False) -> QueryRequest:
    with in_model("group_request." if group else ""):
        limit = _limit(obj)
    return validated(QueryRequest(
        query=query, using=using, filter=filter_from_json(obj.get("filter")), params=search_params(obj.get("params")),
        limit=limit, offset=offset, score_threshold=opt_float(obj, "score_threshold"),
        with_payload=with_payload(obj.get("with_payload"), False), with_vector=with_vector(obj.get("with_vector")),
        lookup_from=lookup_location(obj.get("lookup_from")),
    ))


def _recommend_query(obj: dict[str, Any]) -> RecommendQuery:
    def examples(key: str) -> list[Any]:
        raw = obj.get(key) or []
        if not isinstance(raw, list):
            raise format_error(f"`{key}` must be a list")
        return [vector_input(v) for v in raw]

    return RecommendQuery(examples("positive"), examples("negative"), strategy(obj.get("strategy")))


def recommend_from_json(body: Any) -> QueryRequest:
    """RecommendRequest flattens RecommendRequestInternal as `recommend_request` (its field paths)."""
    with in_model("recommend_request."):
        obj = aliased(expect_object(body), RECOMMEND_ALIASES)
        return _request(obj, _recommend_query(obj), opt_str(obj, "using") or "",
                        opt_int(obj, "offset", default=0) or 0)


def discover_from_json(body: Any) -> QueryRequest:
    """DiscoverRequest flattens DiscoverRequestInternal as `discover_request`."""
    with in_model("discover_request."):
        obj = aliased(expect_object(body), DISCOVER_ALIASES)
        target = obj.get("target")
        pairs = _pairs(obj.get("context"))
        query: Query = ContextQuery(pairs) if target is None else DiscoverQuery(vector_input(target), pairs)
        return _request(obj, query, opt_str(obj, "using") or "", opt_int(obj, "offset", default=0) or 0)


def _groups(obj: dict[str, Any], request: QueryRequest) -> GroupsRequest:
    with in_model("group_request."):
        size = opt_int(obj, "group_size", minimum=1)
    if size is None:
        raise format_error("missing field `group_size`")
    return validated(GroupsRequest(query=request, group_by=group_by(obj), group_size=size,
                                   with_lookup=with_lookup(obj.get("with_lookup"))))


def recommend_groups_from_json(body: Any) -> GroupsRequest:
    """RecommendGroupsRequest flattens its request as `recommend_group_request` (limit and group_size
    in its flattened `group_request`)."""
    with in_model("recommend_group_request."):
        obj = aliased(expect_object(body), WITH_VECTORS)
        return _groups(obj, _request(obj, _recommend_query(obj), opt_str(obj, "using") or "", group=True))


def search_groups_from_json(body: Any) -> GroupsRequest:
    """`vector` is a list or {name, vector} (a NamedVectorStruct), as in `points/search`
    (SearchGroupsRequest: `search_group_request`, limit and group_size in its `group_request`)."""
    with in_model("search_group_request."):
        return _search_groups(body)


def _search_groups(body: Any) -> GroupsRequest:
    obj = aliased(expect_object(body), WITH_VECTORS)
    raw = req(obj, "vector")
    match raw:
        case list():
            using, vector = "", query_vector(raw)
        case {"name": str() as name, "vector": list() | dict() as values}:
            using, vector = name, query_vector(values)
        case _:
            raise format_error("invalid `vector`: expected a vector or {name, vector}")
    return _groups(obj, _request(obj, NearestQuery(vector=vector), using, group=True))
