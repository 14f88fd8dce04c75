"""A mutable column of (code, offset) pairs kept sorted by code in numpy arrays.

Writes go to a small pending dict and a removed set; the first read after writes folds them
into the sorted arrays with numpy (isin + lexsort by code, then offset, so the offsets of one code
are sorted and unique). Reads are then searchsorted / isin:
no Python loop per point.
"""

from __future__ import annotations

import numpy as np


class SortedColumn:
    def __init__(self, dtype: type[np.generic]) -> None:
        self._dtype = dtype
        self._codes = np.empty(0, dtype=dtype)
        self._offs = np.empty(0, dtype=np.int64)
        self._pending: dict[int, list[int | float]] = {}
        self._removed: set[int] = set()

    def put(self, offset: int, codes: list[int | float]) -> None:
        self.drop(offset)
        if codes:
            self._pending[offset] = list(dict.fromkeys(codes))  # one entry per (code, offset)

    def put_many(self, entries: list[tuple[int, list[int | float]]]) -> None:
        """`put` for offsets this column does not hold yet (a bulk build)."""
        pending = self._pending
        for offset, codes in entries:
            if codes:
                pending[offset] = list(dict.fromkeys(codes))

    def drop(self, offset: int) -> None:
        self._removed.add(offset)
        self._pending.pop(offset, None)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes ascending, offsets aligned with them)."""
        if self._removed:
            gone = np.fromiter(self._removed, dtype=np.int64, count=len(self._removed))
            keep = ~np.isin(self._offs, gone)
            self._codes, self._offs = self._codes[keep], self._offs[keep]
            self._removed.clear()
        if self._pending:
            lengths = [len(c) for c in self._pending.values()]
            new_offs = np.repeat(np.fromiter(self._pending.keys(), dtype=np.int64), lengths)
            new_codes = np.array([c for cs in self._pending.values() for c in cs], dtype=self._dtype)
            codes = np.concatenate([self._codes, new_codes])
            offs = np.concatenate([self._offs, new_offs])
            order = np.lexsort((offs, codes))  # by code, then offset: equal() slices come sorted
            self._codes, self._offs = codes[order], offs[order]
            self._pending.clear()
        return self._codes, self._offs

    def equal(self, code: int | float) -> np.ndarray:
        codes, offs = self.arrays()
        lo = np.searchsorted(codes, code, side="left")
        hi = np.searchsorted(codes, code, side="right")
        return offs[lo:hi]

    def between(self, lo: int | float | None, hi: int | float | None, lo_open: bool, hi_open: bool) -> np.ndarray:
        """Offsets with lo </<= code </<= hi (None = unbounded)."""
        codes, offs = self.arrays()
        start = 0 if lo is None else int(np.searchsorted(codes, lo, side="right" if lo_open else "left"))
        stop = len(codes) if hi is None else int(np.searchsorted(codes, hi, side="left" if hi_open else "right"))
        return offs[start:stop] if start < stop else offs[:0]

    def isin(self, wanted: np.ndarray, invert: bool = False) -> np.ndarray:
        codes, offs = self.arrays()
        return offs[np.isin(codes, wanted, invert=invert)]

    def distinct(self) -> np.ndarray:
        codes, _ = self.arrays()
        return np.unique(codes)
