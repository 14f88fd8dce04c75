"""Set algebra on sorted, unique int64 offset arrays (the filter's candidate sets).

Costs follow the smaller operand where they can (binary search of the small array in the large
one); a bitmap of the segment is used only when the arrays are a large part of it anyway.
"""

from __future__ import annotations

import numpy as np

EMPTY = np.empty(0, dtype=np.int64)
_BITMAP_SHARE = 16
"""Offsets over 1/16 of the segment are sorted through a bitmap (O(size)) instead of a sort."""


def sorted_unique(offsets: np.ndarray, size: int) -> np.ndarray:
    """`offsets` (any order, repeats allowed, all in [0, size)) sorted and unique."""
    if offsets.size < 2:
        return np.asarray(offsets, dtype=np.int64)
    if (offsets[1:] > offsets[:-1]).all():  # the method: np.all's Python wrapper costs more than the test
        return np.asarray(offsets, dtype=np.int64)
    if offsets.size * _BITMAP_SHARE > size:
        bitmap = np.zeros(size, dtype=bool)
        bitmap[offsets] = True
        return np.flatnonzero(bitmap)
    return np.unique(offsets)


def member(values: np.ndarray, within: np.ndarray, size: int) -> np.ndarray:
    """bool per entry of `values`: whether it occurs in the sorted array `within` (offsets < size)."""
    if within.size == 0 or values.size == 0:
        return np.zeros(values.size, dtype=bool)
    if max(values.size, within.size) * _BITMAP_SHARE > size:
        bitmap = np.zeros(size, dtype=bool)
        bitmap[within] = True
        found: np.ndarray = bitmap[values]
        return found
    at = np.searchsorted(within, values)
    at[at == within.size] = within.size - 1
    hit: np.ndarray = within[at] == values
    return hit


def intersect(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Sorted unique `a ∩ b`, costing O(small · log large) (or O(size) when both are large)."""
    small, large = (a, b) if a.size <= b.size else (b, a)
    kept: np.ndarray = small[member(small, large, size)]
    return kept


def difference(a: np.ndarray, b: np.ndarray, size: int) -> np.ndarray:
    """Sorted unique `a − b`."""
    if a.size == 0 or b.size == 0:
        return a
    kept: np.ndarray = a[~member(a, b, size)]
    return kept


def union(parts: list[np.ndarray], size: int) -> np.ndarray:
    """Sorted unique union of sorted unique arrays."""
    parts = [p for p in parts if p.size]
    if not parts:
        return EMPTY
    if len(parts) == 1:
        return parts[0]
    return sorted_unique(np.concatenate(parts), size)


def at_least(parts: list[np.ndarray], need: int, size: int) -> np.ndarray:
    """Sorted offsets found in at least `need` of the sorted unique arrays `parts`."""
    parts = [p for p in parts if p.size]
    if len(parts) < need:
        return EMPTY
    if need <= 1:
        return union(parts, size)
    values, counts = np.unique(np.concatenate(parts), return_counts=True)
    out: np.ndarray = values[counts >= need]
    return out
