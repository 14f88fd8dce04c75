"""One named multivector space of a segment: every point holds a matrix with any number of rows.

Rows of all points live in one growable matrix (storage datatype); a point owns the run
`rows[start : start + count]`. Replacing a point's matrix appends a new run and leaves the old one
as garbage until the optimizer rebuilds the segment (bulk loads are compact). Search is exact:
max_sim over the runs of the candidates, vectorised with `np.maximum.reduceat` (no HNSW).
"""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.segment.column_image import ColumnImage, runs
from engine.segment.vector_column import _NUMPY_TYPE
from engine.types.config import Datatype, Distance


class MultiColumn:
    __slots__ = ("dim", "distance", "datatype", "rows", "used", "start", "count", "present")

    def __init__(self, dim: int, distance: Distance, datatype: Datatype = Datatype.FLOAT32,
                 capacity: int = 64) -> None:
        self.dim = dim
        self.distance = distance
        self.datatype = datatype
        self.rows = np.zeros((capacity, dim), dtype=_NUMPY_TYPE[datatype])
        self.used = 0
        self.start = np.zeros(capacity, dtype=np.int64)
        self.count = np.zeros(capacity, dtype=np.int64)
        self.present = np.zeros(capacity, dtype=bool)

    def ensure_capacity(self, capacity: int) -> None:
        old = self.present.shape[0]
        if capacity <= old:
            return
        new = max(capacity, old * 2)
        for name in ("start", "count", "present"):
            arr = getattr(self, name)
            grown = np.zeros(new, dtype=arr.dtype)
            grown[:old] = arr
            setattr(self, name, grown)

    def _reserve_rows(self, n: int) -> None:
        if self.used + n <= self.rows.shape[0]:
            return
        grown = np.zeros((max(self.used + n, self.rows.shape[0] * 2), self.dim), dtype=self.rows.dtype)
        grown[: self.used] = self.rows[: self.used]
        self.rows = grown

    def set(self, offset: int, matrix: np.ndarray) -> None:
        self.ensure_capacity(offset + 1)
        n = int(matrix.shape[0])
        self._reserve_rows(n)
        self.rows[self.used: self.used + n] = dist.encode(self.distance, self.datatype, matrix)
        self.start[offset], self.count[offset] = self.used, n
        self.present[offset] = True
        self.used += n

    def unset(self, offset: int) -> None:
        if offset < self.present.shape[0]:
            self.present[offset] = False
            self.count[offset] = 0

    def get(self, offset: int) -> np.ndarray | None:
        if offset < self.present.shape[0] and self.present[offset]:
            s = int(self.start[offset])
            return self.rows[s: s + int(self.count[offset])].astype(np.float32)
        return None

    def image(self, offsets: np.ndarray) -> ColumnImage:
        self.ensure_capacity(int(offsets.max()) + 1 if offsets.size else 0)
        present = self.present[offsets].copy()
        have = offsets[present]
        counts = self.count[have].copy()
        return ColumnImage(present=present, rows=self.rows[runs(self.start[have], counts)].copy(), counts=counts)

    def load(self, start: int, image: ColumnImage) -> None:
        """Write a copied batch at offsets start.. compactly (rows already in the storage datatype)."""
        n = image.present.shape[0]
        self.ensure_capacity(start + n)
        if image.counts is None or image.rows is None or not image.counts.size:
            return
        targets = start + np.flatnonzero(image.present)
        counts = image.counts.astype(np.int64)
        total = int(counts.sum())
        self._reserve_rows(total)
        self.rows[self.used: self.used + total] = image.rows
        self.start[targets] = self.used + np.cumsum(counts) - counts
        self.count[targets] = counts
        self.present[targets] = True
        self.used += total

    def prepare(self, query: np.ndarray) -> np.ndarray:
        q = np.asarray(query, dtype=np.float32)
        return dist.prepare_query(self.distance, self.datatype, q.reshape(1, -1) if q.ndim == 1 else q)

    def score(self, offsets: np.ndarray, query: np.ndarray) -> np.ndarray:
        """max_sim of each point in `offsets` (present ones) for a prepared query matrix."""
        if offsets.size == 0:
            return np.empty(0, dtype=np.float32)
        counts = self.count[offsets]
        firsts = np.cumsum(counts) - counts
        # The candidates' runs laid end to end: candidate i owns rows firsts[i] .. + counts[i].
        return dist.max_sim(self.distance, self.datatype, self.rows[runs(self.start[offsets], counts)], firsts, query)
