"""Conditions answered by a mask over a segment's offsets rather than by payload values: `has_id`,
`has_vector` and `slice`. Each builder returns the function the compiled filter calls once per
segment (offsets 0..size-1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.errors import BadInput
from engine.filters.siphash import id_slice
from engine.filters.target import FilterTarget, HasPointIds


def has_id_mask(ids: frozenset[Any]) -> Callable[[FilterTarget, int], np.ndarray]:
    def build(target: FilterTarget, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        offs = np.asarray(target.offsets_for_ids(ids), dtype=np.int64)
        mask[offs[(offs >= 0) & (offs < size)]] = True
        return mask

    return build


def has_vector_mask(name: str) -> Callable[[FilterTarget, int], np.ndarray]:
    def build(target: FilterTarget, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        got = np.asarray(target.vector_mask(name), dtype=bool)[:size]
        mask[: got.size] = got
        return mask

    return build


def slice_mask(total: int, index: int) -> Callable[[FilterTarget, int], np.ndarray]:
    def build(target: FilterTarget, size: int) -> np.ndarray:
        if not isinstance(target, HasPointIds):
            raise BadInput("slice conditions are not supported here")
        ids = (target.point_id_at(o) for o in range(size))
        mask: np.ndarray = np.fromiter(
            (pid is not None and id_slice(pid, total) == index for pid in ids), dtype=bool, count=size
        )
        return mask

    return build
