"""Checks on incoming vectors against the collection config, with Qdrant's error texts."""

from __future__ import annotations

import numpy as np

from engine.errors import BadInput
from engine.types.config import CollectionParams
from engine.types.points import Vectors


def vector_name_label(name: str) -> str:
    return name if name else "<default>"


def check_vector_name(params: CollectionParams, name: str) -> None:
    if name not in params.vectors:
        if name == "" and not params.unnamed:
            raise BadInput("Not existing vector name error: ")
        raise BadInput(f"Not existing vector name error: {name}")


def check_vector(params: CollectionParams, name: str, vector: np.ndarray) -> None:
    check_vector_name(params, name)
    expected = params.vectors[name].size
    if vector.ndim != 1 or vector.shape[0] != expected:
        got = vector.shape[0] if vector.ndim == 1 else vector.size
        raise BadInput(f"Vector dimension error: expected dim: {expected}, got {got}")
    if not np.all(np.isfinite(vector)):
        raise BadInput("Vector contains NaN or infinite values")


def check_vectors(params: CollectionParams, vectors: Vectors) -> None:
    for name, vector in vectors.items():
        check_vector(params, name, vector)
