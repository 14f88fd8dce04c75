"""Filter limits of strict mode: the number of conditions, the largest condition, and the first
key a filter (or formula) uses without a payload index able to answer it.

The counting rules are Qdrant's (`Filter::total_conditions_count`, `max_condition_input_size`):
a nested filter or a filter used as a condition counts its own conditions; `any` / `except` /
`has_id` count their items. An index "answers" a condition by its capabilities (a keyword index
answers exact string matches, a prefix match needs `prefix: true`, a phrase match needs
`phrase_matching: true`, an integer index answers lookups / ranges as its `lookup` / `range`
options allow, ...), as in Qdrant's unindexed-field extractor.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping

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
    HasId,
    IsEmpty,
    IsNull,
    MatchAny,
    MatchExcept,
    MatchPhrase,
    MatchPrefix,
    MatchText,
    MatchTextAny,
    MatchValue,
    Nested,
)
from engine.types.payload_schema import PayloadSchema

# capabilities, named as Qdrant prints the schema that provides them
INT_MATCH, INT_RANGE = "integer", "integer range"
KEYWORD, KEYWORD_PREFIX = "keyword", "keyword (with prefix: true)"
TEXT, TEXT_PHRASE = "text", "text (with phrase_matching: true)"
UUID, FLOAT, BOOL, DATETIME, GEO = "uuid", "float", "bool", "datetime", "geo"
ALL = (INT_MATCH, INT_RANGE, KEYWORD, KEYWORD_PREFIX, TEXT, TEXT_PHRASE, UUID, FLOAT, BOOL, DATETIME, GEO)
_SHOWN = {INT_RANGE: "integer"}


def _conditions(flt: Filter) -> Iterator[Condition]:
    yield from flt.must
    yield from flt.must_not
    yield from flt.should
    if flt.min_should is not None:
        yield from flt.min_should.conditions


def conditions_count(flt: Filter) -> int:
    total = 0
    for cond in _conditions(flt):
        match cond:
            case Nested(filter=inner):
                total += conditions_count(inner)
            case Filter():
                total += conditions_count(cond)
            case _:
                total += 1
    return total


def _size(cond: Condition) -> int:
    match cond:
        case FieldMatch(match=MatchAny(any=items)) | FieldMatch(match=MatchExcept(except_=items)):
            return len(items)
        case HasId(ids=ids):
            return len(ids)
        case Nested(filter=inner):
            return max_condition_size(inner)
        case Filter():
            return max_condition_size(cond)
    return 0


def max_condition_size(flt: Filter) -> int:
    return max((_size(c) for c in _conditions(flt)), default=0)


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _strings(items: tuple[object, ...]) -> tuple[str, ...]:
    if items and all(_is_uuid(v) for v in items):
        return (UUID, KEYWORD)
    return (KEYWORD,)


def required(cond: Condition) -> tuple[str, ...] | None:
    """The capabilities any one of which answers `cond` (None: no index needed)."""
    match cond:
        case FieldMatch(match=MatchValue(value=bool())):
            return (BOOL,)
        case FieldMatch(match=MatchValue(value=int())):
            return (INT_MATCH,)
        case FieldMatch(match=MatchValue(value=value)):
            return (UUID, KEYWORD) if _is_uuid(value) else (KEYWORD,)
        case FieldMatch(match=MatchText() | MatchTextAny()):
            return (TEXT,)
        case FieldMatch(match=MatchPhrase()):
            return (TEXT_PHRASE,)
        case FieldMatch(match=MatchPrefix()):
            return (KEYWORD_PREFIX,)
        case FieldMatch(match=MatchAny(any=items)) | FieldMatch(match=MatchExcept(except_=items)):
            if not items:
                return None  # a no-op condition needs no index (as Qdrant)
            return (INT_MATCH,) if isinstance(items[0], int) else _strings(items)
        case FieldRange(range=DatetimeRange()):
            return (DATETIME,)
        case FieldRange():
            return (FLOAT, INT_RANGE)
        case FieldGeoBoundingBox() | FieldGeoRadius() | FieldGeoPolygon():
            return (GEO,)
        case FieldValuesCount() | IsEmpty() | IsNull():
            return ALL
    return None


def capabilities(schema: PayloadSchema) -> set[str]:
    match schema.type:
        case "keyword":
            return {KEYWORD, KEYWORD_PREFIX} if schema.option("prefix", False) else {KEYWORD}
        case "integer":
            caps = set()
            if schema.option("lookup", True):
                caps.add(INT_MATCH)
            if schema.option("range", True):
                caps.add(INT_RANGE)
            return caps
        case "text":
            return {TEXT, TEXT_PHRASE} if schema.option("phrase_matching", False) else {TEXT}
    return {schema.type}


def _key(cond: Condition) -> str | None:
    return getattr(cond, "key", None)


def unindexed_key(flt: Filter, schema: Mapping[str, PayloadSchema], prefix: str = "") -> tuple[str, list[str]] | None:
    """The first key of `flt` whose condition no payload index answers, with the schemas that would."""
    for cond in _conditions(flt):
        match cond:
            case Filter():
                found = unindexed_key(cond, schema, prefix)
            case Nested(key=array, filter=inner):
                found = unindexed_key(inner, schema, f"{prefix}{array}[].")
            case _:
                needed = required(cond)
                name = _key(cond)
                found = None
                if needed is not None and name is not None:
                    full = prefix + name
                    index = schema.get(full)
                    if index is None or not capabilities(index) & set(needed):
                        found = full, sorted({_SHOWN.get(n, n) for n in needed})
        if found is not None:
            return found
    return None
