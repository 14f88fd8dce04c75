"""REST bodies of the universal query API → engine requests: `points/query` (+ batch, groups), the
prefetch tree and every query variant, and `points/search/matrix/*`.

Defaults (limit 10, group_size 3, payload off, matrix sample 10 / limit 3) are decided here, once
for REST; the same engine types are built from protobuf in `server/convert/grpc/query_api.py`.
"""

from __future__ import annotations

from typing import Any

from engine.errors import BadRequest
from engine.types.requests import (
    DEFAULT_GROUP_SIZE,
    DEFAULT_MATRIX_LIMIT,
    DEFAULT_MATRIX_SAMPLE,
    ContextPair,
    ContextQuery,
    DiscoverQuery,
    FeedbackItem,
    FormulaQuery,
    Fusion,
    FusionQuery,
    GroupsRequest,
    LookupLocation,
    MatrixRequest,
    Mmr,
    NearestQuery,
    Prefetch,
    Query,
    QueryRequest,
    RecommendQuery,
    RecommendStrategy,
    RelevanceFeedbackQuery,
    SampleQuery,
    VectorInput,
    WithLookup,
    check_feedback_b,
    validated,
)
from server.convert.filters import filter_from_json
from server.convert.formula import expression
from server.convert.json_fields import (
    WITH_VECTORS,
    aliased,
    dense_vector,
    expect_object,
    format_error,
    in_model,
    opt_float,
    opt_int,
    opt_limit,
    opt_str,
    point_id,
    query_vector,
    req,
    with_payload,
    with_vector,
)
from server.convert.queries import order_by, search_params

INFERENCE_KEYS = ("text", "image", "object")


def vector_input(raw: Any) -> VectorInput:
    """A vector, or a point id whose stored vector is used."""
    match raw:
        case bool():
            raise format_error("invalid vector input")
        case int() | str():
            return VectorInput(point_id=point_id(raw))
        case list() | {"indices": _, "values": _}:
            return VectorInput(vector=query_vector(raw))
        case dict() if any(k in raw for k in INFERENCE_KEYS):
            raise BadRequest("inference (Document, Image, InferenceObject) is not supported by this server: "
                             "send vectors")
    raise format_error("invalid vector input: expected a vector or a point id")


def _examples(raw: Any, what: str) -> list[VectorInput]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise format_error(f"`{what}` must be a list")
    return [vector_input(v) for v in raw]


def _pairs(raw: Any) -> list[ContextPair]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        obj = expect_object(item, "context pair")
        out.append(ContextPair(vector_input(req(obj, "positive")), vector_input(req(obj, "negative"))))
    return out


def strategy(raw: Any) -> RecommendStrategy:
    if raw is None:
        return RecommendStrategy.AVERAGE_VECTOR
    try:
        return RecommendStrategy(raw)
    except ValueError:
        raise format_error(f"unknown variant `{raw}`, expected one of `average_vector`, `best_score`, "
                           "`sum_scores`") from None


def _fusion(raw: Any) -> FusionQuery:
    try:
        return FusionQuery(Fusion(raw))
    except ValueError:
        raise format_error(f"unknown variant `{raw}`, expected `rrf` or `dbsf`") from None


def _rrf(raw: Any) -> FusionQuery:
    obj = expect_object(raw if raw is not None else {}, "rrf")
    weights = obj.get("weights")
    if weights is not None and (not isinstance(weights, list) or not all(
            isinstance(w, int | float) and not isinstance(w, bool) for w in weights)):
        raise format_error("`rrf.weights` must be a list of numbers")
    return FusionQuery(Fusion.RRF, k=opt_int(obj, "k", minimum=1),
                       weights=None if weights is None else [float(w) for w in weights])


def _mmr(raw: Any) -> Mmr | None:
    if raw is None:
        return None
    obj = expect_object(raw, "mmr")
    return Mmr(diversity=opt_float(obj, "diversity"), candidates_limit=opt_int(obj, "candidates_limit", minimum=0))


