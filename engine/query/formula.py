"""Formula rescoring: evaluate an expression per prefetched point from its prefetch scores
(`$score`, `$score[i]`), payload values, filter conditions, geo distances, datetimes and decays.

Semantics follow Qdrant 1.19 (lib/segment/src/index/query_optimization/rescore_formula/
formula_scorer.rs): a missing `$score[i]` is the default or 0; a payload variable with no value and
no default is an error. A variable reads the payload, so a stored `null` is a value (not a number:
an error, the default is not used); a key with a payload index reads the index instead
(value_retriever/helpers.rs), which holds only values of its type, so there a `null` or a value of
another type counts as missing and the default applies. These and non-finite results are Qdrant's
`bad_input` errors (400 `Wrong input: ...`), never a silent NaN.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from engine.errors import BadInput, BadRequest
from engine.filters.datetimes import parse_datetime
from engine.filters.geo import as_geo_point, haversine
from engine.json_path import extract_values
from engine.point_id import PointId
from engine.query.candidates import Found
from engine.segment import Segment
from engine.shard.holder import ShardView
from engine.types.expressions import (
    ConditionExpr,
    Constant,
    DatetimeExpr,
    DatetimeKeyExpr,
    Decay,
    Div,
    Expression,
    GeoDistanceExpr,
    Mult,
    Pow,
    Sum,
    Unary,
    Variable,
)
from engine.types.filters import Filter
from engine.types.requests import FormulaQuery

_SCORE = re.compile(r"\$score(?:\[(\d+)\])?")


def score_index(name: str) -> int | None:
    """0 for `$score`, i for `$score[i]`, None for a payload key; BadRequest for a malformed `$score…`."""
    if not name.startswith("$score"):
        return None
    match = _SCORE.fullmatch(name)
    if match is None:
        raise BadRequest(f"Invalid score pattern: {name}")
    return int(match.group(1) or 0)


def _non_finite(text: str) -> BadInput:
    return BadInput(f"The expression {text} produced a non-finite number")


def _type_error(key: str, expected: str, description: str) -> BadInput:
    """Qdrant's `OperationError::VariableTypeError` text."""
    return BadInput(f"Expected {expected} value for {key} in the payload and/or in the formula defaults. "
                    f"Error: {description}")


def _indexed_kind(value: Any, kind: str) -> bool:
    """Whether a payload index of type `kind` holds `value` (what its value retriever returns)."""
    match kind:
        case "integer":
            return isinstance(value, int) and not isinstance(value, bool)
        case "float":
            return isinstance(value, int | float) and not isinstance(value, bool)
        case "bool":
            return isinstance(value, bool)
        case "keyword" | "uuid":
            return isinstance(value, str)
        case "datetime":
            return isinstance(value, str) and parse_datetime(value) is not None
        case "geo":
            return as_geo_point(value) is not None
    return value is not None


_RETRIEVER_INDEXES = ("integer", "float", "bool", "keyword", "uuid", "datetime", "geo")
"""Index types whose values a formula reads instead of the payload (a text index has no retriever)."""


class _Point:
    """What an expression may read about one point."""

    def __init__(self, evaluator: _Evaluator, found: Found) -> None:
        self.ev, self.found = evaluator, found
        self.payload = found.seg.payload_at(found.offset) or {}

    def value(self, key: str, expected: str) -> Any:
        """The value of `key` (several values: the list of them), else its default, else an error."""
        values = extract_values(self.payload, key)
        schema = self.ev.col.payload_schema.get(key)
        if schema is not None and schema.type in _RETRIEVER_INDEXES:
            values = [v for v in values if _indexed_kind(v, schema.type)]
        if values:
            return values[0] if len(values) == 1 else values
        if key in self.ev.defaults:
            return self.ev.defaults[key]
        raise _type_error(key, expected, "No value found in a payload nor defaults")


