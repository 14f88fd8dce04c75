"""Product quantization: the vector is cut into chunks of `COMPRESSION_DIMS[compression]`
dimensions (x4: 1, x8: 2, x16: 4, x32: 8, x64: 16) and each chunk is replaced by the one-byte
number of its nearest of 256 centroids, trained per chunk with k-means on a seeded sample of the
segment's vectors (one product per chunk and iteration).

Scoring is asymmetric through a lookup table: for a query, the partial score of every centroid of
every chunk (dot product, squared or absolute difference) is computed once, and a vector's score
is the sum of its chunks' table entries — one gather per block of codes."""

from __future__ import annotations

import numpy as np

from engine.quantization.base import blocked, table_sums
from engine.quantization.spec import COMPRESSION_DIMS, QuantizationSpec
from engine.types.config import Distance

CENTROIDS = 256
SAMPLE_ROWS = 4096
ITERATIONS = 10
ENCODE_ELEMENTS = 1 << 22
"""Rows are assigned to centroids in blocks of at most this many row×centroid distances per chunk."""


class ProductQuantized:
    def __init__(self, spec: QuantizationSpec, distance: Distance, codes: np.ndarray, centroids: np.ndarray,
                 dim: int) -> None:
        self.spec = spec
        self.distance = distance
        self.codes = codes
        self.centroids = centroids
        """chunks × K × chunk_dims float32."""
        self.dim = dim

    @classmethod
    def build(cls, spec: QuantizationSpec, distance: Distance, rows: np.ndarray) -> ProductQuantized:
        dim = int(rows.shape[1])
        chunked = _chunks(rows, COMPRESSION_DIMS[spec.compression])
        centroids = _train(chunked)
        return cls(spec, distance, _assign(chunked, centroids), centroids, dim)

    @classmethod
    def restore(cls, spec: QuantizationSpec, distance: Distance, arrays: dict[str, np.ndarray]) -> ProductQuantized:
        return cls(spec, distance, arrays["codes"], arrays["centroids"], int(arrays["dim"][0]))

    @property
    def count(self) -> int:
        return int(self.codes.shape[0])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"codes": self.codes, "centroids": self.centroids, "dim": np.array([self.dim], dtype=np.int64)}

    def bytes_per_vector(self) -> float:
        return float(self.codes.shape[1])

    def table(self, query: np.ndarray) -> np.ndarray:
        """chunks × K partial scores of the query."""
        q = _chunks(np.asarray(query, dtype=np.float32)[None, :], self.centroids.shape[2])[:, 0, :]
        match self.distance:
            case Distance.COSINE | Distance.DOT:
                return np.einsum("ckm,cm->ck", self.centroids, q)
            case Distance.EUCLID:
                return ((self.centroids - q[:, None, :]) ** 2).sum(axis=2)
            case Distance.MANHATTAN:
                return np.abs(self.centroids - q[:, None, :]).sum(axis=2)

    def score(self, query: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        table = np.ascontiguousarray(self.table(query), dtype=np.float32)

        def rows_score(rows: slice | np.ndarray) -> np.ndarray:
            total = table_sums(self.codes[rows], table)
            return np.sqrt(total) if self.distance is Distance.EUCLID else total

        return blocked(self.count, offsets, rows_score)


def _chunks(rows: np.ndarray, width: int) -> np.ndarray:
    """n×dim -> chunks×n×width (zero padded at the end)."""
    n, dim = rows.shape
    chunks = -(-dim // width)
    padded = np.zeros((n, chunks * width), dtype=np.float32)
    padded[:, :dim] = rows
    return np.ascontiguousarray(padded.reshape(n, chunks, width).transpose(1, 0, 2))


def _nearest(points: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """chunks×n indexes of the nearest centroid per chunk (one chunk at a time: the n×K distances of
    all chunks at once would be hundreds of MB)."""
    out = np.empty(points.shape[:2], dtype=np.intp)
    for c in range(points.shape[0]):
        dist = (centroids[c] ** 2).sum(axis=1)[None, :] - 2.0 * (points[c] @ centroids[c].T)
        out[c] = dist.argmin(axis=1)
    return out


def _train(chunked: np.ndarray) -> np.ndarray:
    chunks, n, width = chunked.shape
    rng = np.random.default_rng(0)
    sample = chunked if n <= SAMPLE_ROWS else chunked[:, np.sort(rng.choice(n, SAMPLE_ROWS, replace=False)), :]
    m = sample.shape[1]
    k = min(CENTROIDS, max(m, 1))
    centroids = np.zeros((chunks, CENTROIDS, width), dtype=np.float32)
    if m == 0:
        return centroids
    current = sample[:, rng.choice(m, k, replace=False), :].copy()
    for _ in range(ITERATIONS):
        labels = _nearest(sample, current)
        for c in range(chunks):
            counts = np.bincount(labels[c], minlength=k).astype(np.float32)
            sums = np.stack([np.bincount(labels[c], weights=sample[c, :, w], minlength=k)
                             for w in range(width)], axis=1).astype(np.float32)
            filled = counts > 0
            current[c, filled] = sums[filled] / counts[filled, None]
    centroids[:, :k] = current
    if k < CENTROIDS:  # fewer points than centroids: unused slots repeat the first (never nearest)
        centroids[:, k:] = current[:, :1]
    return centroids


def _assign(chunked: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    chunks, n, _ = chunked.shape
    codes = np.zeros((n, chunks), dtype=np.uint8)
    step = max(1, ENCODE_ELEMENTS // CENTROIDS)
    for start in range(0, n, step):
        codes[start:start + step] = _nearest(chunked[:, start:start + step], centroids).T
    return codes
