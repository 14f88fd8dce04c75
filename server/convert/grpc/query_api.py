"""gRPC query-API messages → the engine requests REST builds too: Query/QueryBatch/QueryGroups
(prefetch trees, every `Query` variant, formula expressions), SearchMatrix*, and the deprecated
Recommend*, Discover* and SearchGroups RPCs. Defaults match `server/convert/query_api.py`."""

from __future__ import annotations

from typing import Any

from engine.errors import BadRequest
from engine.types.expressions import (
    ConditionExpr,
    Constant,
    DatetimeExpr,
    DatetimeKeyExpr,
    Decay,
    DecayKind,
    Div,
    Expression,
    GeoDistanceExpr,
    Mult,
    Pow,
    Sum,
    Unary,
    UnaryOp,
    Variable,
)
from engine.types.filters import GeoPoint
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
from server.convert.grpc.filters import filter_from_pb
from server.convert.grpc.queries import _limit, _opt, order_by_from_pb, search_params_from_pb
from server.convert.grpc.values import (
    GrpcInputError,
    dense,
    invalid,
    multi_from_pb,
    point_id_from_pb,
    sparse_from_pb,
    value_from_pb,
    with_payload_from_pb,
    with_vectors_from_pb,
)
from server.pb import qdrant_common_pb2 as cpb

STRATEGIES = {0: RecommendStrategy.AVERAGE_VECTOR, 1: RecommendStrategy.BEST_SCORE, 2: RecommendStrategy.SUM_SCORES}
FUSIONS = {0: Fusion.RRF, 1: Fusion.DBSF}
UNARY: tuple[UnaryOp, ...] = ("neg", "abs", "sqrt", "exp", "log10", "ln")
DECAYS: dict[str, DecayKind] = {"lin_decay": "lin", "exp_decay": "exp", "gauss_decay": "gauss"}


def vector_input(vi: Any) -> VectorInput:
    kind = vi.WhichOneof("variant")
    match kind:
        case "dense":
            return VectorInput(vector=dense(vi.dense.data))
        case "id":
            return VectorInput(point_id=point_id_from_pb(vi.id))
        case "sparse":
            return VectorInput(vector=sparse_from_pb(vi.sparse.indices, vi.sparse.values))
        case "multi_dense":
            return VectorInput(vector=multi_from_pb(vi.multi_dense.vectors))
        case None:
            raise GrpcInputError("empty VectorInput: set `dense`, `sparse`, `multi_dense` or `id`")
    raise BadRequest(f"inference ({kind}) is not supported by this server: send vectors")


def _pair(pair: Any) -> ContextPair:
    if not pair.HasField("positive") or not pair.HasField("negative"):
        raise GrpcInputError("a context pair needs `positive` and `negative`")
    return ContextPair(vector_input(pair.positive), vector_input(pair.negative))


def _strategy(message: Any) -> RecommendStrategy:
    return STRATEGIES.get(message.strategy, RecommendStrategy.AVERAGE_VECTOR) if message.HasField("strategy") \
        else RecommendStrategy.AVERAGE_VECTOR


def _feedback(message: Any) -> RelevanceFeedbackQuery:
    if not message.HasField("target"):
        raise GrpcInputError("missing field `target` in `relevance_feedback`")
    if message.strategy.WhichOneof("variant") != "naive":
        raise GrpcInputError("missing field `strategy` in `relevance_feedback`: expected `naive`")
    naive = message.strategy.naive
    check_feedback_b(naive.b)
    feedback = [FeedbackItem(vector_input(item.example), float(item.score)) for item in message.feedback]
    return RelevanceFeedbackQuery(target=vector_input(message.target), feedback=feedback,
                                  a=float(naive.a), b=float(naive.b), c=float(naive.c))


def query_from_pb_variant(query: Any) -> Query | None:
    kind = query.WhichOneof("variant")
    match kind:
        case None:
            return None
        case "nearest":
            found = vector_input(query.nearest)
            return NearestQuery(vector=found.vector, point_id=found.point_id)
        case "recommend":
            r = query.recommend
            return RecommendQuery([vector_input(v) for v in r.positive], [vector_input(v) for v in r.negative],
                                  _strategy(r))
        case "discover":
            if not query.discover.HasField("target"):
                raise GrpcInputError("missing field `target` in `discover`")
            return DiscoverQuery(vector_input(query.discover.target), [_pair(p) for p in query.discover.context.pairs])
        case "context":
            return ContextQuery([_pair(p) for p in query.context.pairs])
        case "order_by":
            return order_by_from_pb(query.order_by)
        case "fusion":
            return FusionQuery(FUSIONS.get(query.fusion, Fusion.RRF))
        case "rrf":
            return FusionQuery(Fusion.RRF, k=_opt(query.rrf, "k"),
                               weights=list(query.rrf.weights) if len(query.rrf.weights) else None)
        case "sample":
            return SampleQuery()
        case "formula":
            return FormulaQuery(expression(query.formula.expression),
                                {k: value_from_pb(v) for k, v in query.formula.defaults.items()})
        case "nearest_with_mmr":
            with_mmr = query.nearest_with_mmr
            if not with_mmr.HasField("nearest"):
                raise GrpcInputError("missing field `nearest` in `nearest_with_mmr`")
            found = vector_input(with_mmr.nearest)
            m = with_mmr.mmr
            return NearestQuery(vector=found.vector, point_id=found.point_id,
                                mmr=Mmr(diversity=_opt(m, "diversity"), candidates_limit=_opt(m, "candidates_limit")))
        case "relevance_feedback":
            return _feedback(query.relevance_feedback)
    raise BadRequest(f"query `{kind}` is not supported by this server")


