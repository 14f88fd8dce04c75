"""Points as the engine sees them: ids, vectors by name ("" = the unnamed vector), payloads, results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from engine.point_id import PointId

Payload = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SparseVector:
    """A sparse vector: unique uint32 `indices` (sorted ascending once validated) and float32 `values`."""

    indices: np.ndarray
    values: np.ndarray


VectorValue = np.ndarray | SparseVector
"""One named vector of a point: dense (1-D float32), multivector (2-D float32, one row per vector)
or sparse."""

Vectors = dict[str, VectorValue]
"""Vectors by name, already validated; "" is the single unnamed vector."""


@dataclass(slots=True)
class PointStruct:
    id: PointId
    vectors: Vectors
    payload: Payload | None = None


@dataclass(frozen=True, slots=True)
class PayloadSelector:
    """What part of the payload to return: everything, nothing, only `include`, or all but `exclude`."""

    enabled: bool = True
    include: list[str] | None = None
    exclude: list[str] | None = None


ALL_PAYLOAD = PayloadSelector(True)
NO_PAYLOAD = PayloadSelector(False)

VectorSelector = bool | list[str]
"""`with_vector`: all vectors, none, or these names."""


@dataclass(slots=True)
class Record:
    id: PointId
    payload: Payload | None = None
    vectors: Vectors | None = None
    order_value: int | float | None = None
    shard_key: str | int | None = None
    """The shard key of the shard that holds the point (custom sharding, cluster mode; None else)."""


@dataclass(slots=True)
class ScoredPoint:
    id: PointId
    version: int
    score: float
    payload: Payload | None = None
    vectors: Vectors | None = None
    order_value: int | float | None = None
    shard_key: str | int | None = None
    """As `Record.shard_key`."""


class UpdateStatus(enum.Enum):
    ACKNOWLEDGED = "acknowledged"
    COMPLETED = "completed"
    WAIT_TIMEOUT = "wait_timeout"


@dataclass(slots=True)
class UpdateResult:
    operation_id: int | None
    status: UpdateStatus


@dataclass(slots=True)
class FacetHit:
    value: Any
    count: int


@dataclass(slots=True)
class ScrollPage:
    points: list[Record]
    next_page_offset: PointId | None = None


@dataclass(slots=True)
class CountResult:
    count: int


@dataclass(slots=True)
class PointGroup:
    id: Any
    hits: list[ScoredPoint] = field(default_factory=list)
    lookup: Record | None = None
