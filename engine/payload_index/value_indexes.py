"""Indexes over scalar values: keyword, uuid, integer, float, bool and datetime.

Each maps a value to a numeric code in a `SortedColumn`. Strings get term codes from a
dictionary; integers are their own code; datetimes are microseconds since the epoch. A
condition the index has no fast path for is answered by testing each *distinct* indexed value
with the scan predicate (the number of distinct values, not of points).
"""

from __future__ import annotations

import math
import uuid
from typing import Any

import numpy as np

from engine.filters.datetimes import parse_datetime, to_micros
from engine.filters.values import field_value_matches
from engine.payload_index.base import PayloadIndex
from engine.payload_index.column import SortedColumn
from engine.types.filters import (
    DatetimeRange,
    FieldCondition,
    FieldMatch,
    FieldRange,
    MatchAny,
    MatchExcept,
    MatchValue,
    Range,
)
from engine.types.payload_schema import PayloadSchema

_EMPTY = np.empty(0, dtype=np.int64)
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
F64_EXACT = 2**53


class _CodedIndex(PayloadIndex):
    """Shared plumbing: values → codes in a sorted column; generic distinct-value fallback."""

    _dtype: type[np.generic] = np.int64

    def __init__(self, key: str, schema: PayloadSchema) -> None:
        super().__init__(key, schema)
        self._column = SortedColumn(self._dtype)

    def _code(self, value: Any) -> int | float:
        raise NotImplementedError

    def _decode(self, code: Any) -> Any | None:
        """The value behind a code, or None when codes lose information."""
        return None

    def _store(self, offset: int, values: list[Any]) -> None:
        self._column.put(offset, [self._code(v) for v in values])

    def _store_many(self, batch: list[tuple[int, list[Any]]]) -> None:
        code = self._code
        self._column.put_many([(offset, [code(v) for v in values]) for offset, values in batch])

    def _unstore(self, offset: int) -> None:
        self._column.drop(offset)

    def _by_distinct(self, cond: FieldCondition) -> np.ndarray | None:
        codes = self._column.distinct()
        if codes.size and self._decode(codes[0]) is None:
            return None
        hits = [c for c in codes.tolist() if field_value_matches(cond, self._decode(c))]
        return self._column.isin(np.array(hits, dtype=self._dtype)) if hits else _EMPTY

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        return self._by_distinct(cond)

    def value_counts(self, among: np.ndarray | None) -> list[tuple[Any, int]] | None:
        """(value, number of points) for every indexed value, counting only the offsets set in
        `among` (bool mask; None = every indexed point): a facet read from the postings, without
        visiting points. None when codes do not decode to values (floats, datetimes)."""
        with self._lock:
            codes, offs = self._column.arrays()
            if among is not None:
                keep = np.zeros(offs.shape[0], dtype=bool)
                inside = offs < among.shape[0]
                keep[inside] = among[offs[inside]]
                codes = codes[keep]
            distinct, counts = np.unique(codes, return_counts=True)  # one (code, offset) pair per point
            values = [self._decode(c) for c in distinct.tolist()]
        if any(v is None for v in values):
            return None
        return list(zip(values, counts.tolist(), strict=True))


class KeywordIndex(_CodedIndex):
    """Strings, exact. `match: value / any / except` via term codes, `prefix` by term scan."""

    def __init__(self, key: str, schema: PayloadSchema) -> None:
        super().__init__(key, schema)
        self._terms: dict[str, int] = {}
        self._term_list: list[str] = []

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, str)

    def _code(self, value: Any) -> int:
        code = self._terms.get(value)
        if code is None:
            code = self._terms[value] = len(self._term_list)
            self._term_list.append(value)
        return code

    def _decode(self, code: Any) -> Any | None:
        return self._term_list[int(code)]

    def _codes_of(self, values: tuple[Any, ...]) -> np.ndarray:
        found = [self._terms[v] for v in values if isinstance(v, str) and v in self._terms]
        return np.array(found, dtype=np.int64)

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        match cond:
            case FieldMatch(_, MatchValue(str() as value)):
                code = self._terms.get(value)
                return _EMPTY if code is None else self._column.equal(code)
            case FieldMatch(_, MatchAny(options)):
                return self._column.isin(self._codes_of(options))
            case FieldMatch(_, MatchExcept(excluded)):
                return self._column.isin(self._codes_of(excluded), invert=True)
        return self._by_distinct(cond)


class UuidIndex(KeywordIndex):
    """Strings that parse as UUIDs; matched exactly as written (like keyword)."""

    def _accepts(self, value: Any) -> bool:
        if not isinstance(value, str):
            return False
        try:
            uuid.UUID(value)
        except ValueError:
            return False
        return True


def int_bounds(r: Range) -> tuple[int | None, int | None] | None:
    """Inclusive integer bounds equivalent to `r` for integer values; None when nothing fits."""
    lo: int | None = None
    hi: int | None = None
    for bound, kind in ((r.gt, "gt"), (r.gte, "gte"), (r.lt, "lt"), (r.lte, "lte")):
        if bound is None:
            continue
        x = float(bound)
        if math.isnan(x):
            return None
        if kind in ("gt", "gte"):
            if x == math.inf:
                return None
            if x == -math.inf:
                continue
            low = math.floor(x) + 1 if kind == "gt" else math.ceil(x)
            lo = low if lo is None else max(lo, low)
        else:
            if x == -math.inf:
                return None
            if x == math.inf:
                continue
            high = math.ceil(x) - 1 if kind == "lt" else math.floor(x)
            hi = high if hi is None else min(hi, high)
    if lo is not None and hi is not None and lo > hi:
        return None
    return lo, hi


