"""Custom scoring objectives of recommend (best_score, sum_scores), discover and context, computed
exactly over the points that pass the filter, from Qdrant's internal ("core") scores.

Every score comes from `score_points`, so any vector kind it supports works here; the objectives
themselves are numpy over the candidate set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.errors import BadRequest
from engine.query.candidates import Found, merge_filters
from engine.query.feedback import naive_feedback
from engine.segment import Segment
from engine.shard.holder import ShardView
from engine.shard.search import score_groups
from engine.types.config import Distance
from engine.types.filters import Filter, HasVector
from engine.types.requests import (
    ContextPair,
    ContextQuery,
    DiscoverQuery,
    RecommendQuery,
    RecommendStrategy,
    RelevanceFeedbackQuery,
)

EPSILON = np.float32(1.1920929e-7)
"""f32::EPSILON: context pairs need the positive strictly closer than the negative."""

CustomQuery = RecommendQuery | DiscoverQuery | ContextQuery | RelevanceFeedbackQuery


def average_vector(positive: list[Any], negative: list[Any]) -> np.ndarray:
    """`average_vector`: avg(positive) + (avg(positive) - avg(negative)), as Qdrant. Multivectors
    concatenate the positive rows and the negated negative rows (as the reference)."""
    examples = positive + negative
    if any(not isinstance(v, np.ndarray) for v in examples):
        raise BadRequest("the average_vector strategy is not supported for sparse vectors by this server yet; "
                         "use best_score or sum_scores")
    if any(v.ndim == 2 for v in examples):
        return np.concatenate([*positive, *(-v for v in negative)]).astype(np.float32)
    pos = np.mean(np.stack(positive), axis=0)
    if not negative:
        return pos.astype(np.float32)
    return (pos + pos - np.mean(np.stack(negative), axis=0)).astype(np.float32)


def core_scores(space: Distance | None, scores: np.ndarray) -> np.ndarray:
    """Qdrant's internal scores (bigger is better): similarities as they are, Euclid as -d², Manhattan
    as -d. The objectives below combine these, not the distances users see."""
    match space:
        case Distance.EUCLID:
            return -(scores * scores)
        case Distance.MANHATTAN:
            return -scores
    return scores


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return x / (1.0 + np.abs(x))


def _scaled_sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (_sigmoid(x) + 1.0)


class _Scorer:
    def __init__(self, col: ShardView, using: str, groups: list[tuple[Segment, np.ndarray]],
                 idf_corpus: Filter | None = None) -> None:
        self.col, self.using, self.groups = col, using, groups
        self.idf_corpus = col.compile(idf_corpus)  # once, not per example
        params = col.config.params.vectors.get(using)
        self.space = None if params is None else params.distance
        self.sparse = col.config.params.sparse(using) is not None

    def __call__(self, vector: Any) -> np.ndarray:
        raw = np.asarray(score_groups(self.col, self.using, vector, self.groups, self.idf_corpus), dtype=np.float32)
        if self.sparse:
            # every candidate has the vector; sharing no index with an example is a dot product of 0
            # (Qdrant scores these queries over all points with the vector, not the inverted index)
            raw = np.nan_to_num(raw, nan=0.0)
        return core_scores(self.space, raw)


def _best(scorer: _Scorer, examples: list[Any], n: int) -> np.ndarray:
    if not examples:
        return np.full(n, -np.inf, dtype=np.float32)
    return np.max(np.stack([scorer(v) for v in examples]), axis=0)


def _total(scorer: _Scorer, examples: list[Any], n: int) -> np.ndarray:
    if not examples:
        return np.zeros(n, dtype=np.float32)
    return np.sum(np.stack([scorer(v) for v in examples]), axis=0)


def _pair_sides(scorer: _Scorer, pair: ContextPair) -> tuple[np.ndarray, np.ndarray]:
    return scorer(pair.positive.vector), scorer(pair.negative.vector)


def objective(query: CustomQuery, scorer: _Scorer, n: int) -> np.ndarray:
    """Scores of the `n` candidates for a resolved custom query (NaN where a vector is missing)."""
    match query:
        case RecommendQuery(positive=positive, negative=negative, strategy=RecommendStrategy.BEST_SCORE):
            pos = _best(scorer, [v.vector for v in positive], n)
            neg = _best(scorer, [v.vector for v in negative], n)
            with np.errstate(invalid="ignore"):
                return np.where(pos > neg, _scaled_sigmoid(pos), -_scaled_sigmoid(neg))
        case RecommendQuery(positive=positive, negative=negative):
            return _total(scorer, [v.vector for v in positive], n) - _total(scorer, [v.vector for v in negative], n)
        case DiscoverQuery(target=target, context=context):
            ranks = np.zeros(n, dtype=np.float32)
            for pair in context:
                pos, neg = _pair_sides(scorer, pair)
                ranks += np.sign(pos - neg).astype(np.float32)
            return ranks + _scaled_sigmoid(scorer(target.vector))
        case RelevanceFeedbackQuery():
            return naive_feedback(query, scorer)
        case ContextQuery(context=context):
            total = np.zeros(n, dtype=np.float32)
            for pair in context:
                pos, neg = _pair_sides(scorer, pair)
                total += _sigmoid(np.minimum(pos - neg - EPSILON, 0.0)).astype(np.float32)
            return total


def search_custom(col: ShardView, using: str, query: CustomQuery, flt: Filter | None, limit: int,
                  threshold: float | None, idf_corpus: Filter | None = None) -> list[Found]:
    """The best `limit` points by the objective of `query` (bigger is better), exact. Sparse
    examples are IDF-weighted over `idf_corpus` (None: the whole collection)."""
    compiled = col.compile(merge_filters(flt, Filter(must=(HasVector(using),))))
    groups = [(seg, seg.matching(compiled)) for seg in col.segments]
    groups = [(seg, offsets) for seg, offsets in groups if offsets.size]
    if not groups:
        return []
    seg_of = np.concatenate([np.full(o.shape[0], i, dtype=np.int64) for i, (_, o) in enumerate(groups)])
    offset_of = np.concatenate([o for _, o in groups])
    scores = objective(query, _Scorer(col, using, groups, idf_corpus), int(offset_of.shape[0])).astype(np.float32)
    keep = ~np.isnan(scores)
    if threshold is not None:
        keep &= scores >= threshold
    candidates = np.flatnonzero(keep)
    best = candidates[np.argsort(-scores[candidates], kind="stable")[:limit]]
    return [Found(groups[int(seg_of[i])][0].point_id(int(offset_of[i])), float(scores[i]),
                  groups[int(seg_of[i])][0], int(offset_of[i])) for i in best]
