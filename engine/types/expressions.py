"""Formula expressions (`query: {formula: ...}`): a small tree evaluated per prefetched point."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.types.filters import Condition, GeoPoint


@dataclass(frozen=True, slots=True)
class Constant:
    value: float


@dataclass(frozen=True, slots=True)
class Variable:
    """`$score`, `$score[i]` (score of the i-th prefetch) or a payload key (number)."""

    name: str


@dataclass(frozen=True, slots=True)
class ConditionExpr:
    """1.0 where the point satisfies the filter condition, else 0.0."""

    condition: Condition


@dataclass(frozen=True, slots=True)
class GeoDistanceExpr:
    """Haversine metres from `origin` to the geo point at payload key `to`."""

    origin: GeoPoint
    to: str


@dataclass(frozen=True, slots=True)
class DatetimeExpr:
    """A constant datetime, as seconds since the epoch."""

    value: str


@dataclass(frozen=True, slots=True)
class DatetimeKeyExpr:
    """The datetime at payload key `key`, as seconds since the epoch."""

    key: str


@dataclass(frozen=True, slots=True)
class Mult:
    items: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Sum:
    items: tuple[Expression, ...]


@dataclass(frozen=True, slots=True)
class Div:
    left: Expression
    right: Expression
    by_zero_default: float | None = None


@dataclass(frozen=True, slots=True)
class Pow:
    base: Expression
    exponent: Expression


UnaryOp = Literal["neg", "abs", "sqrt", "exp", "log10", "ln"]


@dataclass(frozen=True, slots=True)
class Unary:
    op: UnaryOp
    arg: Expression


DecayKind = Literal["lin", "exp", "gauss"]


@dataclass(frozen=True, slots=True)
class Decay:
    kind: DecayKind
    x: Expression
    target: Expression | None = None
    scale: float | None = None
    midpoint: float | None = None


Expression = (Constant | Variable | ConditionExpr | GeoDistanceExpr | DatetimeExpr | DatetimeKeyExpr | Mult
              | Sum | Div | Pow | Unary | Decay)
