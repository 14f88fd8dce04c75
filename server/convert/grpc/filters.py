"""gRPC `qdrant.Filter` → engine filter types (`engine.types.filters`), mirroring the REST
converter (`server/convert/filters.py`): a `FieldCondition` carrying several checks becomes one
engine condition per check, OR-ed (as Qdrant); `is_empty: false` / `is_null: false` become
negations; the same value checks (latitude, polygon rings, min_count, slice bounds) apply.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.errors import BadInput
from engine.json_path import parse_path
from engine.types.filters import (
    Condition,
    DatetimeRange,
    FieldGeoBoundingBox,
    FieldGeoPolygon,
    FieldGeoRadius,
    FieldMatch,
    FieldRange,
    FieldValuesCount,
    Filter,
    GeoBoundingBox,
    GeoLineString,
    GeoPoint,
    GeoPolygon,
    GeoRadius,
    HasId,
    HasVector,
    IsEmpty,
    IsNull,
    Match,
    MatchAny,
    MatchExcept,
    MatchPhrase,
    MatchPrefix,
    MatchText,
    MatchTextAny,
    MatchValue,
    MinShould,
    Nested,
    Range,
    Slice,
    ValuesCount,
)
from server.convert.grpc.values import GrpcInputError, invalid, point_id_from_pb

_BOUNDS = ("lt", "gt", "gte", "lte")


def filter_from_pb(message: Any, present: bool = True) -> Filter | None:
    """A `Filter` message → engine Filter; None when the (optional) field was not sent."""
    if not present:
        return None
    return _filter(message, "filter")


def _filter(f: Any, where: str) -> Filter:
    min_should = None
    if f.HasField("min_should"):
        ms = f.min_should
        if ms.min_count < 1:
            raise invalid(f"{where}.min_should.min_count: value {ms.min_count} invalid, must be 1 or larger")
        min_should = MinShould(
            tuple(_condition(c, f"{where}.min_should.conditions[{i}]") for i, c in enumerate(ms.conditions)),
            int(ms.min_count),
        )
    return Filter(
        must=_clause(f.must, f"{where}.must"),
        should=_clause(f.should, f"{where}.should"),
        must_not=_clause(f.must_not, f"{where}.must_not"),
        min_should=min_should,
    )


def _clause(conditions: Any, where: str) -> tuple[Condition, ...]:
    return tuple(_condition(c, f"{where}[{i}]") for i, c in enumerate(conditions))


def _key(key: str, where: str) -> str:
    try:
        parse_path(key)
    except BadInput:
        raise GrpcInputError(f"`{where}`: invalid JSON path {key!r}") from None
    return key


def _condition(c: Any, where: str) -> Condition:
    kind = c.WhichOneof("condition_one_of")
    match kind:
        case "field":
            return _field_condition(c.field, f"{where}.field")
        case "is_empty":
            return IsEmpty(_key(c.is_empty.key, f"{where}.is_empty.key"))
        case "is_null":
            return IsNull(_key(c.is_null.key, f"{where}.is_null.key"))
        case "has_id":
            return HasId(frozenset(point_id_from_pb(p) for p in c.has_id.has_id))
        case "has_vector":
            return HasVector(c.has_vector.has_vector)
        case "filter":
            return _filter(c.filter, f"{where}.filter")
        case "nested":
            if not c.nested.HasField("filter"):
                raise GrpcInputError(f"missing field `filter` at `{where}.nested`")
            return Nested(_key(c.nested.key, f"{where}.nested.key"), _filter(c.nested.filter, f"{where}.nested.filter"))
        case "slice":
            total, index = int(c.slice.total), int(c.slice.index)
            if total < 1 or index >= total:
                raise invalid(f"{where}.slice: index {index} must be in [0;{total - 1}]")
            return Slice(total, index)
    raise GrpcInputError(f"`{where}`: empty condition (no variant of Condition is set)")


def _field_condition(fc: Any, where: str) -> Condition:
    key = _key(fc.key, f"{where}.key")
    parts: list[Condition] = []
    if fc.HasField("match"):
        parts.append(FieldMatch(key, _match(fc.match, f"{where}.match")))
    if fc.HasField("range"):
        parts.append(FieldRange(key, Range(**_bounds(fc.range, float))))
    if fc.HasField("datetime_range"):
        parts.append(FieldRange(key, DatetimeRange(**_bounds(fc.datetime_range, _timestamp))))
    if fc.HasField("geo_bounding_box"):
        box = fc.geo_bounding_box
        parts.append(FieldGeoBoundingBox(key, GeoBoundingBox(
            _geo_point(box.top_left, f"{where}.geo_bounding_box.top_left"),
            _geo_point(box.bottom_right, f"{where}.geo_bounding_box.bottom_right"),
        )))
    if fc.HasField("geo_radius"):
        g = fc.geo_radius
        parts.append(FieldGeoRadius(key, GeoRadius(_geo_point(g.center, f"{where}.geo_radius.center"),
                                                   float(g.radius))))
    if fc.HasField("geo_polygon"):
        g = fc.geo_polygon
        parts.append(FieldGeoPolygon(key, GeoPolygon(
            _line(g.exterior, f"{where}.geo_polygon.exterior"),
            tuple(_line(x, f"{where}.geo_polygon.interiors[{i}]") for i, x in enumerate(g.interiors)),
        )))
    if fc.HasField("values_count"):
        parts.append(FieldValuesCount(key, ValuesCount(**_bounds(fc.values_count, int))))
    for flag, cls in (("is_empty", IsEmpty), ("is_null", IsNull)):
        if fc.HasField(flag):
            parts.append(cls(key) if getattr(fc, flag) else Filter(must_not=(cls(key),)))
    if not parts:
        raise invalid(f"{where}: At least one field condition must be specified")
    return parts[0] if len(parts) == 1 else Filter(should=tuple(parts))


def _bounds(message: Any, cast: Any) -> dict[str, Any]:
    return {b: cast(getattr(message, b)) for b in _BOUNDS if message.HasField(b)}


def _timestamp(ts: Any) -> datetime:
    # Timestamps are UTC instants by definition; engine bounds are timezone-aware.
    return ts.ToDatetime(tzinfo=UTC)


def _match(m: Any, where: str) -> Match:
    kind = m.WhichOneof("match_value")
    match kind:
        case "keyword":
            return MatchValue(m.keyword)
        case "integer":
            return MatchValue(int(m.integer))
        case "boolean":
            return MatchValue(bool(m.boolean))
        case "text":
            return MatchText(m.text)
        case "text_any":
            return MatchTextAny(m.text_any)
        case "phrase":
            return MatchPhrase(m.phrase)
        case "prefix":
            return MatchPrefix(m.prefix)
        case "keywords":
            return MatchAny(tuple(dict.fromkeys(m.keywords.strings)))
        case "integers":
            return MatchAny(tuple(dict.fromkeys(int(x) for x in m.integers.integers)))
        case "except_keywords":
            return MatchExcept(tuple(dict.fromkeys(m.except_keywords.strings)))
        case "except_integers":
            return MatchExcept(tuple(dict.fromkeys(int(x) for x in m.except_integers.integers)))
    raise GrpcInputError(f"`{where}`: empty Match (no variant is set)")


def _geo_point(p: Any, where: str) -> GeoPoint:
    lat, lon = float(p.lat), float(p.lon)
    if not -90.0 <= lat <= 90.0:
        raise invalid(f"{where}.lat: latitude must be in [-90, 90]")
    if not -180.0 <= lon <= 180.0:
        raise invalid(f"{where}.lon: longitude must be in [-180, 180]")
    return GeoPoint(lon=lon, lat=lat)


def _line(line: Any, where: str) -> GeoLineString:
    points = tuple(_geo_point(p, f"{where}.points[{i}]") for i, p in enumerate(line.points))
    if len(points) < 4 or points[0] != points[-1]:
        raise invalid(f"{where}: a polygon ring needs at least 4 points and the first and last points must be the same")
    return GeoLineString(points)
