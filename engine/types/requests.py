"""Read requests: search/query, scroll, count, facet. Defaults match Qdrant's and live only here."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import numpy as np

from engine.point_id import PointId
from engine.types.filters import Filter
from engine.types.points import ALL_PAYLOAD, NO_PAYLOAD, PayloadSelector, VectorSelector


@dataclass(slots=True)
class SearchParams:
    hnsw_ef: int | None = None
    exact: bool = False
    indexed_only: bool = False


@dataclass(slots=True)
class NearestQuery:
    """Nearest neighbours of a dense vector, or of the stored vector of `point_id`."""

    vector: np.ndarray | None = None
    point_id: PointId | None = None


class Direction(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@dataclass(slots=True)
class OrderBy:
    key: str
    direction: Direction = Direction.ASC
    start_from: float | None = None


@dataclass(slots=True)
class QueryRequest:
    query: NearestQuery | None = None
    using: str = ""
    filter: Filter | None = None
    params: SearchParams = field(default_factory=SearchParams)
    limit: int = 10
    offset: int = 0
    score_threshold: float | None = None
    with_payload: PayloadSelector = NO_PAYLOAD
    with_vector: VectorSelector = False
    order_by: OrderBy | None = None


@dataclass(slots=True)
class ScrollRequest:
    offset: PointId | None = None
    limit: int = 10
    filter: Filter | None = None
    with_payload: PayloadSelector = ALL_PAYLOAD
    with_vector: VectorSelector = False
    order_by: OrderBy | None = None


@dataclass(slots=True)
class CountRequest:
    filter: Filter | None = None
    exact: bool = True


@dataclass(slots=True)
class FacetRequest:
    key: str
    filter: Filter | None = None
    limit: int = 10
    exact: bool = False
