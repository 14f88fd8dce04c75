"""One named sparse vector space of a segment: per-point (indices, values) and an inverted index.

The inverted index maps a dimension to its posting list: the offsets of the points that have that
dimension and their values, as growable numpy arrays. Scoring a query touches only the posting
lists of its own indices: the weighted postings are concatenated and summed per offset with
`np.bincount`. Postings hold present points only (a replaced or removed vector leaves its lists at
once), so a list's length is the dimension's document frequency, which IDF needs.
"""

from __future__ import annotations

import numpy as np

from engine.segment.column_image import ColumnImage
from engine.types.points import SparseVector


def _sorted(vector: SparseVector) -> SparseVector:
    """Stored (and rendered) with indices ascending, as Qdrant keeps them."""
    indices = vector.indices.astype(np.uint32, copy=False)
    values = vector.values.astype(np.float32, copy=False)
    if indices.shape[0] > 1 and not bool(np.all(indices[1:] > indices[:-1])):
        order = np.argsort(indices, kind="stable")
        indices, values = indices[order], values[order]
    return SparseVector(indices, values)


class Posting:
    __slots__ = ("offsets", "values", "n")

    def __init__(self, offsets: np.ndarray | None = None, values: np.ndarray | None = None) -> None:
        self.offsets = offsets if offsets is not None else np.empty(4, dtype=np.int64)
        self.values = values if values is not None else np.empty(4, dtype=np.float32)
        self.n = 0 if offsets is None else int(offsets.shape[0])

    def append(self, offset: int, value: float) -> None:
        if self.n == self.offsets.shape[0]:
            grow = max(4, self.n * 2)
            self.offsets = np.resize(self.offsets, grow)
            self.values = np.resize(self.values, grow)
        self.offsets[self.n] = offset
        self.values[self.n] = value
        self.n += 1

    def remove(self, offset: int) -> None:
        """Swap-remove: order inside a posting list does not matter to scoring."""
        hits = np.flatnonzero(self.offsets[: self.n] == offset)
        if hits.size:
            i, last = int(hits[0]), self.n - 1
            self.offsets[i], self.values[i] = self.offsets[last], self.values[last]
            self.n = last


class SparseColumn:
    __slots__ = ("vectors", "present", "postings")

    def __init__(self, capacity: int = 64) -> None:
        self.vectors: list[SparseVector | None] = []
        self.present = np.zeros(capacity, dtype=bool)
        self.postings: dict[int, Posting] = {}

    def ensure_capacity(self, capacity: int) -> None:
        old = self.present.shape[0]
        if capacity > old:
            grown = np.zeros(max(capacity, old * 2), dtype=bool)
            grown[:old] = self.present
            self.present = grown
        if len(self.vectors) < capacity:
            self.vectors.extend([None] * (capacity - len(self.vectors)))

    def set(self, offset: int, vector: SparseVector) -> None:
        vector = _sorted(vector)
        self.unset(offset)
        self.ensure_capacity(offset + 1)
        self.vectors[offset] = vector
        self.present[offset] = True
        for dim, value in zip(vector.indices.tolist(), vector.values.tolist(), strict=True):
            posting = self.postings.get(dim)
            if posting is None:
                posting = self.postings[dim] = Posting()
            posting.append(offset, value)

    def unset(self, offset: int) -> None:
        old = self.vectors[offset] if offset < len(self.vectors) else None
        if old is None:
            return
        for dim in old.indices.tolist():
            self.postings[dim].remove(offset)
        self.vectors[offset] = None
        self.present[offset] = False

    def get(self, offset: int) -> SparseVector | None:
        return self.vectors[offset] if offset < len(self.vectors) else None

    def image(self, offsets: np.ndarray) -> ColumnImage:
        self.ensure_capacity(int(offsets.max()) + 1 if offsets.size else 0)
        present = self.present[offsets].copy()
        have = [v for v in (self.vectors[o] for o in offsets[present].tolist()) if v is not None]
        return ColumnImage(
            present=present, counts=np.array([v.indices.shape[0] for v in have], dtype=np.int64),
            indices=np.concatenate([v.indices for v in have]) if have else np.empty(0, dtype=np.uint32),
            values=np.concatenate([v.values for v in have]) if have else np.empty(0, dtype=np.float32),
        )

    def load(self, start: int, image: ColumnImage) -> None:
        """Write a copied batch at offsets start.., building posting lists vectorised."""
        n = image.present.shape[0]
        self.ensure_capacity(start + n)
        if image.counts is None or image.indices is None or image.values is None or not image.counts.size:
            return
        targets = start + np.flatnonzero(image.present)
        counts = image.counts.astype(np.int64)
        bounds = np.cumsum(counts)[:-1]
        for offset, idx, val in zip(targets.tolist(), np.split(image.indices, bounds), np.split(image.values, bounds),
                                    strict=True):
            self.vectors[offset] = SparseVector(idx.astype(np.uint32), val.astype(np.float32))
        self.present[targets] = True
        if not image.indices.size:
            return
        dims = image.indices.astype(np.int64)
        owners = np.repeat(targets.astype(np.int64), counts)
        order = np.argsort(dims, kind="stable")
        dims, values, owners = dims[order], image.values[order].astype(np.float32), owners[order]
        cuts = np.flatnonzero(np.diff(dims)) + 1
        for lo, hi in zip(np.r_[0, cuts].tolist(), np.r_[cuts, dims.shape[0]].tolist(), strict=True):
            dim = int(dims[lo])
            posting = self.postings.get(dim)
            if posting is None:
                self.postings[dim] = Posting(owners[lo:hi].copy(), values[lo:hi].copy())
            else:  # a non-empty column (rare: loads go to fresh segments)
                for o, v in zip(owners[lo:hi].tolist(), values[lo:hi].tolist(), strict=True):
                    posting.append(o, v)

    def document_frequency(self, dim: int) -> int:
        posting = self.postings.get(dim)
        return 0 if posting is None else posting.n

    def score_all(self, query: SparseVector, size: int) -> tuple[np.ndarray, np.ndarray]:
        """(offsets, scores) of every point sharing at least one index with `query`: the dot product
        over shared indices. Points without overlap are not returned (as Qdrant)."""
        offs: list[np.ndarray] = []
        vals: list[np.ndarray] = []
        for dim, weight in zip(query.indices.tolist(), query.values.tolist(), strict=True):
            posting = self.postings.get(dim)
            if posting is not None and posting.n:
                offs.append(posting.offsets[: posting.n])
                vals.append(posting.values[: posting.n] * np.float32(weight))
        if not offs:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        owners = np.concatenate(offs)
        sums = np.bincount(owners, weights=np.concatenate(vals), minlength=size)
        touched = np.zeros(max(size, sums.shape[0]), dtype=bool)
        touched[owners] = True
        hit = np.flatnonzero(touched)
        return hit, sums[hit].astype(np.float32)

    def score(self, offsets: np.ndarray, query: SparseVector) -> np.ndarray:
        """Scores of given points (rescoring); NaN where a point has no overlap or no vector."""
        out = np.full(offsets.shape[0], np.nan, dtype=np.float32)
        weights = dict(zip(query.indices.tolist(), query.values.tolist(), strict=True))
        for i, offset in enumerate(offsets.tolist()):
            vector = self.get(offset)
            if vector is None:
                continue
            shared = [(weights[d], v) for d, v in zip(vector.indices.tolist(), vector.values.tolist(), strict=True)
                      if d in weights]
            if shared:
                out[i] = np.float32(sum(w * v for w, v in shared))
        return out
