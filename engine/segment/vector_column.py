"""One named dense vector space of a segment: a growable matrix in the storage datatype (float32,
float16, uint8, or `turbo4` codes) plus a presence mask. Scoring happens in float32 (`turbo4`: from
the codes, engine/quantization/turbo.py `Turbo4Rows`)."""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.quantization.turbo import Turbo4Rows
from engine.segment.column_image import ColumnImage
from engine.types.config import Datatype, Distance

_NUMPY_TYPE = {Datatype.FLOAT32: np.float32, Datatype.FLOAT16: np.float16, Datatype.UINT8: np.uint8,
               Datatype.TURBO4: np.uint8}
"""`turbo4` rows are 4-bit TurboQuant codes with their scale (`Turbo4Rows`, dim/2 + 4 bytes; + 4
for Euclid): no float copy is kept in the column. Reading a vector decodes it; an hnswlib graph
over a sealed segment holds its own float32 copy of the decoded vectors (hnswlib needs floats)."""


class VectorColumn:
    """Rows are segment offsets. Rows of points without this vector are zero and `present` is False."""

    __slots__ = ("dim", "distance", "datatype", "data", "present", "turbo")

    def __init__(self, dim: int, distance: Distance, datatype: Datatype = Datatype.FLOAT32,
                 capacity: int = 64) -> None:
        self.dim = dim
        self.distance = distance
        self.datatype = datatype
        self.turbo = Turbo4Rows(dim, distance) if datatype is Datatype.TURBO4 else None
        width = dim if self.turbo is None else self.turbo.row_bytes
        self.data = np.zeros((capacity, width), dtype=_NUMPY_TYPE[datatype])
        self.present = np.zeros(capacity, dtype=bool)

    @property
    def row_bytes(self) -> int:
        """Bytes one stored vector takes (dim × item size; `turbo4`: codes + scale)."""
        return int(self.data.shape[1] * self.data.itemsize)

    def ensure_capacity(self, capacity: int) -> None:
        old = self.data.shape[0]
        if capacity <= old:
            return
        new = max(capacity, old * 2)
        data = np.zeros((new, self.data.shape[1]), dtype=self.data.dtype)
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
        return encoded if self.turbo is None else self.turbo.encode(encoded)

    def _from_image(self, rows: np.ndarray) -> np.ndarray:
        """Rows of an image or a stored file in this column's form: `turbo4` files written before
        its codes were the stored form hold float32 reconstructions, encoded here once."""
        if self.turbo is not None and rows.dtype != np.uint8:
            return self.turbo.encode(np.asarray(rows, dtype=np.float32))
        return rows

    def adopt(self, rows: np.ndarray, present: np.ndarray) -> None:
        """Take loaded rows as they are (a read-only map for on_disk vectors: a sealed segment never
        writes its dense rows)."""
        self.data = self._from_image(rows)
        self.present = present

    def unset(self, offset: int) -> None:
        if offset < self.present.shape[0]:
            self.present[offset] = False
            self.data[offset] = 0

    def get(self, offset: int) -> np.ndarray | None:
        if offset < self.present.shape[0] and self.present[offset]:
            if self.turbo is not None:
                return self.turbo.decode(self.data[offset:offset + 1])[0]
            return self.data[offset].astype(np.float32)
        return None

    def float_rows(self, offsets: np.ndarray) -> np.ndarray:
        """Stored rows as float32 vectors (for graph building; `turbo4`: decoded)."""
        if self.turbo is not None:
            return self.turbo.decode(self.data[offsets])
        return self.data[offsets].astype(np.float32)

    def float_prefix(self, size: int) -> np.ndarray:
        """Rows [0, size) as float32 vectors: a view for float32 columns, else a converted copy."""
        if self.turbo is not None:
            return self.turbo.decode(self.data[:size])
        return np.asarray(self.data[:size], dtype=np.float32)

    def prepare(self, query: np.ndarray) -> np.ndarray:
        return dist.prepare_query(self.distance, self.datatype, np.asarray(query, dtype=np.float32))

    def score(self, offsets: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Exact scores of rows `offsets` for a prepared query (`np.take` copies whole rows: about
        twice as fast as fancy indexing on a 2-D array; the method, without np.take's Python wrapper).
        Not on a strided array (rows kept inside a mapped graph file): `take` first copies its whole
        input to a contiguous one, the entire column per call; fancy indexing reads only the rows."""
        data = self.data
        rows = data.take(offsets, axis=0) if data.flags.c_contiguous else data[offsets]
        if self.turbo is not None:
            return self.turbo.score(rows, query)
        if self.datatype is Datatype.FLOAT32 and self.distance is not Distance.EUCLID \
                and self.distance is not Distance.MANHATTAN:
            return rows @ query  # Cosine (stored normalised) and Dot: what score_stored computes
        return dist.score_stored(self.distance, self.datatype, rows, query)

    def score_prefix(self, size: int, query: np.ndarray) -> np.ndarray:
        """Exact scores of rows [0, size) for a prepared query, read in place (a contiguous view:
        no gather copy, and numpy's product releases the GIL on it)."""
        if self.turbo is not None:
            return self.turbo.score(self.data[:size], query)
        return dist.score_stored(self.distance, self.datatype, self.data[:size], query)

    def image(self, offsets: np.ndarray) -> ColumnImage:
        self.ensure_capacity(int(offsets.max()) + 1 if offsets.size else 0)
        return ColumnImage(present=self.present[offsets].copy(), rows=self.data[offsets].copy())

    def load(self, start: int, image: ColumnImage) -> None:
        """Write a copied batch at offsets start.. (rows already in the storage datatype)."""
        end = start + image.present.shape[0]
        self.ensure_capacity(end)
        if image.rows is not None:
            self.data[start:end] = self._from_image(image.rows)
        self.present[start:end] = image.present
