"""Fusion of prefetch results: Reciprocal Rank Fusion and Distribution-Based Score Fusion.

Ties keep the order in which points first appear across the sources (stable sort), as the
reference implementation does. The same functions fuse candidates of one shard (`Found`) and, in
cluster mode, the merged answers of all shards (`ScoredPoint`): only `id` and `score` are read.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TypeVar

from engine.point_id import PointId
from engine.query.candidates import Found
from engine.types.points import ScoredPoint

F = TypeVar("F", Found, ScoredPoint)

DEFAULT_RRF_K = 2
"""Qdrant's default ranking constant for `fusion: rrf` (the `rrf.k` of the query when not given)."""


def rrf(sources: list[list[F]], limit: int, k: int | None = None,
        weights: list[float] | None = None) -> list[F]:
    """score(p) = Σ over sources of 1 / ((rank + 1) / weight + k - 1); a weight <= 0 contributes 0."""
    constant = DEFAULT_RRF_K if k is None else k
    scores: dict[PointId, float] = {}
    first: dict[PointId, F] = {}
    for i, source in enumerate(sources):
        weight = 1.0 if weights is None else weights[i]
        for rank, f in enumerate(source):
            part = 0.0 if weight <= 0 else 1.0 / ((rank + 1.0) / weight + constant - 1.0)
            if f.id in scores:
                scores[f.id] += part
            else:
                scores[f.id] = part
                first[f.id] = f
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)[:limit]
    return [replace(first[pid], score=score, order_value=None) for pid, score in ranked]


def _normalised(source: list[F]) -> list[float]:
    """Scores mapped through mean ± 3σ (sample variance) onto [0, 1]-ish; 0.5 when undefined."""
    if len(source) == 1:
        return [0.5]
    scores = [f.score for f in source]
    mean = sum(scores) / len(scores)
    variance = sum((s - mean) ** 2 for s in scores) / (len(scores) - 1)
    if variance == 0:
        return [0.5] * len(scores)
    std = math.sqrt(variance)
    low, high = mean - 3 * std, mean + 3 * std
    return [(s - low) / (high - low) for s in scores]


def dbsf(sources: list[list[F]], limit: int) -> list[F]:
    totals: dict[PointId, float] = {}
    first: dict[PointId, F] = {}
    for source in sources:
        if not source:
            continue
        for f, score in zip(source, _normalised(source), strict=True):
            if f.id in totals:
                totals[f.id] += score
            else:
                totals[f.id] = score
                first[f.id] = f
    ranked = sorted(totals.items(), key=lambda kv: kv[1], reverse=True)[:limit]
    return [replace(first[pid], score=score, order_value=None) for pid, score in ranked]