def _number(obj: dict[str, Any], key: str) -> float:
    value = opt_float(obj, key)
    if value is None:
        raise format_error(f"missing field `{key}`")
    return value


def _feedback(obj: dict[str, Any]) -> RelevanceFeedbackQuery:
    """`relevance_feedback`: target, feedback items (example + score) and the `naive` strategy."""
    items = req(obj, "feedback")
    if not isinstance(items, list):
        raise format_error("invalid type: expected `feedback` to be a list")
    feedback = []
    for raw_item in items:
        item = expect_object(raw_item, "feedback item")
        feedback.append(FeedbackItem(vector_input(req(item, "example")), _number(item, "score")))
    strategy = expect_object(req(obj, "strategy"), "strategy")
    if "naive" not in strategy:
        raise format_error("unknown variant, expected `naive`")
    naive = expect_object(strategy["naive"], "naive")
    b = _number(naive, "b")
    check_feedback_b(b)
    return RelevanceFeedbackQuery(target=vector_input(req(obj, "target")), feedback=feedback,
                                  a=_number(naive, "a"), b=b, c=_number(naive, "c"))


def query_interface(raw: Any) -> Query | None:
    """`query`: a bare vector input (nearest) or one of the tagged query variants."""
    match raw:
        case None:
            return None
        case {"nearest": inner, **rest}:
            found = vector_input(inner)
            return NearestQuery(vector=found.vector, point_id=found.point_id, mmr=_mmr(rest.get("mmr")))
        case {"recommend": inner}:
            obj = expect_object(inner, "recommend")
            return RecommendQuery(_examples(obj.get("positive"), "positive"),
                                  _examples(obj.get("negative"), "negative"), strategy(obj.get("strategy")))
        case {"discover": inner}:
            obj = expect_object(inner, "discover")
            return DiscoverQuery(vector_input(req(obj, "target")), _pairs(obj.get("context")))
        case {"context": inner}:
            return ContextQuery(_pairs(inner))
        case {"order_by": inner}:
            ordering = order_by(inner)
            if ordering is None:
                raise format_error("invalid `order_by`")
            return ordering
        case {"fusion": inner}:
            return _fusion(inner)
        case {"rrf": inner}:
            return _rrf(inner)
        case {"formula": inner, **rest}:
            defaults = rest.get("defaults") or {}
            return FormulaQuery(expression(inner), dict(expect_object(defaults, "defaults")))
        case {"sample": inner}:
            if inner != "random":
                raise format_error(f"unknown variant `{inner}`, expected `random`")
            return SampleQuery()
        case {"relevance_feedback": inner}:
            return _feedback(expect_object(inner, "relevance_feedback"))
    found = vector_input(raw)
    return NearestQuery(vector=found.vector, point_id=found.point_id)


def lookup_location(raw: Any) -> LookupLocation | None:
    if raw is None:
        return None
    obj = expect_object(raw, "lookup_from")
    collection = opt_str(obj, "collection")
    if not collection:
        raise format_error("missing field `collection`")
    return LookupLocation(collection=collection, vector=opt_str(obj, "vector"))


def _prefetches(raw: Any) -> list[Prefetch]:
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for i, p in enumerate(items):
        with in_model(f"prefetch[{i}]."):
            out.append(prefetch(p))
    return out


def prefetch(raw: Any) -> Prefetch:
    obj = expect_object(raw, "prefetch")
    return Prefetch(
        prefetch=_prefetches(obj.get("prefetch")), query=query_interface(obj.get("query")),
        using=opt_str(obj, "using") or "", filter=filter_from_json(obj.get("filter")),
        params=search_params(obj.get("params")), score_threshold=opt_float(obj, "score_threshold"),
        limit=opt_limit(obj), lookup_from=lookup_location(obj.get("lookup_from")),
    )


_PLAIN_FIELDS = frozenset({"query", "limit", "with_payload", "with_vector"})
"""The fields of the commonest body, a plain nearest search (`{"query": [...], "limit": 10}`)."""


