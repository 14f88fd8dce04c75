"""REST JSON → engine filter types (`engine.types.filters`).

Unknown keys are rejected in a `Filter` only (Qdrant's `deny_unknown_fields` there); inside
conditions, ranges and geo shapes they are ignored, as serde does for Qdrant's other models.
Shape errors (wrong types, unknown filter keys, no variant fits) raise `MalformedRequest` worded like
Qdrant's "Format error in JSON body: ..." (HTTP 400); values the schema forbids (min_count 0,
latitude 91, an open polygon ring) raise `ValidationError` (HTTP 422). A wire `FieldCondition`
may carry several checks: each becomes its own engine condition, several on one key are OR-ed
(as Qdrant), and `is_empty: false` / `is_null: false` become negations.
"""

from __future__ import annotations

from typing import Any

from engine.errors import BadInput, MalformedRequest, ValidationError
from engine.filters.datetimes import parse_datetime
from engine.json_path import parse_path
from engine.point_id import parse_point_id
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
from server.convert.json_fields import check_fields, format_error
from server.convert.nesting import check_payload_value

_FILTER_KEYS = ("must", "should", "must_not", "min_should")
_FIELD_KEYS = (
    "key",
    "match",
    "range",
    "geo_bounding_box",
    "geo_radius",
    "geo_polygon",
    "values_count",
    "is_empty",
    "is_null",
)
I64_MIN, I64_MAX = -(2**63), 2**63 - 1


def filter_from_json(obj: Any) -> Filter | None:
    """A `Filter` from REST JSON; None for null / absent."""
    if obj is None:
        return None
    problem = check_payload_value(obj, "filter")  # deep nesting first: the reader below recurses
    if problem is not None:
        raise format_error(problem)
    return _filter(obj, "filter")


