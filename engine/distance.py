"""Distances and scores in one place: preprocessing, scoring a batch of vectors, ordering of scores."""

from __future__ import annotations

import numpy as np

from engine.types.config import Distance

EPSILON = np.float32(1.1920929e-7)


def higher_is_better(distance: Distance) -> bool:
    """Similarities (Cosine, Dot) sort descending; distances (Euclid, Manhattan) ascending."""
    return distance in (Distance.COSINE, Distance.DOT)


def preprocess(distance: Distance, vector: np.ndarray) -> np.ndarray:
    """Cosine vectors are stored and queried unit-normalised (as Qdrant does on write)."""
    if distance is Distance.COSINE:
        norm = np.linalg.norm(vector)
        if norm > 0:
            return (vector / norm).astype(np.float32, copy=False)
    return vector


def preprocess_many(distance: Distance, vectors: np.ndarray) -> np.ndarray:
    if distance is Distance.COSINE:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return (vectors / norms).astype(np.float32, copy=False)
    return vectors


def score(distance: Distance, vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Scores of `vectors` (n×d, preprocessed) against `query` (d, preprocessed), as Qdrant reports them."""
    match distance:
        case Distance.COSINE | Distance.DOT:
            return vectors @ query
        case Distance.EUCLID:
            return np.sqrt(np.sum(np.square(vectors - query), axis=1))
        case Distance.MANHATTAN:
            return np.sum(np.abs(vectors - query), axis=1)


def passes_threshold(distance: Distance, scores: np.ndarray, threshold: float) -> np.ndarray:
    """`score_threshold`: a minimum for similarities, a maximum for distances."""
    if higher_is_better(distance):
        return scores >= threshold
    return scores <= threshold


def top_k(scores: np.ndarray, k: int, higher_better: bool) -> np.ndarray:
    """Indices of the best `k` scores, best first (stable order among equal scores)."""
    n = scores.shape[0]
    if k <= 0 or n == 0:
        return np.empty(0, dtype=np.int64)
    keyed = -scores if higher_better else scores
    if k < n:
        part = np.argpartition(keyed, k - 1)[:k]
        return part[np.argsort(keyed[part], kind="stable")]
    return np.argsort(keyed, kind="stable")
