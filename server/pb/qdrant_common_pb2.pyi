import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PointId(_message.Message):
    __slots__ = ("num", "uuid")
    NUM_FIELD_NUMBER: _ClassVar[int]
    UUID_FIELD_NUMBER: _ClassVar[int]
    num: int
    uuid: str
    def __init__(self, num: _Optional[int] = ..., uuid: _Optional[str] = ...) -> None: ...

class GeoPoint(_message.Message):
    __slots__ = ("lon", "lat")
    LON_FIELD_NUMBER: _ClassVar[int]
    LAT_FIELD_NUMBER: _ClassVar[int]
    lon: float
    lat: float
    def __init__(self, lon: _Optional[float] = ..., lat: _Optional[float] = ...) -> None: ...

class Filter(_message.Message):
    __slots__ = ("should", "must", "must_not", "min_should")
    SHOULD_FIELD_NUMBER: _ClassVar[int]
    MUST_FIELD_NUMBER: _ClassVar[int]
    MUST_NOT_FIELD_NUMBER: _ClassVar[int]
    MIN_SHOULD_FIELD_NUMBER: _ClassVar[int]
    should: _containers.RepeatedCompositeFieldContainer[Condition]
    must: _containers.RepeatedCompositeFieldContainer[Condition]
    must_not: _containers.RepeatedCompositeFieldContainer[Condition]
    min_should: MinShould
    def __init__(self, should: _Optional[_Iterable[_Union[Condition, _Mapping]]] = ..., must: _Optional[_Iterable[_Union[Condition, _Mapping]]] = ..., must_not: _Optional[_Iterable[_Union[Condition, _Mapping]]] = ..., min_should: _Optional[_Union[MinShould, _Mapping]] = ...) -> None: ...

class MinShould(_message.Message):
    __slots__ = ("conditions", "min_count")
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    MIN_COUNT_FIELD_NUMBER: _ClassVar[int]
    conditions: _containers.RepeatedCompositeFieldContainer[Condition]
    min_count: int
    def __init__(self, conditions: _Optional[_Iterable[_Union[Condition, _Mapping]]] = ..., min_count: _Optional[int] = ...) -> None: ...

class Condition(_message.Message):
    __slots__ = ("field", "is_empty", "has_id", "filter", "is_null", "nested", "has_vector", "slice")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    IS_EMPTY_FIELD_NUMBER: _ClassVar[int]
    HAS_ID_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    IS_NULL_FIELD_NUMBER: _ClassVar[int]
    NESTED_FIELD_NUMBER: _ClassVar[int]
    HAS_VECTOR_FIELD_NUMBER: _ClassVar[int]
    SLICE_FIELD_NUMBER: _ClassVar[int]
    field: FieldCondition
    is_empty: IsEmptyCondition
    has_id: HasIdCondition
    filter: Filter
    is_null: IsNullCondition
    nested: NestedCondition
    has_vector: HasVectorCondition
    slice: SliceCondition
    def __init__(self, field: _Optional[_Union[FieldCondition, _Mapping]] = ..., is_empty: _Optional[_Union[IsEmptyCondition, _Mapping]] = ..., has_id: _Optional[_Union[HasIdCondition, _Mapping]] = ..., filter: _Optional[_Union[Filter, _Mapping]] = ..., is_null: _Optional[_Union[IsNullCondition, _Mapping]] = ..., nested: _Optional[_Union[NestedCondition, _Mapping]] = ..., has_vector: _Optional[_Union[HasVectorCondition, _Mapping]] = ..., slice: _Optional[_Union[SliceCondition, _Mapping]] = ...) -> None: ...

