"""REST JSON `formula` expressions → engine expression trees (the shapes of Qdrant's `Expression`)."""

from __future__ import annotations

from typing import Any

from engine.errors import MalformedRequest
from engine.types.expressions import (
    ConditionExpr,
    Constant,
    DatetimeExpr,
    DatetimeKeyExpr,
    Decay,
    DecayKind,
    Div,
    Expression,
    GeoDistanceExpr,
    Mult,
    Pow,
    Sum,
    Unary,
    UnaryOp,
    Variable,
)
from engine.types.filters import GeoPoint
from server.convert.filters import filter_from_json
from server.convert.json_fields import expect_object, format_error, opt_float, req

UNARY: tuple[UnaryOp, ...] = ("neg", "abs", "sqrt", "exp", "log10", "ln")
DECAYS: dict[str, DecayKind] = {"lin_decay": "lin", "exp_decay": "exp", "gauss_decay": "gauss"}


def _list(raw: Any, what: str) -> tuple[Expression, ...]:
    if not isinstance(raw, list):
        raise format_error(f"`{what}` must be a list of expressions")
    return tuple(expression(item) for item in raw)


def _geo_point(raw: Any) -> GeoPoint:
    obj = expect_object(raw, "origin")
    lon, lat = req(obj, "lon"), req(obj, "lat")
    if isinstance(lon, bool) or isinstance(lat, bool) or not isinstance(lon, int | float) \
            or not isinstance(lat, int | float):
        raise format_error("`origin` must have numeric `lon` and `lat`")
    return GeoPoint(lon=float(lon), lat=float(lat))


def _decay(kind: DecayKind, raw: Any) -> Decay:
    obj = expect_object(raw, "decay")
    target = obj.get("target")
    return Decay(kind=kind, x=expression(req(obj, "x")), target=None if target is None else expression(target),
                 scale=opt_float(obj, "scale"), midpoint=opt_float(obj, "midpoint"))


_CONDITION_KEYS = ("key", "is_empty", "is_null", "has_id", "has_vector", "nested")
_FILTER_KEYS = ("must", "should", "must_not", "min_should")


def _operation(key: str, raw: Any) -> Expression:
    """The operation variant named by `key`, its params read (unknown params are ignored)."""
    match key:
        case "geo_distance":
            obj = expect_object(raw, "geo_distance")
            to = req(obj, "to")
            if not isinstance(to, str):
                raise format_error("`geo_distance.to` must be a payload key")
            return GeoDistanceExpr(_geo_point(req(obj, "origin")), to)
        case "datetime" | "datetime_key":
            if not isinstance(raw, str):
                raise format_error(f"`{key}` must be a string")
            return DatetimeExpr(raw) if key == "datetime" else DatetimeKeyExpr(raw)
        case "mult":
            return Mult(_list(raw, "mult"))
        case "sum":
            return Sum(_list(raw, "sum"))
        case "div":
            obj = expect_object(raw, "div")
            return Div(expression(req(obj, "left")), expression(req(obj, "right")), opt_float(obj, "by_zero_default"))
        case "pow":
            obj = expect_object(raw, "pow")
            return Pow(expression(req(obj, "base")), expression(req(obj, "exponent")))
        case _ if key in DECAYS:
            return _decay(DECAYS[key], raw)
    return Unary(next(o for o in UNARY if o == key), expression(raw))


_OPERATIONS = ("geo_distance", "datetime", "datetime_key", "mult", "sum", "neg", "abs", "div", "sqrt", "pow",
               "exp", "log10", "ln", "lin_decay", "exp_decay", "gauss_decay")
"""The operation variants of Qdrant's untagged `Expression`, in its order (lib/api/src/rest/schema.rs)."""


def expression(raw: Any) -> Expression:
    """One expression, read as serde reads Qdrant's untagged `Expression`: a number, a variable, a
    condition (tried before the operations: an object with a condition's key, or one a Filter reads),
    else the first operation variant whose key is present and whose params read. No variant denies
    unknown fields, so other keys are ignored."""
    match raw:
        case bool():
            raise format_error("an expression cannot be a boolean")
        case int() | float():
            return Constant(float(raw))
        case str():
            return Variable(raw)
        case dict() if any(k in raw for k in _CONDITION_KEYS) or all(k in _FILTER_KEYS for k in raw):
            parsed = filter_from_json({"must": [raw]})
            if parsed is None or len(parsed.must) != 1:
                raise format_error("invalid expression")
            return ConditionExpr(parsed.must[0])
        case dict():
            for key in _OPERATIONS:
                if key in raw:
                    try:
                        return _operation(key, raw[key])
                    except MalformedRequest:
                        continue
    raise format_error("data did not match any variant of untagged enum Expression")