class IntegerIndex(_CodedIndex):
    """int64 values (bools and floats are not integers). `lookup` / `range` params gate use."""

    def _accepts(self, value: Any) -> bool:
        return type(value) is int and I64_MIN <= value <= I64_MAX

    def _code(self, value: Any) -> int:
        return int(value)

    def _decode(self, code: Any) -> Any | None:
        return int(code)

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        lookup = bool(self.schema.option("lookup", True))
        ranged = bool(self.schema.option("range", True))
        match cond:
            case FieldMatch(_, MatchValue(int() as value)) if lookup and not isinstance(value, bool):
                return self._column.equal(value) if I64_MIN <= value <= I64_MAX else _EMPTY
            case FieldMatch(_, MatchValue()) if lookup:
                return _EMPTY  # strings and bools are never integers
            case FieldMatch(_, MatchAny(options)) if lookup:
                ints = [o for o in options if type(o) is int and I64_MIN <= o <= I64_MAX]
                return self._column.isin(np.array(ints, dtype=np.int64))
            case FieldMatch(_, MatchExcept(excluded)) if lookup:
                ints = [o for o in excluded if type(o) is int and I64_MIN <= o <= I64_MAX]
                return self._column.isin(np.array(ints, dtype=np.int64), invert=True)
            case FieldRange(_, Range() as r) if ranged:
                bounds = int_bounds(r)
                if bounds is None:
                    return _EMPTY
                lo, hi = bounds
                lo = None if lo is None or lo < I64_MIN else min(lo, I64_MAX + 1)
                hi = None if hi is None or hi > I64_MAX else max(hi, I64_MIN - 1)
                if (lo is not None and lo > I64_MAX) or (hi is not None and hi < I64_MIN):
                    return _EMPTY
                return self._column.between(lo, hi, lo_open=False, hi_open=False)
            case FieldRange(_, DatetimeRange()):
                return _EMPTY  # integers are never datetimes
            case FieldMatch() if not lookup:
                return None
            case FieldRange() if not ranged:
                return None
            case FieldMatch():
                return self._by_distinct(cond)
        return _EMPTY  # geo conditions never hold on integers


class FloatIndex(_CodedIndex):
    """Numbers (ints and floats) as float64; answers ranges only (exact match keeps int/float apart)."""

    _dtype = np.float64

    def _accepts(self, value: Any) -> bool:
        if type(value) is float:
            return not math.isnan(value)
        return type(value) is int and -F64_EXACT <= value <= F64_EXACT

    def _code(self, value: Any) -> float:
        return float(value)

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        match cond:
            case FieldRange(_, Range(lt=lt, gt=gt, gte=gte, lte=lte)):
                if any(b is not None and math.isnan(b) for b in (lt, gt, gte, lte)):
                    return _EMPTY
                lo_open, hi_open = gte is None, lte is None
                lo = _tighter(gt, gte, max)
                hi = _tighter(lt, lte, min)
                if gt is not None and gte is not None:
                    lo_open = gt >= gte
                if lt is not None and lte is not None:
                    hi_open = lt <= lte
                return self._column.between(lo, hi, lo_open, hi_open)
            case FieldRange(_, DatetimeRange()):
                return _EMPTY
        return None


def _tighter(a: float | None, b: float | None, pick: Any) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return float(pick(a, b))


class BoolIndex(_CodedIndex):
    _dtype = np.int8

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, bool)

    def _code(self, value: Any) -> int:
        return int(value)

    def _decode(self, code: Any) -> Any | None:
        return bool(code)

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        match cond:
            case FieldMatch(_, MatchValue(bool() as value)):
                return self._column.equal(int(value))
        return self._by_distinct(cond)


class DatetimeIndex(_CodedIndex):
    """Strings Qdrant parses as datetimes, as int64 microseconds (UTC); answers datetime ranges."""

    def _accepts(self, value: Any) -> bool:
        return isinstance(value, str) and parse_datetime(value) is not None

    def _code(self, value: Any) -> int:
        dt = parse_datetime(value)
        return 0 if dt is None else to_micros(dt)  # never None: _accepts parsed it already

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        match cond:
            case FieldRange(_, DatetimeRange(lt=lt, gt=gt, gte=gte, lte=lte)):
                lows = [to_micros(gt) + 1] if gt is not None else []
                lows += [to_micros(gte)] if gte is not None else []
                highs = [to_micros(lt) - 1] if lt is not None else []
                highs += [to_micros(lte)] if lte is not None else []
                lo = max(lows) if lows else None
                hi = min(highs) if highs else None
                return self._column.between(lo, hi, lo_open=False, hi_open=False)
            case FieldRange(_, Range()):
                return _EMPTY  # strings are never numbers
        return None
