"""Distances and scores in one place: preprocessing, storage datatypes, scoring a batch of vectors
(dense and multivector max_sim), ordering of scores."""

from __future__ import annotations

import math

import numpy as np

from engine.types.config import Datatype, Distance

EPSILON = np.float32(1.1920929e-7)


def higher_is_better(distance: Distance) -> bool:
    """Similarities (Cosine, Dot) sort descending; distances (Euclid, Manhattan) ascending."""
    return distance in (Distance.COSINE, Distance.DOT)


def preprocess(distance: Distance, vector: np.ndarray) -> np.ndarray:
    """Cosine vectors are stored and queried unit-normalised (as Qdrant does on write)."""
    if distance is Distance.COSINE:
        if vector.dtype == np.float32:
            # np.linalg.norm of a 1-D vector without its dispatch: sqrt of the float32 dot, rounded
            # to float32 (a float64 sqrt rounded to float32 is float32's correctly rounded sqrt); the
            # Python float divisor is a weak scalar (NEP 50), cast to float32 as np.float32(length)
            # would be, without that call
            length = math.sqrt(vector.dot(vector))
            return vector / length if length > 0 else vector
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


# ---- storage datatypes -----------------------------------------------------------------------
def to_uint8(vectors: np.ndarray) -> np.ndarray:
    """Qdrant converts floats with Rust's `x as u8`: truncate toward zero, saturate at 0 and 255,
    NaN → 0. Out-of-range or fractional input is therefore accepted, not rejected."""
    clean = np.nan_to_num(np.asarray(vectors, dtype=np.float32), nan=0.0, posinf=255.0, neginf=0.0)
    return np.clip(np.trunc(clean), 0, 255).astype(np.uint8)


def raw_cosine(datatype: Datatype, distance: Distance) -> bool:
    """uint8 vectors cannot be stored normalised: Qdrant scores their Cosine on the raw bytes."""
    return datatype is Datatype.UINT8 and distance is Distance.COSINE


def encode(distance: Distance, datatype: Datatype, vectors: np.ndarray) -> np.ndarray:
    """The stored form of one vector or a batch of rows (float32 in): preprocessed, then cast."""
    match datatype:
        case Datatype.UINT8:
            return to_uint8(vectors)
        case Datatype.FLOAT16:
            return _preprocess_any(distance, vectors).astype(np.float16)
    return _preprocess_any(distance, vectors)


def _preprocess_any(distance: Distance, vectors: np.ndarray) -> np.ndarray:
    if type(vectors) is not np.ndarray or vectors.dtype != np.float32:
        vectors = np.asarray(vectors, dtype=np.float32)
    return preprocess_many(distance, vectors) if vectors.ndim == 2 else preprocess(distance, vectors)


def prepare_query(distance: Distance, datatype: Datatype, query: np.ndarray) -> np.ndarray:
    """A float32 query (1-D or one row per vector) in the space of stored vectors: uint8 queries are
    converted like stored vectors (as Qdrant's byte scorer does); others are preprocessed in float32."""
    if datatype is Datatype.UINT8:
        return to_uint8(query).astype(np.float32)
    return _preprocess_any(distance, query)


def score_stored(distance: Distance, datatype: Datatype, stored: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Scores of stored rows (any datatype) against a prepared query, computed in float32."""
    rows = stored.astype(np.float32, copy=False)
    if raw_cosine(datatype, distance):
        return _cosine(rows, query)
    return score(distance, rows, query)


def _cosine(rows: np.ndarray, query: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1) * np.float32(np.linalg.norm(query))
    dots = rows @ query
    out = np.zeros_like(dots)
    np.divide(dots, norms, out=out, where=norms > 0)
    return out


# ---- multivectors --------------------------------------------------------------------------
def max_sim(distance: Distance, datatype: Datatype, rows: np.ndarray, starts: np.ndarray,
            query: np.ndarray) -> np.ndarray:
    """`max_sim` of each multivector against `query` (m×d, prepared): for every query row, the best
    similarity over the point's rows, summed. Points are runs of `rows` beginning at `starts`
    (increasing, every run non-empty). As Qdrant (and local mode), Euclid/Manhattan compare by the
    negated squared/L1 distance and report sqrt(|sum|) / |sum|."""
    stored = rows.astype(np.float32, copy=False)
    total = np.zeros(starts.shape[0], dtype=np.float32)
    if starts.shape[0] == 0:
        return total
    for q in query:
        match distance:
            case Distance.EUCLID:
                sims = -np.sum(np.square(stored - q), axis=1)
            case Distance.MANHATTAN:
                sims = -np.sum(np.abs(stored - q), axis=1)
            case _:
                sims = score_stored(distance, datatype, stored, q)
        total += np.maximum.reduceat(sims, starts)
    match distance:
        case Distance.EUCLID:
            return np.sqrt(np.abs(total))
        case Distance.MANHATTAN:
            return np.abs(total)
    return total
