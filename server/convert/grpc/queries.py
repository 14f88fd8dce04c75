"""gRPC read requests → engine requests: Search (legacy), Scroll, Count, Facet, Get (the query API
is in `query_api.py`).

Defaults follow Qdrant's proto and REST, decided once here for gRPC: limit 10 (Query, Scroll,
Facet), offset 0, payload off for Query/Search and on for Scroll/Get, vectors off, Count exact.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from engine.errors import BadRequest
from engine.filters.datetimes import parse_datetime, to_micros
from engine.point_id import PointId
from engine.types.points import PayloadSelector, VectorSelector
from engine.types.requests import (
    DEFAULT_LIMIT,
    CountRequest,
    Direction,
    FacetRequest,
    IdfParams,
    NearestQuery,
    OrderBy,
    QuantizationSearchParams,
    QueryRequest,
    ScrollRequest,
    SearchParams,
    validated,
)
from server.convert.grpc.filters import filter_from_pb
from server.convert.grpc.values import (
    GrpcInputError,
    dense,
    invalid,
    point_id_from_pb,
    point_ids_from_pb,
    with_payload_from_pb,
    with_vectors_from_pb,
)


def timeout_from_pb(request: Any) -> float | None:
    """`timeout` in seconds; absent or 0 means no limit (as REST's `?timeout=`)."""
    if request.HasField("timeout") and request.timeout > 0:
        return float(request.timeout)
    return None


def _opt(message: Any, name: str, default: Any = None) -> Any:
    return getattr(message, name) if message.HasField(name) else default


def _limit(message: Any, default: int = DEFAULT_LIMIT) -> int:
    if not message.HasField("limit"):
        return default
    if message.limit < 1:
        raise invalid(f"limit: value {message.limit} invalid, must be 1 or larger")
    return int(message.limit)


def search_params_from_pb(message: Any, present: bool) -> SearchParams:
    if not present:
        return SearchParams()
    hnsw_ef = _opt(message, "hnsw_ef")
    if hnsw_ef is not None and hnsw_ef < 1:
        raise invalid(f"params.hnsw_ef: value {hnsw_ef} invalid, must be 1 or larger")
    idf = None
    if message.HasField("idf"):  # an empty IdfParams is "global" (Qdrant's conversion)
        idf = IdfParams(corpus=filter_from_pb(message.idf.corpus) if message.idf.HasField("corpus") else None)
    quantization = None
    if message.HasField("quantization"):
        qp = message.quantization
        oversampling = _opt(qp, "oversampling")
        quantization = QuantizationSearchParams(ignore=bool(_opt(qp, "ignore", False)), rescore=_opt(qp, "rescore"),
                                                oversampling=None if oversampling is None else float(oversampling))
    return SearchParams(hnsw_ef=None if hnsw_ef is None else int(hnsw_ef), exact=bool(_opt(message, "exact", False)),
                        indexed_only=bool(_opt(message, "indexed_only", False)), quantization=quantization,
                        idf=idf)


def order_by_from_pb(ob: Any) -> OrderBy:
    direction = Direction.DESC if ob.HasField("direction") and ob.direction == 1 else Direction.ASC
    start: float | None = None
    if ob.HasField("start_from"):
        sf = ob.start_from
        match sf.WhichOneof("value"):
            case "float":
                start = sf.float
            case "integer":
                start = sf.integer
            case "timestamp":
                start = to_micros(sf.timestamp.ToDatetime(tzinfo=UTC))
            case "datetime":
                moment = parse_datetime(sf.datetime)
                if moment is None:
                    raise GrpcInputError(f"invalid datetime `{sf.datetime}` in `start_from`")
                start = to_micros(moment)
    if not ob.key:
        raise GrpcInputError("`order_by.key` must be a non-empty payload key")
    return OrderBy(key=ob.key, direction=direction, start_from=start)


def search_from_pb(request: Any) -> QueryRequest:
    """The deprecated `Search` RPC: `limit` is required (Qdrant validates it is at least 1)."""
    if request.HasField("sparse_indices"):
        raise BadRequest("sparse vectors are not supported yet by this server")
    if request.limit < 1:
        raise invalid(f"limit: value {request.limit} invalid, must be 1 or larger")
    return validated(QueryRequest(
        query=NearestQuery(vector=dense(request.vector)), using=_opt(request, "vector_name", ""),
        filter=filter_from_pb(request.filter, request.HasField("filter")),
        params=search_params_from_pb(request.params, request.HasField("params")),
        limit=int(request.limit), offset=int(_opt(request, "offset", 0)),
        score_threshold=_opt(request, "score_threshold"),
        with_payload=with_payload_from_pb(request.with_payload, request.HasField("with_payload"), False),
        with_vector=with_vectors_from_pb(request.with_vectors, request.HasField("with_vectors")),
    ))


def scroll_from_pb(request: Any) -> ScrollRequest:
    offset: PointId | None = point_id_from_pb(request.offset) if request.HasField("offset") else None
    ordering = order_by_from_pb(request.order_by) if request.HasField("order_by") else None
    if ordering is not None and offset is not None:
        raise BadRequest("Offset is not supported in conjunction with `order_by` scroll parameter")
    return validated(ScrollRequest(
        offset=offset, limit=_limit(request), filter=filter_from_pb(request.filter, request.HasField("filter")),
        with_payload=with_payload_from_pb(request.with_payload, request.HasField("with_payload"), True),
        with_vector=with_vectors_from_pb(request.with_vectors, request.HasField("with_vectors")),
        order_by=ordering,
    ))


def count_from_pb(request: Any) -> CountRequest:
    return CountRequest(filter=filter_from_pb(request.filter, request.HasField("filter")),
                        exact=bool(_opt(request, "exact", True)))


def facet_from_pb(request: Any) -> FacetRequest:
    if not request.key:
        raise GrpcInputError("missing field `key`")
    return validated(FacetRequest(key=request.key, filter=filter_from_pb(request.filter, request.HasField("filter")),
                                  limit=_limit(request), exact=bool(_opt(request, "exact", False))))


def get_from_pb(request: Any) -> tuple[list[PointId], PayloadSelector, VectorSelector]:
    return (point_ids_from_pb(request.ids),
            with_payload_from_pb(request.with_payload, request.HasField("with_payload"), True),
            with_vectors_from_pb(request.with_vectors, request.HasField("with_vectors")))