class IsEmptyCondition(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class IsNullCondition(_message.Message):
    __slots__ = ("key",)
    KEY_FIELD_NUMBER: _ClassVar[int]
    key: str
    def __init__(self, key: _Optional[str] = ...) -> None: ...

class HasIdCondition(_message.Message):
    __slots__ = ("has_id",)
    HAS_ID_FIELD_NUMBER: _ClassVar[int]
    has_id: _containers.RepeatedCompositeFieldContainer[PointId]
    def __init__(self, has_id: _Optional[_Iterable[_Union[PointId, _Mapping]]] = ...) -> None: ...

class HasVectorCondition(_message.Message):
    __slots__ = ("has_vector",)
    HAS_VECTOR_FIELD_NUMBER: _ClassVar[int]
    has_vector: str
    def __init__(self, has_vector: _Optional[str] = ...) -> None: ...

class SliceCondition(_message.Message):
    __slots__ = ("total", "index")
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    INDEX_FIELD_NUMBER: _ClassVar[int]
    total: int
    index: int
    def __init__(self, total: _Optional[int] = ..., index: _Optional[int] = ...) -> None: ...

class NestedCondition(_message.Message):
    __slots__ = ("key", "filter")
    KEY_FIELD_NUMBER: _ClassVar[int]
    FILTER_FIELD_NUMBER: _ClassVar[int]
    key: str
    filter: Filter
    def __init__(self, key: _Optional[str] = ..., filter: _Optional[_Union[Filter, _Mapping]] = ...) -> None: ...

class FieldCondition(_message.Message):
    __slots__ = ("key", "match", "range", "geo_bounding_box", "geo_radius", "values_count", "geo_polygon", "datetime_range", "is_empty", "is_null")
    KEY_FIELD_NUMBER: _ClassVar[int]
    MATCH_FIELD_NUMBER: _ClassVar[int]
    RANGE_FIELD_NUMBER: _ClassVar[int]
    GEO_BOUNDING_BOX_FIELD_NUMBER: _ClassVar[int]
    GEO_RADIUS_FIELD_NUMBER: _ClassVar[int]
    VALUES_COUNT_FIELD_NUMBER: _ClassVar[int]
    GEO_POLYGON_FIELD_NUMBER: _ClassVar[int]
    DATETIME_RANGE_FIELD_NUMBER: _ClassVar[int]
    IS_EMPTY_FIELD_NUMBER: _ClassVar[int]
    IS_NULL_FIELD_NUMBER: _ClassVar[int]
    key: str
    match: Match
    range: Range
    geo_bounding_box: GeoBoundingBox
    geo_radius: GeoRadius
    values_count: ValuesCount
    geo_polygon: GeoPolygon
    datetime_range: DatetimeRange
    is_empty: bool
    is_null: bool
    def __init__(self, key: _Optional[str] = ..., match: _Optional[_Union[Match, _Mapping]] = ..., range: _Optional[_Union[Range, _Mapping]] = ..., geo_bounding_box: _Optional[_Union[GeoBoundingBox, _Mapping]] = ..., geo_radius: _Optional[_Union[GeoRadius, _Mapping]] = ..., values_count: _Optional[_Union[ValuesCount, _Mapping]] = ..., geo_polygon: _Optional[_Union[GeoPolygon, _Mapping]] = ..., datetime_range: _Optional[_Union[DatetimeRange, _Mapping]] = ..., is_empty: _Optional[bool] = ..., is_null: _Optional[bool] = ...) -> None: ...

class Match(_message.Message):
    __slots__ = ("keyword", "integer", "boolean", "text", "keywords", "integers", "except_integers", "except_keywords", "phrase", "text_any", "prefix")
    KEYWORD_FIELD_NUMBER: _ClassVar[int]
    INTEGER_FIELD_NUMBER: _ClassVar[int]
    BOOLEAN_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    INTEGERS_FIELD_NUMBER: _ClassVar[int]
    EXCEPT_INTEGERS_FIELD_NUMBER: _ClassVar[int]
    EXCEPT_KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    PHRASE_FIELD_NUMBER: _ClassVar[int]
    TEXT_ANY_FIELD_NUMBER: _ClassVar[int]
    PREFIX_FIELD_NUMBER: _ClassVar[int]
    keyword: str
    integer: int
    boolean: bool
    text: str
    keywords: RepeatedStrings
    integers: RepeatedIntegers
    except_integers: RepeatedIntegers
    except_keywords: RepeatedStrings
    phrase: str
    text_any: str
    prefix: str
    def __init__(self, keyword: _Optional[str] = ..., integer: _Optional[int] = ..., boolean: _Optional[bool] = ..., text: _Optional[str] = ..., keywords: _Optional[_Union[RepeatedStrings, _Mapping]] = ..., integers: _Optional[_Union[RepeatedIntegers, _Mapping]] = ..., except_integers: _Optional[_Union[RepeatedIntegers, _Mapping]] = ..., except_keywords: _Optional[_Union[RepeatedStrings, _Mapping]] = ..., phrase: _Optional[str] = ..., text_any: _Optional[str] = ..., prefix: _Optional[str] = ...) -> None: ...

class RepeatedStrings(_message.Message):
    __slots__ = ("strings",)
    STRINGS_FIELD_NUMBER: _ClassVar[int]
    strings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, strings: _Optional[_Iterable[str]] = ...) -> None: ...

