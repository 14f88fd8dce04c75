"""One named dense vector space of a segment: a growable float32 matrix plus a presence mask."""

from __future__ import annotations

import numpy as np

from engine.distance import preprocess
from engine.types.config import Distance


class VectorColumn:
    """Rows are segment offsets. Rows of points without this vector are zero and `present` is False."""

    __slots__ = ("dim", "distance", "data", "present")

    def __init__(self, dim: int, distance: Distance, capacity: int = 64) -> None:
        self.dim = dim
        self.distance = distance
        self.data = np.zeros((capacity, dim), dtype=np.float32)
        self.present = np.zeros(capacity, dtype=bool)

    def ensure_capacity(self, capacity: int) -> None:
        old = self.data.shape[0]
        if capacity <= old:
            return
        new = max(capacity, old * 2)
        data = np.zeros((new, self.dim), dtype=np.float32)
        data[:old] = self.data
        present = np.zeros(new, dtype=bool)
        present[:old] = self.present
        self.data, self.present = data, present

    def set(self, offset: int, vector: np.ndarray) -> None:
        self.ensure_capacity(offset + 1)
        self.data[offset] = preprocess(self.distance, vector)
        self.present[offset] = True

    def unset(self, offset: int) -> None:
        if offset < self.present.shape[0]:
            self.present[offset] = False
            self.data[offset] = 0.0

    def get(self, offset: int) -> np.ndarray | None:
        if offset < self.present.shape[0] and self.present[offset]:
            return self.data[offset].copy()
        return None
