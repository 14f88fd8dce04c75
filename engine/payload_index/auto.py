"""Automatic hidden payload indexes: how a filter on a key without a payload index stays numpy.

A condition on an unindexed key asks the segment for a hidden index of the type that answers
its kind (`auto_kind`): keyword for string matches and prefixes, integer / bool for integer /
bool matches, float for numeric ranges, datetime for datetime ranges, geo for geo areas. The
index is built on the first such query (one pass over the segment's payloads), then kept up to
date by every payload write, like a user's index. Because an index re-checks the offsets whose
values it could not represent (`base.py`'s *unsure* invariant), an automatic index answers
exactly what a payload scan would, whatever types the key holds. Full-text conditions,
values_count, is_empty, is_null and nested keep the payload scan.

Memory and write cost are bounded: at most `MAX_AUTO_INDEXES` per segment (least recently used
dropped first), and a write only touches the automatic indexes that exist. They are derived
state: never persisted, dropped when the segment is rebuilt, rebuilt on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from engine.json_path import JsonPath, extract_values, parse_path
from engine.payload_index.base import PayloadIndex, values_by_offset
from engine.payload_index.geo_index import GeoIndex
from engine.payload_index.value_indexes import (
    BoolIndex,
    DatetimeIndex,
    FloatIndex,
    IntegerIndex,
    KeywordIndex,
)
from engine.types.filters import (
    DatetimeRange,
    FieldCondition,
    FieldGeoBoundingBox,
    FieldGeoPolygon,
    FieldGeoRadius,
    FieldMatch,
    FieldRange,
    MatchAny,
    MatchExcept,
    MatchPrefix,
    MatchValue,
)
from engine.types.payload_schema import PayloadSchema

MAX_AUTO_INDEXES = 16

_CLASSES: dict[str, type[PayloadIndex]] = {
    "keyword": KeywordIndex,
    "integer": IntegerIndex,
    "bool": BoolIndex,
    "float": FloatIndex,
    "datetime": DatetimeIndex,
    "geo": GeoIndex,
}


def _kind_of_options(options: tuple[Any, ...]) -> str:
    if any(isinstance(o, str) for o in options) or not options:
        return "keyword"
    if any(isinstance(o, bool) for o in options):
        return "bool"
    return "integer"


def auto_kind(cond: FieldCondition) -> str | None:
    """The index type that answers `cond` from postings, or None (the payload scan decides)."""
    match cond:
        case FieldMatch(_, MatchValue(value)):
            return _kind_of_options((value,))
        case FieldMatch(_, MatchAny(options)) | FieldMatch(_, MatchExcept(options)):
            return _kind_of_options(tuple(options))
        case FieldMatch(_, MatchPrefix()):
            return "keyword"
        case FieldRange(_, DatetimeRange()):
            return "datetime"
        case FieldRange():
            return "float"
        case FieldGeoBoundingBox() | FieldGeoRadius() | FieldGeoPolygon():
            return "geo"
    return None


class AutoIndexes:
    """The automatic indexes of one segment, keyed by (payload key, index type).

    One lock orders builds against writes: a build reads every payload under it and a write
    updates the built indexes under it, so an index never misses a write that raced its build."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: dict[tuple[str, str], tuple[JsonPath, PayloadIndex]] = {}

    def __len__(self) -> int:
        return len(self._built)

    def get(self, cond: FieldCondition, payloads: Sequence[dict[str, Any] | None], size: int) -> PayloadIndex | None:
        kind = auto_kind(cond)
        if kind is None:
            return None
        slot = (cond.key, kind)
        with self._lock:
            entry = self._built.pop(slot, None)
            if entry is None:
                entry = self._build(cond.key, kind, payloads, size)
                while len(self._built) >= MAX_AUTO_INDEXES:
                    del self._built[next(iter(self._built))]  # least recently used
            self._built[slot] = entry  # (re)inserted last: most recently used
            return entry[1]

    @staticmethod
    def _build(key: str, kind: str, payloads: Sequence[dict[str, Any] | None],
               size: int) -> tuple[JsonPath, PayloadIndex]:
        path = parse_path(key)
        index = _CLASSES[kind](key, PayloadSchema(kind))  # type: ignore[arg-type]
        index.add_many(values_by_offset(payloads, path, range(min(size, len(payloads)))))
        return path, index

    def write(self, offset: int, payload: dict[str, Any] | None) -> None:
        """The payload at `offset` is now `payload` (None: deleted or cleared)."""
        with self._lock:  # taken even when nothing is built: a build may be under way
            for path, index in self._built.values():
                index.remove(offset)
                if payload:
                    values = extract_values(payload, path)
                    if values:
                        index.add(offset, values)

    def write_new(self, start: int, payloads: Sequence[dict[str, Any] | None]) -> None:
        """`write` of consecutive new offsets `start`, `start + 1`, ... (an ingest batch): one pass
        per built index, nothing when none is built."""
        with self._lock:
            for path, index in self._built.values():
                for offset, values in values_by_offset(payloads, path, range(len(payloads))):
                    index.add(start + offset, values)

    def drop_key(self, key: str) -> None:
        """A user index now exists on `key`: its automatic ones are no longer consulted."""
        with self._lock:
            for slot in [s for s in self._built if s[0] == key]:
                del self._built[slot]

    def clear(self) -> None:
        with self._lock:
            self._built.clear()
