"""The filter language (Qdrant v1.19) as engine types: frozen dataclasses forming a tagged union.

A REST `FieldCondition` carries several optional checks on one key; here each check is its own
condition type (`FieldMatch`, `FieldRange`, ...), so the evaluator `match`es on one tag per node.
`server/convert/filters.py` splits a wire `FieldCondition` into these (several checks on one
key become a `should` group, `is_empty: false` becomes a `must_not`).

Keys are kept as the user wrote them (payload indexes are looked up by that exact string); they
are validated with `engine.json_path.parse_path` at conversion time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.point_id import PointId

# ---- match variants -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MatchValue:
    """Exact match of a keyword, integer or bool (bool never equals an integer)."""

    value: str | int | bool


@dataclass(frozen=True, slots=True)
class MatchText:
    """Full-text: every query token is present in the value."""

    text: str


@dataclass(frozen=True, slots=True)
class MatchTextAny:
    """Full-text: at least one query token is present in the value."""

    text_any: str


@dataclass(frozen=True, slots=True)
class MatchPhrase:
    """Full-text: the query tokens appear consecutively, in order."""

    phrase: str


@dataclass(frozen=True, slots=True)
class MatchPrefix:
    """A string value starts with `prefix` (byte-wise, case-sensitive)."""

    prefix: str


@dataclass(frozen=True, slots=True)
class MatchAny:
    """The value equals one of `any` (all strings or all integers)."""

    any: tuple[str, ...] | tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MatchExcept:
    """Some non-null value equals none of `except_`."""

    except_: tuple[str, ...] | tuple[int, ...]


Match = MatchValue | MatchText | MatchTextAny | MatchPhrase | MatchPrefix | MatchAny | MatchExcept

# ---- ranges, geometry, counts ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Range:
    """Numeric range; unset bounds are None."""

    lt: float | None = None
    gt: float | None = None
    gte: float | None = None
    lte: float | None = None


@dataclass(frozen=True, slots=True)
class DatetimeRange:
    """Datetime range; bounds are timezone-aware (naive input is read as UTC)."""

    lt: datetime | None = None
    gt: datetime | None = None
    gte: datetime | None = None
    lte: datetime | None = None


@dataclass(frozen=True, slots=True)
class GeoPoint:
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class GeoBoundingBox:
    top_left: GeoPoint
    bottom_right: GeoPoint


@dataclass(frozen=True, slots=True)
class GeoRadius:
    """A circle; `radius` in metres (haversine on a sphere of the mean earth radius)."""

    center: GeoPoint
    radius: float


@dataclass(frozen=True, slots=True)
class GeoLineString:
    points: tuple[GeoPoint, ...]


@dataclass(frozen=True, slots=True)
class GeoPolygon:
    exterior: GeoLineString
    interiors: tuple[GeoLineString, ...] = ()


@dataclass(frozen=True, slots=True)
class ValuesCount:
    """Bounds on the number of values stored under a key (array elements count one each)."""

    lt: int | None = None
    gt: int | None = None
    gte: int | None = None
    lte: int | None = None


# ---- conditions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldMatch:
    key: str
    match: Match


@dataclass(frozen=True, slots=True)
class FieldRange:
    key: str
    range: Range | DatetimeRange


@dataclass(frozen=True, slots=True)
class FieldGeoBoundingBox:
    key: str
    geo_bounding_box: GeoBoundingBox


@dataclass(frozen=True, slots=True)
class FieldGeoRadius:
    key: str
    geo_radius: GeoRadius


@dataclass(frozen=True, slots=True)
class FieldGeoPolygon:
    key: str
    geo_polygon: GeoPolygon


@dataclass(frozen=True, slots=True)
class FieldValuesCount:
    key: str
    values_count: ValuesCount


@dataclass(frozen=True, slots=True)
class IsEmpty:
    """The key is missing, null, or an empty array."""

    key: str


@dataclass(frozen=True, slots=True)
class IsNull:
    """The key holds an explicit null (or an array with a null element)."""

    key: str


@dataclass(frozen=True, slots=True)
class HasId:
    ids: frozenset[PointId]


@dataclass(frozen=True, slots=True)
class HasVector:
    """The point has the named vector ("" = the default unnamed vector)."""

    name: str


@dataclass(frozen=True, slots=True)
class Nested:
    """`filter` holds on one and the same element of the array of objects at `key`."""

    key: str
    filter: Filter


@dataclass(frozen=True, slots=True)
class Slice:
    """SipHash-2-4(id) % total == index."""

    total: int
    index: int


@dataclass(frozen=True, slots=True)
class MinShould:
    conditions: tuple[Condition, ...]
    min_count: int


@dataclass(frozen=True, slots=True)
class Filter:
    """All of `must`, none of `must_not`, one of `should` (if any), `min_should` if set."""

    must: tuple[Condition, ...] = ()
    should: tuple[Condition, ...] = ()
    must_not: tuple[Condition, ...] = ()
    min_should: MinShould | None = None


FieldCondition = FieldMatch | FieldRange | FieldGeoBoundingBox | FieldGeoRadius | FieldGeoPolygon
"""Conditions on the values under one key that a payload index may answer."""

Condition = (
    FieldCondition
    | FieldValuesCount
    | IsEmpty
    | IsNull
    | HasId
    | HasVector
    | Nested
    | Slice
    | Filter
)
