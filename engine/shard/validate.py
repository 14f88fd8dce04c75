"""Checks on incoming vectors against the collection config, with Qdrant's error texts."""

from __future__ import annotations

import math

import numpy as np

from engine.errors import BadInput
from engine.types.config import CollectionParams
from engine.types.points import SparseVector, Vectors, VectorValue

U32_MAX = 2**32 - 1


def vector_name_label(name: str) -> str:
    return name if name else "<default>"


def check_vector_name(params: CollectionParams, name: str) -> None:
    """Dense, multi and sparse names are all vector names (`with_vector`, `using`, delete_vectors)."""
    if name not in params.vectors and params.sparse(name) is None:
        if name == "" and not params.unnamed:
            raise BadInput("Not existing vector name error: ")
        raise BadInput(f"Not existing vector name error: {name}")


def check_sparse(vector: SparseVector) -> None:
    """Qdrant's own checks of a sparse vector (same length, unique indices, u32, finite values)."""
    if vector.indices.shape[0] != vector.values.shape[0]:
        raise BadInput("Validation error: indices: must be the same length as values")
    if np.unique(vector.indices).shape[0] != vector.indices.shape[0]:
        raise BadInput("Validation error: indices: must be unique")
    if not np.all(np.isfinite(vector.values)):
        raise BadInput("Vector contains NaN or infinite values")


def _check_dense(expected: int, vector: np.ndarray) -> None:
    if vector.ndim != 1 or vector.shape[0] != expected:
        got = vector.shape[0] if vector.ndim == 1 else vector.size
        raise BadInput(f"Vector dimension error: expected dim: {expected}, got {got}")
    # a finite sum of squares means every value is finite (a NaN or an infinity propagates); only
    # when it is not (a NaN, an infinity, or an overflow of huge finite values) is each value checked
    if not math.isfinite(vector.dot(vector)) and not np.isfinite(vector).all():
        raise BadInput("Vector contains NaN or infinite values")


def _check_multi(expected: int, vector: np.ndarray) -> None:
    if vector.ndim != 2 or vector.shape[0] == 0:
        raise BadInput("Wrong input: multivector must contain at least one vector")
    if vector.shape[1] != expected:
        raise BadInput(f"Vector dimension error: expected dim: {expected}, got {vector.shape[1]}")
    if not np.all(np.isfinite(vector)):
        raise BadInput("Vector contains NaN or infinite values")


def check_vector(params: CollectionParams, name: str, vector: VectorValue) -> None:
    """A stored vector of any kind must match the kind and size of its named space."""
    check_vector_name(params, name)
    label = vector_name_label(name)
    dense = params.vectors.get(name)
    match vector:
        case SparseVector():
            if dense is not None:
                raise BadInput(f"Wrong input: Conversion between sparse and regular vectors failed for {label}")
            check_sparse(vector)
        case np.ndarray() if dense is None:
            raise BadInput(f"Wrong input: Conversion between sparse and regular vectors failed for {label}")
        case np.ndarray() if dense is not None and dense.multivector_config is not None:
            _check_multi(dense.size, vector)
        case np.ndarray() if dense is not None:
            _check_dense(dense.size, vector)


def check_points_vectors(params: CollectionParams, points: list[Vectors]) -> None:
    """`check_vectors` for a batch. When every point has the same dense vectors of the right size,
    one finiteness check per name covers the batch; otherwise (or on any failure, to report the
    first offending point with its own message) each point is checked on its own."""
    if points and _uniform_dense(params, points):
        return
    for vectors in points:
        check_vectors(params, vectors)


def _uniform_dense(params: CollectionParams, points: list[Vectors]) -> bool:
    names = points[0].keys()
    for name in names:
        space = params.vectors.get(name)
        if space is None or space.multivector_config is not None:
            return False
        column = [v.get(name) for v in points]
        if not all(isinstance(vec, np.ndarray) and vec.shape == (space.size,) for vec in column):
            return False
        if not np.isfinite(np.stack(column)).all():  # type: ignore[arg-type]
            return False
    return all(v.keys() == names for v in points)


def check_vectors(params: CollectionParams, vectors: Vectors) -> None:
    for name, vector in vectors.items():
        check_vector(params, name, vector)


def check_query_vector(params: CollectionParams, name: str, vector: VectorValue) -> VectorValue:
    """A query in the space of `name`, checked and normalised: sparse indices sorted; a single dense
    vector against a multivector space becomes a one-row matrix (as Qdrant)."""
    dense = params.vectors.get(name)
    if dense is not None and dense.multivector_config is None and type(vector) is np.ndarray \
            and vector.ndim == 1:
        _check_dense(dense.size, vector)  # the common case: a dense query in a dense space
        return vector
    check_vector_name(params, name)
    if dense is not None and dense.multivector_config is not None and isinstance(vector, np.ndarray) \
            and vector.ndim == 1:
        vector = vector.reshape(1, -1)
    if dense is not None and dense.multivector_config is None and isinstance(vector, np.ndarray) \
            and vector.ndim == 2:
        raise BadInput(f"Wrong input: a multivector query needs a multivector space, "
                       f"{vector_name_label(name)} is a dense vector")
    check_vector(params, name, vector)
    return sort_sparse(vector) if isinstance(vector, SparseVector) else vector


def sort_sparse(vector: SparseVector) -> SparseVector:
    """Indices ascending (the stored and rendered form; Qdrant sorts on write)."""
    if vector.indices.shape[0] < 2 or bool(np.all(np.diff(vector.indices.astype(np.int64)) > 0)):
        return vector
    order = np.argsort(vector.indices, kind="stable")
    return SparseVector(vector.indices[order], vector.values[order])
