"""REST JSON `formula` expressions → engine expression trees (the shapes of Qdrant's `Expression`)."""

from __future__ import annotations

from typing import Any

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


def expression(raw: Any) -> Expression:
    match raw:
        case bool():
            raise format_error("an expression cannot be a boolean")
        case int() | float():
            return Constant(float(raw))
        case str():
            return Variable(raw)
        case {"mult": items} if len(raw) == 1:
            return Mult(_list(items, "mult"))
        case {"sum": items} if len(raw) == 1:
            return Sum(_list(items, "sum"))
        case {"div": params} if len(raw) == 1:
            obj = expect_object(params, "div")
            return Div(expression(req(obj, "left")), expression(req(obj, "right")), opt_float(obj, "by_zero_default"))
        case {"pow": params} if len(raw) == 1:
            obj = expect_object(params, "pow")
            return Pow(expression(req(obj, "base")), expression(req(obj, "exponent")))
        case {"geo_distance": params} if len(raw) == 1:
            obj = expect_object(params, "geo_distance")
            to = req(obj, "to")
            if not isinstance(to, str):
                raise format_error("`geo_distance.to` must be a payload key")
            return GeoDistanceExpr(_geo_point(req(obj, "origin")), to)
        case {"datetime": str() as text} if len(raw) == 1:
            return DatetimeExpr(text)
        case {"datetime_key": str() as key} if len(raw) == 1:
            return DatetimeKeyExpr(key)
        case dict() if len(raw) == 1 and next(iter(raw)) in UNARY:
            op = next(iter(raw))
            return Unary(next(o for o in UNARY if o == op), expression(raw[op]))
        case dict() if len(raw) == 1 and next(iter(raw)) in DECAYS:
            key = next(iter(raw))
            return _decay(DECAYS[key], raw[key])
        case dict():
            parsed = filter_from_json({"must": [raw]})
            if parsed is None or len(parsed.must) != 1:
                raise format_error("invalid expression")
            return ConditionExpr(parsed.must[0])
    raise format_error("invalid expression: expected a number, a variable, a condition or an operation")
