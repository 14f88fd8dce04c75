"""Per-value predicates: what one payload value must be to satisfy a match, range or geo check.

These define the semantics; payload indexes answer the same questions for whole columns.
Typing rules (as Qdrant): a bool is never an integer, a float never equals an integer in an
exact match, ranges accept ints and floats but not bools, datetime ranges accept strings in a
format Qdrant parses.
"""

from __future__ import annotations

from typing import Any

from engine.filters import geo
from engine.filters.datetimes import as_aware, parse_datetime
from engine.types.filters import (
    DatetimeRange,
    FieldCondition,
    FieldGeoBoundingBox,
    FieldGeoPolygon,
    FieldGeoRadius,
    FieldMatch,
    FieldRange,
    Match,
    MatchAny,
    MatchExcept,
    MatchPhrase,
    MatchPrefix,
    MatchText,
    MatchTextAny,
    MatchValue,
    Range,
    ValuesCount,
)


def same_value(value: Any, other: Any) -> bool:
    """JSON equality with bool, int and float as distinct types."""
    if isinstance(value, bool) != isinstance(other, bool):
        return False
    if isinstance(value, float) != isinstance(other, float):
        return False
    return bool(value == other)


def match_one(m: Match, value: Any) -> bool:
    match m:
        case MatchValue(expected):
            return same_value(value, expected)
        case MatchAny(options):
            return any(same_value(value, o) for o in options)
        case MatchExcept(excluded):
            # null is absence, not a value that differs from everything
            return value is not None and not any(same_value(value, o) for o in excluded)
        # Without a full-text index Qdrant 1.19 matches substrings, case-sensitive (its payload
        # value checker: `stored.contains(text)`; text_any: any whitespace-separated part).
        # A text index tokenizes instead (engine/payload_index/text_index.py).
        case MatchText(text) | MatchPhrase(text):
            return isinstance(value, str) and text in value
        case MatchTextAny(text):
            return isinstance(value, str) and any(part in value for part in text.split())
        case MatchPrefix(prefix):
            return isinstance(value, str) and value.startswith(prefix)


def in_range(r: Range, value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return (
        (r.lt is None or value < r.lt)
        and (r.gt is None or value > r.gt)
        and (r.gte is None or value >= r.gte)
        and (r.lte is None or value <= r.lte)
    )


def in_datetime_range(r: DatetimeRange, value: Any) -> bool:
    if not isinstance(value, str):
        return False
    dt = parse_datetime(value)
    if dt is None:
        return False
    return (
        (r.lt is None or dt < as_aware(r.lt))
        and (r.gt is None or dt > as_aware(r.gt))
        and (r.gte is None or dt >= as_aware(r.gte))
        and (r.lte is None or dt <= as_aware(r.lte))
    )


def field_value_matches(cond: FieldCondition, value: Any) -> bool:
    """Whether one (flattened) value under the key satisfies `cond`."""
    match cond:
        case FieldMatch(_, m):
            return match_one(m, value)
        case FieldRange(_, r):
            return in_range(r, value) if isinstance(r, Range) else in_datetime_range(r, value)
        case FieldGeoBoundingBox(_, box):
            point = geo.as_geo_point(value)
            return point is not None and geo.in_bounding_box(box, *point)
        case FieldGeoRadius(_, area):
            point = geo.as_geo_point(value)
            return point is not None and geo.in_radius(area, *point)
        case FieldGeoPolygon(_, polygon):
            point = geo.as_geo_point(value)
            return point is not None and geo.in_polygon(polygon, *point)


def count_ok(vc: ValuesCount, count: int) -> bool:
    return (
        (vc.lt is None or count < vc.lt)
        and (vc.gt is None or count > vc.gt)
        and (vc.gte is None or count >= vc.gte)
        and (vc.lte is None or count <= vc.lte)
    )


def values_count_ok(vc: ValuesCount, raw_values: list[Any]) -> bool:
    """`raw_values` unflattened: an array counts its elements, null counts 0, anything else 1.

    Each value found under the key is counted on its own; one of them must satisfy every bound.
    """
    if not raw_values:
        return count_ok(vc, 0)
    counts = (0 if v is None else len(v) if isinstance(v, list) else 1 for v in raw_values)
    return any(count_ok(vc, c) for c in counts)


def is_empty_values(raw_values: list[Any]) -> bool:
    """Missing, null or [] (every value found under the key)."""
    return all(v is None or (isinstance(v, list) and not v) for v in raw_values)


def is_null_values(raw_values: list[Any]) -> bool:
    """Some value is null, or an array holding a null element."""
    return any(v is None or (isinstance(v, list) and any(e is None for e in v)) for v in raw_values)
