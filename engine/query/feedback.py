"""Relevance feedback, `naive` strategy (Qdrant's FeedbackQuery): the target's similarity weighted by
`a`, plus a context term for every ordered pair of feedback examples with a positive confidence
(score difference): confidence^b * c * (sim(better example) - sim(worse example)). Similarities are
core scores (see scorers.core_scores); the result is the score users see, as in Qdrant."""

from __future__ import annotations

from collections.abc import Callable
from itertools import permutations
from typing import Any

import numpy as np

from engine.types.requests import RelevanceFeedbackQuery

CONFIDENCE_MARGIN = 0.0
"""Pairs whose scores differ by no more than this carry no information (Qdrant's margin)."""


def naive_feedback(query: RelevanceFeedbackQuery, similarity: Callable[[Any], np.ndarray]) -> np.ndarray:
    """Scores of the candidates `similarity` scores (core scores per example vector)."""
    total = np.float32(query.a) * similarity(query.target.vector)
    cache: dict[int, np.ndarray] = {}

    def sim(index: int) -> np.ndarray:
        if index not in cache:
            cache[index] = similarity(query.feedback[index].example.vector)
        return cache[index]

    if len(query.feedback) >= 2:
        for better, worse in permutations(range(len(query.feedback)), 2):
            confidence = np.float32(query.feedback[better].score) - np.float32(query.feedback[worse].score)
            if confidence <= CONFIDENCE_MARGIN:
                continue
            weight = np.float32(confidence ** np.float32(query.b)) * np.float32(query.c)
            total = total + weight * (sim(better) - sim(worse))
    return np.asarray(total, dtype=np.float32)