class RepeatedIntegers(_message.Message):
    __slots__ = ("integers",)
    INTEGERS_FIELD_NUMBER: _ClassVar[int]
    integers: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, integers: _Optional[_Iterable[int]] = ...) -> None: ...

class Range(_message.Message):
    __slots__ = ("lt", "gt", "gte", "lte")
    LT_FIELD_NUMBER: _ClassVar[int]
    GT_FIELD_NUMBER: _ClassVar[int]
    GTE_FIELD_NUMBER: _ClassVar[int]
    LTE_FIELD_NUMBER: _ClassVar[int]
    lt: float
    gt: float
    gte: float
    lte: float
    def __init__(self, lt: _Optional[float] = ..., gt: _Optional[float] = ..., gte: _Optional[float] = ..., lte: _Optional[float] = ...) -> None: ...

class DatetimeRange(_message.Message):
    __slots__ = ("lt", "gt", "gte", "lte")
    LT_FIELD_NUMBER: _ClassVar[int]
    GT_FIELD_NUMBER: _ClassVar[int]
    GTE_FIELD_NUMBER: _ClassVar[int]
    LTE_FIELD_NUMBER: _ClassVar[int]
    lt: _timestamp_pb2.Timestamp
    gt: _timestamp_pb2.Timestamp
    gte: _timestamp_pb2.Timestamp
    lte: _timestamp_pb2.Timestamp
    def __init__(self, lt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., gt: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., gte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., lte: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GeoBoundingBox(_message.Message):
    __slots__ = ("top_left", "bottom_right")
    TOP_LEFT_FIELD_NUMBER: _ClassVar[int]
    BOTTOM_RIGHT_FIELD_NUMBER: _ClassVar[int]
    top_left: GeoPoint
    bottom_right: GeoPoint
    def __init__(self, top_left: _Optional[_Union[GeoPoint, _Mapping]] = ..., bottom_right: _Optional[_Union[GeoPoint, _Mapping]] = ...) -> None: ...

class GeoRadius(_message.Message):
    __slots__ = ("center", "radius")
    CENTER_FIELD_NUMBER: _ClassVar[int]
    RADIUS_FIELD_NUMBER: _ClassVar[int]
    center: GeoPoint
    radius: float
    def __init__(self, center: _Optional[_Union[GeoPoint, _Mapping]] = ..., radius: _Optional[float] = ...) -> None: ...

class GeoLineString(_message.Message):
    __slots__ = ("points",)
    POINTS_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[GeoPoint]
    def __init__(self, points: _Optional[_Iterable[_Union[GeoPoint, _Mapping]]] = ...) -> None: ...

class GeoPolygon(_message.Message):
    __slots__ = ("exterior", "interiors")
    EXTERIOR_FIELD_NUMBER: _ClassVar[int]
    INTERIORS_FIELD_NUMBER: _ClassVar[int]
    exterior: GeoLineString
    interiors: _containers.RepeatedCompositeFieldContainer[GeoLineString]
    def __init__(self, exterior: _Optional[_Union[GeoLineString, _Mapping]] = ..., interiors: _Optional[_Iterable[_Union[GeoLineString, _Mapping]]] = ...) -> None: ...

class ValuesCount(_message.Message):
    __slots__ = ("lt", "gt", "gte", "lte")
    LT_FIELD_NUMBER: _ClassVar[int]
    GT_FIELD_NUMBER: _ClassVar[int]
    GTE_FIELD_NUMBER: _ClassVar[int]
    LTE_FIELD_NUMBER: _ClassVar[int]
    lt: int
    gt: int
    gte: int
    lte: int
    def __init__(self, lt: _Optional[int] = ..., gt: _Optional[int] = ..., gte: _Optional[int] = ..., lte: _Optional[int] = ...) -> None: ...
