"""A copy of some points of one vector column, as plain numpy arrays: what the optimizer moves
between segments and what a flush writes to disk. The same shape serves every vector kind:

- dense:  `rows` has one row per point (zero where absent);
- multi:  `rows` holds the runs of the present points end to end, `counts` their lengths;
- sparse: `indices`/`values` hold the present points' entries end to end, `counts` their lengths.
Rows keep the storage datatype (no re-encoding on copy)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(slots=True)
class ColumnImage:
    present: np.ndarray
    rows: np.ndarray | None = None
    counts: np.ndarray | None = None
    indices: np.ndarray | None = None
    values: np.ndarray | None = None

    ARRAYS = ("present", "rows", "counts", "indices", "values")

    def pick(self, positions: np.ndarray, keep: np.ndarray | None = None) -> ColumnImage:
        """The entries at `positions` of this image, in that order; where `keep` (aligned with
        `positions`) is False the point is written as absent (e.g. deleted)."""
        present = self.present[positions]
        if keep is not None:
            present = present & keep
        if self.counts is None:  # dense: one row per point
            rows = None if self.rows is None else self.rows[positions]
            return ColumnImage(present=present, rows=rows)
        run_of = np.cumsum(self.present) - 1  # index of each present point's run
        chosen = run_of[positions[present]]
        counts = self.counts[chosen]
        spans = runs((np.cumsum(self.counts) - self.counts)[chosen], counts)

        def take(array: np.ndarray | None) -> np.ndarray | None:
            return None if array is None else array[spans]

        return ColumnImage(present=present, rows=take(self.rows), counts=counts, indices=take(self.indices),
                           values=take(self.values))

    @staticmethod
    def concat(parts: list[ColumnImage]) -> ColumnImage:
        def join(name: str) -> np.ndarray | None:
            arrays = [getattr(p, name) for p in parts if getattr(p, name) is not None]
            return np.concatenate(arrays) if arrays else None

        present = join("present")
        return ColumnImage(present=present if present is not None else np.empty(0, dtype=bool), rows=join("rows"),
                           counts=join("counts"), indices=join("indices"), values=join("values"))


def runs(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Positions of the runs `starts[i] .. starts[i] + counts[i]` laid end to end."""
    firsts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - firsts, counts)