def _decay(kind: DecayKind, d: Any) -> Decay:
    return Decay(kind=kind, x=expression(d.x), target=expression(d.target) if d.HasField("target") else None,
                 scale=_opt(d, "scale"), midpoint=_opt(d, "midpoint"))


def expression(e: Any) -> Expression:
    kind = e.WhichOneof("variant")
    match kind:
        case "constant":
            return Constant(float(e.constant))
        case "variable":
            return Variable(e.variable)
        case "condition":
            parsed = filter_from_pb(cpb.Filter(must=[e.condition]))
            if parsed is None or len(parsed.must) != 1:
                raise GrpcInputError("invalid condition expression")
            return ConditionExpr(parsed.must[0])
        case "geo_distance":
            origin = e.geo_distance.origin
            return GeoDistanceExpr(GeoPoint(lon=origin.lon, lat=origin.lat), e.geo_distance.to)
        case "datetime":
            return DatetimeExpr(e.datetime)
        case "datetime_key":
            return DatetimeKeyExpr(e.datetime_key)
        case "mult":
            return Mult(tuple(expression(x) for x in e.mult.mult))
        case "sum":
            return Sum(tuple(expression(x) for x in e.sum.sum))
        case "div":
            return Div(expression(e.div.left), expression(e.div.right), _opt(e.div, "by_zero_default"))
        case "pow":
            return Pow(expression(e.pow.base), expression(e.pow.exponent))
        case "neg" | "abs" | "sqrt" | "exp" | "log10" | "ln":
            return Unary(next(op for op in UNARY if op == kind), expression(getattr(e, kind)))
        case "lin_decay" | "exp_decay" | "gauss_decay":
            return _decay(DECAYS[kind], getattr(e, kind))
    raise GrpcInputError("empty Expression (no variant is set)")


def lookup_from_pb(message: Any, present: bool) -> LookupLocation | None:
    if not present:
        return None
    return LookupLocation(collection=message.collection_name, vector=_opt(message, "vector_name"))


def prefetch_from_pb(p: Any) -> Prefetch:
    return Prefetch(
        prefetch=[prefetch_from_pb(x) for x in p.prefetch],
        query=query_from_pb_variant(p.query) if p.HasField("query") else None,
        using=_opt(p, "using", ""), filter=filter_from_pb(p.filter, p.HasField("filter")),
        params=search_params_from_pb(p.params, p.HasField("params")), score_threshold=_opt(p, "score_threshold"),
        limit=_limit(p), lookup_from=lookup_from_pb(p.lookup_from, p.HasField("lookup_from")),
    )


def _query_request(request: Any, limit: int, offset: int) -> QueryRequest:
    return QueryRequest(
        prefetch=[prefetch_from_pb(x) for x in request.prefetch],
        query=query_from_pb_variant(request.query) if request.HasField("query") else None,
        using=_opt(request, "using", ""), filter=filter_from_pb(request.filter, request.HasField("filter")),
        params=search_params_from_pb(request.params, request.HasField("params")), limit=limit, offset=offset,
        score_threshold=_opt(request, "score_threshold"),
        lookup_from=lookup_from_pb(request.lookup_from, request.HasField("lookup_from")),
        with_payload=with_payload_from_pb(request.with_payload, request.HasField("with_payload"), False),
        with_vector=with_vectors_from_pb(request.with_vectors, request.HasField("with_vectors")),
    )


def query_from_pb(request: Any) -> QueryRequest:
    return validated(_query_request(request, _limit(request), int(_opt(request, "offset", 0))))


def with_lookup_from_pb(message: Any, present: bool) -> WithLookup | None:
    if not present:
        return None
    return WithLookup(collection=message.collection,
                      with_payload=with_payload_from_pb(message.with_payload, message.HasField("with_payload"), True),
                      with_vector=with_vectors_from_pb(message.with_vectors, message.HasField("with_vectors")))


def _group_by(request: Any) -> str:
    if not request.group_by:
        raise GrpcInputError("missing field `group_by`")
    return str(request.group_by)


def has(message: Any, name: str) -> bool:
    """Presence of an optional field (False for fields the message does not have at all)."""
    field = message.DESCRIPTOR.fields_by_name.get(name)
    return field is not None and (not field.has_presence or message.HasField(name))


def _group_size(request: Any, default: int) -> int:
    field = request.DESCRIPTOR.fields_by_name["group_size"]
    size = int(request.group_size) if not field.has_presence or request.HasField("group_size") else default
    if size < 1:
        raise invalid(f"group_size: value {size} invalid, must be 1 or larger")
    return size


def query_groups_from_pb(request: Any) -> GroupsRequest:
    query = _query_request(request, _limit(request), 0)
    return validated(GroupsRequest(query=query, group_by=_group_by(request),
                                   group_size=_group_size(request, DEFAULT_GROUP_SIZE),
                                   with_lookup=with_lookup_from_pb(request.with_lookup,
                                                                   request.HasField("with_lookup"))))


def matrix_from_pb(request: Any) -> MatrixRequest:
    sample = int(_opt(request, "sample", DEFAULT_MATRIX_SAMPLE))
    limit = int(_opt(request, "limit", DEFAULT_MATRIX_LIMIT))
    if sample < 2:
        raise invalid(f"sample: value {sample} invalid, must be 2 or larger")
    if limit < 1:
        raise invalid(f"limit: value {limit} invalid, must be 1 or larger")
    return validated(MatrixRequest(filter=filter_from_pb(request.filter, request.HasField("filter")),
                                   sample=sample, limit=limit, using=_opt(request, "using", "")))