class _Evaluator:
    def __init__(self, col: ShardView, query: FormulaQuery, sources: list[list[Found]]) -> None:
        self.col = col
        self.defaults = query.defaults
        self.scores: list[dict[PointId, float]] = [{f.id: f.score for f in source} for source in sources]
        self._matches: dict[tuple[int, int], set[int]] = {}

    def matches(self, expr: ConditionExpr, seg: Segment, offset: int) -> bool:
        key = (id(expr), id(seg))
        if key not in self._matches:
            compiled = self.col.compile(Filter(must=(expr.condition,)))
            self._matches[key] = {int(o) for o in seg.matching(compiled)}
        return offset in self._matches[key]

    def variable(self, name: str, point: _Point) -> float:
        index = score_index(name)
        if index is None:
            value = point.value(name, "number")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise _type_error(name, "number", "Value is not a number")
            return float(value)
        if index < len(self.scores) and point.found.id in self.scores[index]:
            return self.scores[index][point.found.id]
        default = self.defaults.get(name)
        return float(default) if isinstance(default, int | float) and not isinstance(default, bool) else 0.0

    def eval(self, expr: Expression, p: _Point) -> float:
        match expr:
            case Constant(value=value):
                return float(value)
            case Variable(name=name):
                return self.variable(name, p)
            case ConditionExpr():
                return 1.0 if self.matches(expr, p.found.seg, p.found.offset) else 0.0
            case Mult(items=items):
                product = 1.0
                for item in items:
                    factor = self.eval(item, p)
                    if factor == 0.0:
                        return factor
                    product *= factor
                return product
            case Sum(items=items):
                return float(sum(self.eval(item, p) for item in items))
            case Div(left=left, right=right, by_zero_default=default):
                a = self.eval(left, p)
                if a == 0.0:
                    return a
                b = self.eval(right, p)
                if b == 0.0:
                    if default is not None:
                        return float(default)
                    raise _non_finite(f"{a}/{b}")
                return _finite(a / b, f"{a}/{b}")
            case Pow(base=base, exponent=exponent):
                x, y = self.eval(base, p), self.eval(exponent, p)
                try:
                    return _finite(math.pow(x, y), f"{x}^{y}")
                except (OverflowError, ValueError):
                    raise _non_finite(f"{x}^{y}") from None
            case Unary(op=op, arg=arg):
                return _unary(op, self.eval(arg, p))
            case GeoDistanceExpr(origin=origin, to=to):
                point = as_geo_point(p.value(to, "geo point"))
                if point is None:
                    raise _type_error(to, "geo point", "Value is not a geo point")
                lat, lon = point
                return haversine(origin.lat, origin.lon, lat, lon)
            case DatetimeExpr(value=text):
                return _timestamp(text, f"Expected datetime in supported format for {text}")
            case DatetimeKeyExpr(key=key):
                raw = p.value(key, "datetime")
                if not isinstance(raw, str):
                    raise _type_error(key, "datetime", "Value is not a string")
                moment = parse_datetime(raw)
                if moment is None:
                    raise _type_error(key, "datetime", f"invalid datetime: {raw}")
                return moment.timestamp()
            case Decay():
                return self.decay(expr, p)

    def decay(self, d: Decay, p: _Point) -> float:
        x = self.eval(d.x, p)
        target = 0.0 if d.target is None else self.eval(d.target, p)
        midpoint = 0.5 if d.midpoint is None else d.midpoint
        if midpoint <= 0.0 or midpoint >= 1.0:
            raise BadRequest(f"Midpoint must be between 0 and 1, got {midpoint}")
        scale = 1.0 if d.scale is None else d.scale
        if scale <= 0.0:
            raise BadRequest(f"Scale must be non-zero positive, got {scale}")
        match d.kind:
            case "lin":
                return max(0.0, -((1.0 - midpoint) / scale) * abs(x - target) + 1.0)
            case "exp":
                return math.exp(math.log(midpoint) / scale * abs(x - target))
            case "gauss":
                return math.exp(math.log(midpoint) / (scale * scale) * (x - target) ** 2)


def _finite(value: float, text: str) -> float:
    if not math.isfinite(value):
        raise _non_finite(text)
    return value


def _unary(op: str, x: float) -> float:
    match op:
        case "neg":
            return -x
        case "abs":
            return abs(x)
        case "sqrt":
            if x < 0:
                raise _non_finite(f"√{x}")
            return math.sqrt(x)
        case "exp":
            try:
                return math.exp(x)
            except OverflowError:
                raise _non_finite(f"exp({x})") from None
        case "log10" | "ln":
            if x <= 0:
                raise _non_finite(f"{op}({x})")
            return math.log10(x) if op == "log10" else math.log(x)
    raise BadRequest(f"unknown operation {op}")


def _timestamp(raw: Any, error: str) -> float:
    moment = parse_datetime(raw) if isinstance(raw, str) else None
    if moment is None:
        raise BadRequest(error)
    return moment.timestamp()


def rescore(col: ShardView, query: FormulaQuery, sources: list[list[Found]], limit: int,
            threshold: float | None) -> list[Found]:
    """Each point found by any prefetch, scored by the formula (as f32), best first."""
    evaluator = _Evaluator(col, query, sources)
    seen: dict[PointId, Found] = {}
    for source in sources:
        for f in source:
            seen.setdefault(f.id, f)
    out: list[Found] = []
    for f in seen.values():
        score = np.float32(evaluator.eval(query.formula, _Point(evaluator, f)))
        if not np.isfinite(score):
            raise _non_finite(f"{score}")
        out.append(Found(f.id, float(score), f.seg, f.offset))
    out.sort(key=lambda f: f.score, reverse=True)
    if threshold is not None:
        out = [f for f in out if f.score >= threshold]
    return out[:limit]
