"""One named dense vector space of a segment: a growable matrix in the storage datatype (float32,
float16 or uint8) plus a presence mask. Scoring always happens in float32."""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.quantization.turbo import turbo4_reconstruction
from engine.segment.column_image import ColumnImage
from engine.types.config import Datatype, Distance

_NUMPY_TYPE = {Datatype.FLOAT32: np.float32, Datatype.FLOAT16: np.float16, Datatype.UINT8: np.uint8,
               Datatype.TURBO4: np.float32}
"""`turbo4` rows are kept as float32 reconstructions of their 4-bit TurboQuant codes (`_stored`):
the vectors read back and scored are the lossy ones, as in Qdrant 1.19; memory is float32's."""


class VectorColumn:
    """Rows are segment offsets. Rows of points without this vector are zero and `present` is False."""

    __slots__ = ("dim", "distance", "datatype", "data", "present")

    def __init__(self, dim: int, distance: Distance, datatype: Datatype = Datatype.FLOAT32,
                 capacity: int = 64) -> None:
        self.dim = dim
        self.distance = distance
        self.datatype = datatype
        self.data = np.zeros((capacity, dim), dtype=_NUMPY_TYPE[datatype])
        self.present = np.zeros(capacity, dtype=bool)

    @property
    def item_bytes(self) -> int:
        return int(self.data.itemsize)

    def ensure_capacity(self, capacity: int) -> None:
        old = self.data.shape[0]
        if capacity <= old:
            return
        new = max(capacity, old * 2)
        data = np.zeros((new, self.dim), dtype=self.data.dtype)
        data[:old] = self.data
        present = np.zeros(new, dtype=bool)
        present[:old] = self.present
        self.data, self.present = data, present

    def set(self, offset: int, vector: np.ndarray) -> None:
        self.ensure_capacity(offset + 1)
        self.data[offset] = self._stored(vector)
        self.present[offset] = True

    def set_rows(self, start: int, rows: np.ndarray) -> None:
        """Store validated vectors (n×dim float32) at offsets start.. in one slice assignment."""
        end = start + rows.shape[0]
        self.ensure_capacity(end)
        self.data[start:end] = self._stored(rows)
        self.present[start:end] = True

    def _stored(self, vectors: np.ndarray) -> np.ndarray:
        encoded = dist.encode(self.distance, self.datatype, vectors)
        return turbo4_reconstruction(encoded) if self.datatype is Datatype.TURBO4 else encoded

    def unset(self, offset: int) -> None:
        if offset < self.present.shape[0]:
            self.present[offset] = False
            self.data[offset] = 0

    def get(self, offset: int) -> np.ndarray | None:
        if offset < self.present.shape[0] and self.present[offset]:
            return self.data[offset].astype(np.float32)
        return None

    def float_rows(self, offsets: np.ndarray) -> np.ndarray:
        """Stored rows as float32 (for graph building)."""
        return self.data[offsets].astype(np.float32)

    def prepare(self, query: np.ndarray) -> np.ndarray:
        return dist.prepare_query(self.distance, self.datatype, np.asarray(query, dtype=np.float32))

    def score(self, offsets: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact scores of rows `offsets` for a prepared query (`np.take` copies whole rows: about
        twice as fast as fancy indexing on a 2-D array)."""
        return dist.score_stored(self.distance, self.datatype, np.take(self.data, offsets, axis=0), query)

    def score_prefix(self, size: int, query: np.ndarray) -> np.ndarray:
        """Exact scores of rows [0, size) for a prepared query, read in place (a contiguous view:
        no gather copy, and numpy's product releases the GIL on it)."""
        return dist.score_stored(self.distance, self.datatype, self.data[:size], query)

    def image(self, offsets: np.ndarray) -> ColumnImage:
        self.ensure_capacity(int(offsets.max()) + 1 if offsets.size else 0)
        return ColumnImage(present=self.present[offsets].copy(), rows=self.data[offsets].copy())

    def load(self, start: int, image: ColumnImage) -> None:
        """Write a copied batch at offsets start.. (rows already in the storage datatype)."""
        end = start + image.present.shape[0]
        self.ensure_capacity(end)
        if image.rows is not None:
            self.data[start:end] = image.rows
        self.present[start:end] = image.present
