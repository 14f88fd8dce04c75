"""Combining cardinality estimates through must / should / must_not (as Qdrant's planner does)."""

from __future__ import annotations

from collections.abc import Sequence

from engine.filters.target import Cardinality


def exact(n: int) -> Cardinality:
    return Cardinality(n, n, n)


def unknown(total: int) -> Cardinality:
    return Cardinality(0, total // 2, total)


def invert(c: Cardinality, total: int) -> Cardinality:
    return Cardinality(total - c.max, total - c.expected, total - c.min)


def all_of(parts: Sequence[Cardinality], total: int) -> Cardinality:
    if not parts:
        return exact(total)
    if total == 0:
        return exact(0)
    low = max(0, sum(p.min for p in parts) - (len(parts) - 1) * total)
    ratio = 1.0
    for p in parts:
        ratio *= p.expected / total
    high = min(p.max for p in parts)
    return Cardinality(min(low, high), min(max(low, round(ratio * total)), high), high)


def any_of(parts: Sequence[Cardinality], total: int) -> Cardinality:
    if not parts:
        return exact(0)
    if total == 0:
        return exact(0)
    low = max(p.min for p in parts)
    miss = 1.0
    for p in parts:
        miss *= 1 - p.expected / total
    high = min(total, sum(p.max for p in parts))
    return Cardinality(low, min(max(low, round((1 - miss) * total)), high), high)


def at_least(parts: Sequence[Cardinality], count: int, total: int) -> Cardinality:
    """`count` of `parts` hold: bounded by all-of below and any-of above."""
    if count > len(parts):
        return exact(0)
    if count == len(parts):
        return all_of(parts, total)
    upper = any_of(parts, total)
    return Cardinality(0, upper.expected // count, upper.max)