def query_from_json(body: Any) -> QueryRequest:
    """`points/query` (Qdrant's QueryRequest flattens QueryRequestInternal as `internal`)."""
    with in_model("internal."):
        if type(body) is dict and body.keys() <= _PLAIN_FIELDS:
            raw = body.get("query")
            if type(raw) is list and raw and type(raw[0]) is not list:
                return validated(_plain_nearest(body, raw))
        obj = aliased(expect_object(body if body is not None else {}), WITH_VECTORS)
        return validated(_query(obj, limit=opt_limit(obj), offset=opt_int(obj, "offset", default=0) or 0))


def _plain_nearest(obj: dict[str, Any], vector: list[Any]) -> QueryRequest:
    """What `_query` makes of a body holding only `_PLAIN_FIELDS` with a dense vector as `query`
    (the same readers for the fields it has, the defaults for the rest), without the walk through
    every field and query variant: this runs for most searches."""
    limit = opt_limit(obj)  # read first, as `query_from_json` does: the same error when both are wrong
    return QueryRequest(query=NearestQuery(vector=dense_vector(vector)), limit=limit,
                        with_payload=with_payload(obj.get("with_payload"), False),
                        with_vector=with_vector(obj.get("with_vector")))


def _query(obj: dict[str, Any], limit: int, offset: int) -> QueryRequest:
    return QueryRequest(
        prefetch=_prefetches(obj.get("prefetch")), query=query_interface(obj.get("query")),
        using=opt_str(obj, "using") or "", filter=filter_from_json(obj.get("filter")),
        params=search_params(obj.get("params")), limit=limit, offset=offset,
        score_threshold=opt_float(obj, "score_threshold"), lookup_from=lookup_location(obj.get("lookup_from")),
        with_payload=with_payload(obj.get("with_payload"), False), with_vector=with_vector(obj.get("with_vector")),
    )


def with_lookup(raw: Any) -> WithLookup | None:
    match raw:
        case None:
            return None
        case str():
            return WithLookup(collection=raw)
        case dict():
            collection = opt_str(raw, "collection")
            if not collection:
                raise format_error("missing field `collection`")
            vectors = raw.get("with_vectors", raw.get("with_vector"))
            return WithLookup(collection=collection, with_payload=with_payload(raw.get("with_payload"), True),
                              with_vector=with_vector(vectors))
    raise format_error("invalid `with_lookup`")


def group_by(obj: dict[str, Any]) -> str:
    key = opt_str(obj, "group_by")
    if not key:
        raise format_error("missing field `group_by`")
    return key


def groups_from_json(body: Any) -> GroupsRequest:
    """`points/query/groups`: QueryGroupsRequest flattens QueryGroupsRequestInternal as
    `search_group_request`, which flattens the group fields (limit, group_size) as `group_request`."""
    with in_model("search_group_request."):
        obj = expect_object(body)
        with in_model("group_request."):
            limit = opt_limit(obj)
            size = opt_int(obj, "group_size", minimum=1, default=DEFAULT_GROUP_SIZE) or 1
        return validated(GroupsRequest(query=_query(obj, limit=limit, offset=0), group_by=group_by(obj),
                                       group_size=size, with_lookup=with_lookup(obj.get("with_lookup"))))


def matrix_from_json(body: Any) -> MatrixRequest:
    """`search/matrix/*` (SearchMatrixRequest flattens SearchMatrixRequestInternal as `search_request`)."""
    with in_model("search_request."):
        obj = expect_object(body if body is not None else {})
        return validated(MatrixRequest(filter=filter_from_json(obj.get("filter")),
                                       sample=opt_int(obj, "sample", minimum=2, default=DEFAULT_MATRIX_SAMPLE) or 2,
                                       limit=opt_int(obj, "limit", minimum=1, default=DEFAULT_MATRIX_LIMIT) or 1,
                                       using=opt_str(obj, "using") or ""))
