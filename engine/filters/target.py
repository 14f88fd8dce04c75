"""What the filter evaluator needs from a segment, and the cardinality estimate it returns."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from engine.point_id import PointId
from engine.types.filters import FieldCondition

if TYPE_CHECKING:
    from engine.payload_index import PayloadIndex


class FilterTarget(Protocol):
    """A segment as seen by filters. Offsets are 0..size-1; deleted points are the caller's business."""

    @property
    def size(self) -> int: ...

    def payload_at(self, offset: int) -> dict[str, Any] | None: ...

    def offsets_for_ids(self, ids: Iterable[PointId]) -> np.ndarray: ...

    def vector_mask(self, name: str) -> np.ndarray: ...

    def payload_index(self, key: str) -> PayloadIndex | None: ...


@runtime_checkable
class HasPointIds(Protocol):
    """Optional extra a target offers for `slice` conditions: the external id at an offset."""

    def point_id_at(self, offset: int) -> PointId | None: ...


@runtime_checkable
class HasAutoIndexes(Protocol):
    """Optional extra: a hidden index that can answer `cond` on a key without a payload index
    (built by the target on first use and kept up to date on writes), or None."""

    def auto_index(self, cond: FieldCondition) -> PayloadIndex | None: ...


@dataclass(frozen=True, slots=True)
class Cardinality:
    """How many points may match: certainly at least `min`, at most `max`, probably `expected`."""

    min: int
    expected: int
    max: int
