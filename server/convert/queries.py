"""REST read bodies → engine requests: legacy search, scroll, count, facet, retrieve (the universal
query API is in `query_api.py`). Defaults (limit 10, payload on/off per endpoint) are decided here, once for REST."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from engine.errors import BadRequest
from engine.filters.datetimes import parse_datetime, to_micros
from engine.point_id import PointId
from engine.types.points import ALL_PAYLOAD, PayloadSelector, VectorSelector
from engine.types.requests import (
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
from server.convert.filters import filter_from_json
from server.convert.json_fields import (
    WITH_VECTORS,
    aliased,
    dense_vector,
    expect_object,
    format_error,
    in_model,
    opt_bool,
    opt_float,
    opt_int,
    opt_limit,
    opt_str,
    point_id,
    point_ids,
    req,
    with_payload,
    with_vector,
)

T = TypeVar("T")

SEARCH_ALIASES = {**WITH_VECTORS, "top": "limit"}
"""`top` is the old name of `limit` (search, recommend, discover)."""


def search_params(raw: Any) -> SearchParams:
    if raw is None:
        return SearchParams()
    obj = expect_object(raw, "params")
    with in_model("params."):
        hnsw_ef = opt_int(obj, "hnsw_ef", minimum=1)
    return SearchParams(hnsw_ef=hnsw_ef, exact=bool(opt_bool(obj, "exact", False)),
                        indexed_only=bool(opt_bool(obj, "indexed_only", False)),
                        quantization=quantization_params(obj.get("quantization")), idf=idf_params(obj.get("idf")))


def idf_params(raw: Any) -> IdfParams | None:
    """`params.idf`: `"global"` or `{"corpus": <filter>}` (Qdrant's untagged `IdfParams`)."""
    if raw is None:
        return None
    if raw == "global":
        return IdfParams()
    if not isinstance(raw, dict) or raw.get("corpus") is None:
        raise format_error("data did not match any variant of untagged enum IdfParams")
    corpus = filter_from_json(raw["corpus"])
    return IdfParams(corpus=corpus)


def quantization_params(raw: Any) -> QuantizationSearchParams | None:
    if raw is None:
        return None
    obj = expect_object(raw, "quantization")
    return QuantizationSearchParams(ignore=bool(opt_bool(obj, "ignore", False)), rescore=opt_bool(obj, "rescore"),
                                    oversampling=opt_float(obj, "oversampling"))


def order_by(raw: Any) -> OrderBy | None:
    match raw:
        case None:
            return None
        case str():
            return OrderBy(key=raw)
        case dict():
            direction = raw.get("direction") or "asc"
            if direction not in ("asc", "desc"):
                raise format_error(f"unknown variant `{direction}`, expected `asc` or `desc`")
            start = raw.get("start_from")
            if start is not None and (isinstance(start, bool) or not isinstance(start, int | float | str)):
                raise format_error("invalid `start_from`")
            if isinstance(start, str):
                moment = parse_datetime(start)
                if moment is None:
                    raise format_error(f"invalid datetime `{start}` in `start_from`")
                start = to_micros(moment)
            return OrderBy(key=str(req(raw, "key")), direction=Direction(direction), start_from=start)
    raise format_error("invalid `order_by`")


def search_from_json(body: Any) -> QueryRequest:
    """The pre-1.16 `points/search` body: `vector` is a list, {name, vector} or [name, list]
    (SearchRequest flattens SearchRequestInternal as `search_request`: its field paths)."""
    with in_model("search_request."):
        return validated(_search(body))


def _search(body: Any) -> QueryRequest:
    obj = aliased(expect_object(body), SEARCH_ALIASES)
    raw = req(obj, "vector")
    using = ""
    match raw:
        case list() if raw and isinstance(raw[0], int | float):
            vector = dense_vector(raw)
        case {"name": str() as name, "vector": list() as values}:
            using, vector = name, dense_vector(values)
        case _:
            raise format_error("invalid `vector`: expected a list of numbers or {name, vector}")
    limit = opt_int(obj, "limit", minimum=1)
    if limit is None:
        raise format_error("missing field `limit`")
    return QueryRequest(
        query=NearestQuery(vector=vector), using=using, filter=filter_from_json(obj.get("filter")),
        params=search_params(obj.get("params")), limit=limit, offset=opt_int(obj, "offset", default=0) or 0,
        score_threshold=opt_float(obj, "score_threshold"),
        with_payload=with_payload(obj.get("with_payload"), False), with_vector=with_vector(obj.get("with_vector")),
    )


def batch_from_json(body: Any, one: Callable[[Any], T]) -> list[T]:
    """`{"searches": [...]}` of every batch endpoint (query, search, recommend, discover)."""
    obj = expect_object(body)
    searches = req(obj, "searches")
    if not isinstance(searches, list):
        raise format_error("`searches` must be a list")
    out = []
    for i, search in enumerate(searches):
        with in_model(f"searches[{i}]."):
            out.append(one(search))
    return out


def scroll_from_json(body: Any) -> ScrollRequest:
    """ScrollRequest flattens ScrollRequestInternal as `scroll_request` (its field paths)."""
    with in_model("scroll_request."):
        return validated(_scroll(body))


def _scroll(body: Any) -> ScrollRequest:
    obj = aliased(expect_object(body if body is not None else {}), WITH_VECTORS)
    offset: PointId | None = point_id(obj["offset"]) if obj.get("offset") is not None else None
    ordering = order_by(obj.get("order_by"))
    if ordering is not None and offset is not None:
        raise BadRequest("Offset is not supported in conjunction with `order_by` scroll parameter")
    return ScrollRequest(
        offset=offset, limit=opt_limit(obj),
        filter=filter_from_json(obj.get("filter")), with_payload=with_payload(obj.get("with_payload"), True),
        with_vector=with_vector(obj.get("with_vector")), order_by=ordering,
    )


def count_from_json(body: Any) -> CountRequest:
    obj = expect_object(body if body is not None else {})
    return CountRequest(filter=filter_from_json(obj.get("filter")), exact=bool(opt_bool(obj, "exact", True)))


def facet_from_json(body: Any) -> FacetRequest:
    """FacetRequest flattens FacetRequestInternal as `facet_request` (its field paths)."""
    with in_model("facet_request."):
        obj = expect_object(body)
        key = opt_str(obj, "key")
        if not key:
            raise format_error("missing field `key`")
        return validated(FacetRequest(key=key, filter=filter_from_json(obj.get("filter")), limit=opt_limit(obj),
                                      exact=bool(opt_bool(obj, "exact", False))))


def retrieve_from_json(body: Any) -> tuple[list[PointId], PayloadSelector, VectorSelector]:
    obj = aliased(expect_object(body), WITH_VECTORS)
    return (point_ids(req(obj, "ids"), "ids"), with_payload(obj.get("with_payload"), True),
            with_vector(obj.get("with_vector")))


def get_point_from_path(text: str) -> tuple[PointId, PayloadSelector, VectorSelector]:
    """`GET /points/{id}`: the id from the path (digits are a u64, anything else a UUID), with
    the whole payload and every vector, as Qdrant answers it."""
    return point_id(int(text) if text.isdigit() else text), ALL_PAYLOAD, True
