"""Strict-mode checks of updates (Qdrant's verification/update.rs and the payload-index check of
src/common/update.rs): batch size, collection size (points, vector and payload bytes), multivector
rows and sparse lengths per vector name, filtered updates on unindexed keys, payload index count.

Collection sizes are estimates, as Qdrant's: vector bytes from the live dense columns, payload
bytes from the JSON size of a sample of stored payloads times the points count.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Protocol

import numpy as np

from engine.errors import BadRequest
from engine.strict_mode.config import StrictMode
from engine.strict_mode.errors import check_limit, strict_error
from engine.strict_mode.requests import Schema, check_filter
from engine.types.operations import (
    ClearPayload,
    CreateFieldIndex,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    Operation,
    OverwritePayload,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.points import SparseVector, Vectors

PAYLOAD_SAMPLE = 256
"""Stored payloads whose JSON size estimates the collection's payload bytes."""


class SizeSource(Protocol):
    """What the size checks read from a collection."""

    def points_count(self) -> int: ...

    def vector_bytes(self) -> int: ...

    def payload_sample(self, limit: int) -> list[object]: ...


def _mb(limit: int) -> str:
    """The limit in MB as Rust prints an f32 (shortest form, no trailing `.0`)."""
    return np.format_float_positional(np.float32(limit / (1024.0 * 1024.0)), trim="-")


def payload_bytes(source: SizeSource) -> int:
    count = source.points_count()
    sample = source.payload_sample(PAYLOAD_SAMPLE)
    if not count or not sample:
        return 0
    total = sum(len(json.dumps(p, separators=(",", ":"), default=str)) for p in sample if p is not None)
    return total * count // len(sample)


def check_collection_size(strict: StrictMode, source: SizeSource, payload_only: bool = False) -> None:
    if not payload_only and strict.max_collection_vector_size_bytes is not None:
        limit = strict.max_collection_vector_size_bytes
        if source.vector_bytes() >= limit:
            raise BadRequest(f"Max vector storage size limit of {_mb(limit)}MB reached!")
    if strict.max_collection_payload_size_bytes is not None:
        limit = strict.max_collection_payload_size_bytes
        if payload_bytes(source) >= limit:
            raise BadRequest(f"Max payload storage size limit of {_mb(limit)}MB reached!")
    if not payload_only and strict.max_points_count is not None \
            and source.points_count() >= strict.max_points_count:
        raise BadRequest(f"Max points count limit of {strict.max_points_count} reached!")


def check_vector_limits(strict: StrictMode, all_vectors: Iterable[Vectors]) -> None:
    if not strict.multivector_max_vectors and not strict.sparse_max_length:
        return
    for vectors in all_vectors:
        for name, value in vectors.items():
            if isinstance(value, SparseVector):
                limit = strict.sparse_max_length.get(name)
                if limit is not None and len(value.indices) > limit:
                    raise BadRequest(f"Sparse vector '{name}' has a limit of {limit} indices, but "
                                     f"{len(value.indices)} were provided!")
            elif value.ndim == 2:
                limit = strict.multivector_max_vectors.get(name)
                if limit is not None and value.shape[0] > limit:
                    raise BadRequest(f"Multivector '{name}' has a limit of {limit} vectors, but "
                                     f"{value.shape[0]} were provided!")


def check_update(strict: StrictMode, op: Operation, schema: Schema, source: SizeSource) -> None:
    match op:
        case UpsertPoints(points=points):
            check_limit(len(points), strict.upsert_max_batchsize, "upsert limit")
            check_collection_size(strict, source)
            check_vector_limits(strict, (p.vectors for p in points))
        case UpdateVectors(points=points):
            check_limit(len(points), strict.upsert_max_batchsize, "update limit")
            check_collection_size(strict, source)
            check_vector_limits(strict, (v for _, v in points))
        case SetPayload(filter=flt) | OverwritePayload(filter=flt):
            check_filter(strict, flt, schema, strict.unindexed_filtering_update)
            check_collection_size(strict, source, payload_only=True)
        case DeletePoints(filter=flt) | DeletePayload(filter=flt) | ClearPayload(filter=flt) \
                | DeleteVectors(filter=flt):
            check_filter(strict, flt, schema, strict.unindexed_filtering_update)
        case CreateFieldIndex():
            limit = strict.max_payload_index_count
            if limit is not None and len(schema) >= limit:
                raise strict_error(f"Collection already has the maximum number of payload indices ({limit})",
                                   "Please delete an existing index before creating a new one.")


def write_cost(op: Operation) -> int:
    """Qdrant charges a write the points it affects (at least 1): the ids given, 1 for a filter."""
    match op:
        case UpsertPoints(points=points) | UpdateVectors(points=points):
            return max(1, len(points))
        case DeletePoints(ids=ids) | SetPayload(ids=ids) | OverwritePayload(ids=ids) | DeletePayload(ids=ids) \
                | ClearPayload(ids=ids) | DeleteVectors(ids=ids):
            return max(1, len(ids or ()))
    return 1