def _object(obj: Any, where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise format_error(f"invalid type at `{where}`: expected an object, got {_show(obj)}")
    return obj


def _show(obj: Any) -> str:
    text = repr(obj)
    return text if len(text) <= 60 else text[:57] + "..."


def _filter(obj: Any, where: str) -> Filter:
    obj = _object(obj, where)
    check_fields(obj, _FILTER_KEYS)
    min_should = None
    if obj.get("min_should") is not None:
        ms = _object(obj["min_should"], f"{where}.min_should")
        conds = ms.get("conditions")
        if not isinstance(conds, list):
            raise format_error(f"`{where}.min_should.conditions` must be an array of conditions")
        count = ms.get("min_count")
        if isinstance(count, bool) or not isinstance(count, int):
            raise format_error(f"`{where}.min_should.min_count` must be an unsigned integer")
        if count < 1:
            raise ValidationError(
                f"Validation error in JSON body: [{where}.min_should.min_count: "
                f"value {count} invalid, must be 1 or larger]"
            )
        min_should = MinShould(
            tuple(_condition(c, f"{where}.min_should.conditions[{i}]") for i, c in enumerate(conds)),
            count,
        )
    return Filter(
        must=_clause(obj.get("must"), f"{where}.must"),
        should=_clause(obj.get("should"), f"{where}.should"),
        must_not=_clause(obj.get("must_not"), f"{where}.must_not"),
        min_should=min_should,
    )


def _clause(obj: Any, where: str) -> tuple[Condition, ...]:
    match obj:
        case None:
            return ()
        case list():
            return tuple(_condition(c, f"{where}[{i}]") for i, c in enumerate(obj))
        case dict():
            return (_condition(obj, where),)
    raise format_error(f"invalid type at `{where}`: expected a condition or an array of conditions")


def _key(obj: Any, where: str) -> str:
    if not isinstance(obj, str):
        raise format_error(f"`{where}` must be a string (a payload key)")
    try:
        parse_path(obj)
    except BadInput:
        raise format_error(f"`{where}`: invalid JSON path {obj!r}") from None
    return obj


def _payload_field(obj: Any, where: str) -> str:
    field = _object(obj, where)
    return _key(field.get("key"), f"{where}.key")


def _condition(obj: Any, where: str) -> Condition:
    obj = _object(obj, where)
    if "key" in obj:
        return _field_condition(obj, where)
    if "is_empty" in obj:
        return IsEmpty(_payload_field(obj["is_empty"], f"{where}.is_empty"))
    if "is_null" in obj:
        return IsNull(_payload_field(obj["is_null"], f"{where}.is_null"))
    if "has_id" in obj:
        ids = obj["has_id"]
        if not isinstance(ids, list):
            raise format_error(f"`{where}.has_id` must be an array of point ids")
        return HasId(frozenset(parse_point_id(i) for i in ids))
    if "has_vector" in obj:
        if not isinstance(obj["has_vector"], str):
            raise format_error(f"`{where}.has_vector` must be a vector name")
        return HasVector(obj["has_vector"])
    if "nested" in obj:
        nested = _object(obj["nested"], f"{where}.nested")
        if nested.get("filter") is None:
            raise format_error(f"missing field `filter` at `{where}.nested`")
        return Nested(_key(nested.get("key"), f"{where}.nested.key"), _filter(nested["filter"], f"{where}.nested.filter"))
    if "slice" in obj:
        return _slice(obj["slice"], f"{where}.slice")
    if set(obj) <= set(_FILTER_KEYS):
        return _filter(obj, where)
    raise format_error(f"data did not match any variant of untagged enum Condition at `{where}`")


def _u32(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise format_error(f"`{where}` must be an unsigned 32-bit integer")
    return value


def _slice(obj: Any, where: str) -> Slice:
    sl = _object(obj, where)
    total, index = _u32(sl.get("total"), f"{where}.total"), _u32(sl.get("index"), f"{where}.index")
    if total < 1 or index >= total:
        raise ValidationError(
            f"Validation error in JSON body: [{where}: index {index} must be in [0;{total - 1}]]"
        )
    return Slice(total, index)


def _field_condition(obj: dict[str, Any], where: str) -> Condition:
    key = _key(obj["key"], f"{where}.key")
    parts: list[Condition] = []
    if obj.get("match") is not None:
        parts.append(FieldMatch(key, _match(obj["match"], f"{where}.match")))
    if obj.get("range") is not None:
        parts.append(FieldRange(key, _range(obj["range"], f"{where}.range")))
    if obj.get("geo_bounding_box") is not None:
        box = _object(obj["geo_bounding_box"], f"{where}.geo_bounding_box")
        parts.append(
            FieldGeoBoundingBox(
                key,
                GeoBoundingBox(
                    _geo_point(box.get("top_left"), f"{where}.geo_bounding_box.top_left"),
                    _geo_point(box.get("bottom_right"), f"{where}.geo_bounding_box.bottom_right"),
                ),
            )
        )
    if obj.get("geo_radius") is not None:
        parts.append(FieldGeoRadius(key, _geo_radius(obj["geo_radius"], f"{where}.geo_radius")))
    if obj.get("geo_polygon") is not None:
        parts.append(FieldGeoPolygon(key, _geo_polygon(obj["geo_polygon"], f"{where}.geo_polygon")))
    if obj.get("values_count") is not None:
        parts.append(FieldValuesCount(key, _values_count(obj["values_count"], f"{where}.values_count")))
    for flag, cls in (("is_empty", IsEmpty), ("is_null", IsNull)):
        value = obj.get(flag)
        if value is None:
            continue
        if not isinstance(value, bool):
            raise format_error(f"`{where}.{flag}` must be a boolean")
        parts.append(cls(key) if value else Filter(must_not=(cls(key),)))
    if not parts:
        raise ValidationError(
            f"Validation error in JSON body: [{where}: At least one field condition must be specified]"
        )
    return parts[0] if len(parts) == 1 else Filter(should=tuple(parts))


# ---- match -----------------------------------------------------------------------------------

_MATCH_KEYS = ("value", "text", "text_any", "phrase", "prefix", "any", "except")


def _match(obj: Any, where: str) -> Match:
    """Qdrant's `Match` is an untagged enum of structs that ignore unknown fields: the first variant
    (in Qdrant's order) whose field is present and valid wins; the others' fields are ignored."""
    m = _object(obj, where)
    present = [k for k in _MATCH_KEYS if k in m]
    if not present:
        raise format_error(f"data did not match any variant of untagged enum Match at `{where}`")
    errors: list[MalformedRequest] = []
    for kind in present:
        try:
            return _match_variant(kind, m[kind], where)
        except MalformedRequest as exc:
            errors.append(exc)
    raise errors[0]


def _match_variant(kind: str, value: Any, where: str) -> Match:
    match kind:
        case "value":
            if isinstance(value, bool | str) or (isinstance(value, int) and I64_MIN <= value <= I64_MAX):
                return MatchValue(value)
            raise format_error(f"`{where}.value` must be a string, an integer or a boolean")
        case "any" | "except":
            options = _any_variants(value, f"{where}.{kind}")
            return MatchAny(options) if kind == "any" else MatchExcept(options)
    if not isinstance(value, str):
        raise format_error(f"`{where}.{kind}` must be a string")
    match kind:
        case "text":
            return MatchText(value)
        case "text_any":
            return MatchTextAny(value)
        case "phrase":
            return MatchPhrase(value)
    return MatchPrefix(value)


def _any_variants(obj: Any, where: str) -> tuple[str, ...] | tuple[int, ...]:
    if not isinstance(obj, list):
        raise format_error(f"`{where}` must be an array of strings or of integers")
    if all(isinstance(v, str) for v in obj):
        return tuple(dict.fromkeys(obj))
    if all(isinstance(v, int) and not isinstance(v, bool) and I64_MIN <= v <= I64_MAX for v in obj):
        return tuple(dict.fromkeys(obj))
    raise format_error(f"`{where}` must be an array of strings or of integers (not mixed)")


# ---- range, values_count ---------------------------------------------------------------------------

_BOUNDS = ("lt", "gt", "gte", "lte")


def _range(obj: Any, where: str) -> Range | DatetimeRange:
    r = _object(obj, where)
    given = {k: v for k, v in r.items() if v is not None and k in _BOUNDS}
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in given.values()):
        return Range(**{k: float(v) for k, v in given.items()})
    if all(isinstance(v, str) for v in given.values()):
        bounds = {}
        for k, v in given.items():
            dt = parse_datetime(v)
            if dt is None:
                raise format_error(f"`{where}.{k}`: {v!r} is not a datetime (RFC 3339 expected)")
            bounds[k] = dt
        return DatetimeRange(**bounds)
    raise format_error(f"data did not match any variant of untagged enum RangeInterface at `{where}`")


def _values_count(obj: Any, where: str) -> ValuesCount:
    vc = _object(obj, where)
    given = {k: v for k, v in vc.items() if v is not None and k in _BOUNDS}
    for k, v in given.items():
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            raise format_error(f"`{where}.{k}` must be an unsigned integer")
    return ValuesCount(**given)


# ---- geo ---------------------------------------------------------------------------------------------


def _geo_point(obj: Any, where: str) -> GeoPoint:
    p = _object(obj, where)
    coords: dict[str, float] = {}
    for name in ("lon", "lat"):
        value = p.get(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise format_error(f"`{where}.{name}` must be a number")
        coords[name] = float(value)
    if not -90.0 <= coords["lat"] <= 90.0:
        raise ValidationError(f"Validation error in JSON body: [{where}.lat: latitude must be in [-90, 90]]")
    if not -180.0 <= coords["lon"] <= 180.0:
        raise ValidationError(
            f"Validation error in JSON body: [{where}.lon: longitude must be in [-180, 180]]"
        )
    return GeoPoint(lon=coords["lon"], lat=coords["lat"])


def _geo_radius(obj: Any, where: str) -> GeoRadius:
    g = _object(obj, where)
    radius = g.get("radius")
    if isinstance(radius, bool) or not isinstance(radius, int | float):
        raise format_error(f"`{where}.radius` must be a number (metres)")
    return GeoRadius(_geo_point(g.get("center"), f"{where}.center"), float(radius))


def _line(obj: Any, where: str) -> GeoLineString:
    line = _object(obj, where)
    points = line.get("points")
    if not isinstance(points, list):
        raise format_error(f"`{where}.points` must be an array of geo points")
    parsed = tuple(_geo_point(p, f"{where}.points[{i}]") for i, p in enumerate(points))
    if len(parsed) < 4 or parsed[0] != parsed[-1]:
        raise ValidationError(
            f"Validation error in JSON body: [{where}: a polygon ring needs at least 4 points "
            "and the first and last points must be the same]"
        )
    return GeoLineString(parsed)


def _geo_polygon(obj: Any, where: str) -> GeoPolygon:
    g = _object(obj, where)
    interiors = g.get("interiors") or []
    if not isinstance(interiors, list):
        raise format_error(f"`{where}.interiors` must be an array of line strings")
    return GeoPolygon(
        _line(g.get("exterior"), f"{where}.exterior"),
        tuple(_line(x, f"{where}.interiors[{i}]") for i, x in enumerate(interiors)),
    )
