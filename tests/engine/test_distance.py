"""Scores as Qdrant reports them, for every distance."""

import numpy as np
import pytest

from engine import distance as dist
from engine.types.config import Distance

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("space", list(Distance))
def test_score_matches_definition(space: Distance) -> None:
    vectors = RNG.normal(size=(50, 8)).astype(np.float32)
    query = RNG.normal(size=8).astype(np.float32)
    stored = dist.preprocess_many(space, vectors)
    q = dist.preprocess(space, query)
    got = dist.score(space, stored, q)
    match space:
        case Distance.COSINE:
            want = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)) @ (query / np.linalg.norm(query))
        case Distance.DOT:
            want = vectors @ query
        case Distance.EUCLID:
            want = np.linalg.norm(vectors - query, axis=1)
        case Distance.MANHATTAN:
            want = np.abs(vectors - query).sum(axis=1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_top_k_orders_best_first() -> None:
    scores = np.array([0.1, 0.9, 0.5, 0.7], dtype=np.float32)
    assert dist.top_k(scores, 2, higher_better=True).tolist() == [1, 3]
    assert dist.top_k(scores, 2, higher_better=False).tolist() == [0, 2]
    assert dist.top_k(scores, 10, higher_better=True).tolist() == [1, 3, 2, 0]


def test_threshold_is_minimum_for_similarity_and_maximum_for_distance() -> None:
    scores = np.array([0.2, 0.8])
    assert dist.passes_threshold(Distance.DOT, scores, 0.5).tolist() == [False, True]
    assert dist.passes_threshold(Distance.EUCLID, scores, 0.5).tolist() == [True, False]


def test_zero_vector_is_not_normalised() -> None:
    zero = np.zeros(4, dtype=np.float32)
    assert np.array_equal(dist.preprocess(Distance.COSINE, zero), zero)
