"""TurboQuant (data-oblivious) quantization at 1, 1.5, 2 or 4 bits per coordinate.

A vector x is rotated by a seeded random orthogonal matrix (for 1.5 bits: onto 1.5·dim orthonormal
directions, so that 1-bit codes of the longer vector spend 1.5 bits per original dimension); after
the rotation and scaling by sqrt(D)/|x| every coordinate is close to N(0, 1), and is replaced by the
index of its Lloyd-Max centroid for N(0, 1) (the same codebooks Qdrant 1.19 uses). Per vector a
float32 scale restores the length: x ≈ Rᵀ(scale · c[codes]). Codes are packed 8/bits per byte.

Scoring rotates the query once and builds a table of its partial dot product with every possible
code byte at every byte position; a vector's score is its scale times the sum of its bytes' entries
(one gather per block of codes, no unpacking). This is the scheme of the TurboQuant paper without Qdrant's TQ+
per-coordinate correction; `turbo4` vector storage (`Turbo4Rows`) stores the same 4-bit codes."""

from __future__ import annotations

import functools

import numpy as np

from engine.quantization.base import blocked, byte_table, byte_values, from_reconstruction, table_sums
from engine.quantization.spec import Method, QuantizationSpec, TurboBits
from engine.types.config import Distance

_CENTROIDS = {
    1: np.array([-0.7978846, 0.7978846], dtype=np.float32),
    2: np.array([-1.510, -0.4528, 0.4528, 1.510], dtype=np.float32),
    4: np.array([-2.733, -2.069, -1.618, -1.256, -0.9424, -0.6568, -0.3881, -0.1284, 0.1284, 0.3881, 0.6568,
                 0.9424, 1.256, 1.618, 2.069, 2.733], dtype=np.float32),
}
BIT_SIZE = {TurboBits.BITS1: 1, TurboBits.BITS1_5: 1, TurboBits.BITS2: 2, TurboBits.BITS4: 4}
ROTATION_SEED = 1_19


@functools.lru_cache(maxsize=16)
def rotation(dim: int, bits: TurboBits) -> np.ndarray:
    """D×dim matrix with orthonormal columns (D = dim, or ceil(1.5·dim) for 1.5 bits); seeded, so the
    same dimension always gets the same rotation."""
    rows = (3 * dim + 1) // 2 if bits is TurboBits.BITS1_5 else dim
    gaussian = np.random.default_rng(ROTATION_SEED + dim).standard_normal((rows, dim))
    q, r = np.linalg.qr(gaussian)
    matrix = (q * np.sign(np.diag(r))).astype(np.float32)
    matrix.flags.writeable = False  # shared by every store of this dimension (cached)
    return matrix


TURBO4 = QuantizationSpec(Method.TURBO, bits=TurboBits.BITS4)


class Turbo4Rows:
    """The `turbo4` vector datatype (Qdrant 1.19): the stored form of a dense vector is its 4-bit
    TurboQuant code, not a float copy. One uint8 row per vector: ceil(dim/2) code bytes, the float32
    scale and, for Euclid, the float32 squared norm (dim/2 + 4 or + 8 bytes; float32 takes 4·dim).

    The scale makes the decoded vector as long as the original, so a score computed from the codes
    (the query rotated once, a byte table, one gather per row) is the score of the decoded vector:
    what `with_vector` returns and what exact search, the graph and rescoring all see."""

    def __init__(self, dim: int, distance: Distance) -> None:
        self.dim = dim
        self.distance = distance
        self._codec = TurboQuantized(TURBO4, distance, np.zeros((0, 0), np.uint8), np.zeros(0, np.float32),
                                     np.zeros(0, np.float32), rotation(dim, TurboBits.BITS4))
        self.code_bytes = -(-dim // 2)
        self.row_bytes = self.code_bytes + 4 + (4 if distance is Distance.EUCLID else 0)

    def encode(self, vectors: np.ndarray) -> np.ndarray:
        """Preprocessed float32 vectors (one, or n×dim) -> their stored rows (one, or n×row_bytes)."""
        single = vectors.ndim == 1
        codes, scales, norms_sq = self._codec.encode(np.atleast_2d(vectors))
        parts = [codes, scales.astype("<f4").reshape(-1, 1).view(np.uint8)]
        if self.distance is Distance.EUCLID:
            parts.append(norms_sq.astype("<f4").reshape(-1, 1).view(np.uint8))
        rows = np.concatenate(parts, axis=1)
        return rows[0] if single else rows

    def _split(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cb = self.code_bytes
        scales = np.ascontiguousarray(rows[:, cb:cb + 4]).view("<f4").reshape(-1)
        norms_sq = (np.ascontiguousarray(rows[:, cb + 4:cb + 8]).view("<f4").reshape(-1)
                    if self.distance is Distance.EUCLID else scales)
        return rows[:, :cb], scales, norms_sq

    def decode(self, rows: np.ndarray) -> np.ndarray:
        """Stored rows (n×row_bytes) -> the n×dim float32 vectors they stand for."""
        codes, scales, _ = self._split(rows)
        indexes = unpack(codes, 4, self.dim)
        return ((self._codec.centroids[indexes] * scales[:, None]) @ self._codec.rotation).astype(np.float32)

    def score(self, rows: np.ndarray, query: np.ndarray) -> np.ndarray:
        """Scores of stored rows for a prepared query, from the codes (blocks of rows at a time)."""
        q = np.asarray(query, dtype=np.float32)
        if self.distance is Distance.MANHATTAN:
            return blocked(rows.shape[0], None, lambda part: np.abs(self.decode(rows[part]) - q).sum(axis=1))
        table = byte_table(self._codec.rotation @ q, self._codec.byte_values)

        def part_scores(part: slice | np.ndarray) -> np.ndarray:
            codes, scales, norms_sq = self._split(rows[part])
            dot = table_sums(codes, table) * scales
            return from_reconstruction(self.distance, dot, norms_sq if self.distance is Distance.EUCLID else dot, q)

        return blocked(rows.shape[0], None, part_scores)


class TurboQuantized:
    def __init__(self, spec: QuantizationSpec, distance: Distance, codes: np.ndarray, scales: np.ndarray,
                 norms_sq: np.ndarray, rotation_matrix: np.ndarray) -> None:
        self.spec = spec
        self.distance = distance
        self.codes = codes
        self.scales = scales
        self.norms_sq = norms_sq
        self.rotation = rotation_matrix
        self.bit_size = BIT_SIZE[spec.bits]
        self.centroids = _CENTROIDS[self.bit_size]
        self.padded = int(rotation_matrix.shape[0])
        self.byte_values = byte_values(self.bit_size, self.centroids)

    @classmethod
    def build(cls, spec: QuantizationSpec, distance: Distance, rows: np.ndarray) -> TurboQuantized:
        matrix = rotation(int(rows.shape[1]), spec.bits)
        built = cls(spec, distance, np.zeros((0, 0), np.uint8), np.zeros(0, np.float32), np.zeros(0, np.float32),
                    matrix)
        built.codes, built.scales, built.norms_sq = built.encode(rows)
        return built

    @classmethod
    def restore(cls, spec: QuantizationSpec, distance: Distance, arrays: dict[str, np.ndarray]) -> TurboQuantized:
        return cls(spec, distance, arrays["codes"], arrays["scales"], arrays["norms_sq"], arrays["rotation"])

    @property
    def count(self) -> int:
        return int(self.codes.shape[0])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"codes": self.codes, "scales": self.scales, "norms_sq": self.norms_sq, "rotation": self.rotation}

    def bytes_per_vector(self) -> float:
        return float(self.codes.shape[1] + 4 + (4 if self.distance is Distance.EUCLID else 0))

    def encode(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(packed codes, per-vector scale, squared norms) of n×dim float rows."""
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float32))
        rotated = rows @ self.rotation.T
        norms = np.linalg.norm(rows, axis=1)
        unit = rotated * (np.sqrt(self.padded) / np.where(norms > 0, norms, 1.0))[:, None]
        boundaries = (self.centroids[1:] + self.centroids[:-1]) / 2
        indexes = np.searchsorted(boundaries, unit).astype(np.uint8)
        values = self.centroids[indexes]
        lengths = np.linalg.norm(values, axis=1)
        scales = np.where(lengths > 0, norms / np.where(lengths > 0, lengths, 1.0), 0.0).astype(np.float32)
        norms_sq = (norms**2).astype(np.float32) if self.distance is Distance.EUCLID else np.zeros(0, np.float32)
        return pack(indexes, self.bit_size), scales, norms_sq

    def values(self, rows: slice | np.ndarray) -> np.ndarray:
        """Rotated reconstructions (scale · centroid) of stored rows."""
        indexes = unpack(self.codes[rows], self.bit_size, self.padded)
        return self.centroids[indexes] * self.scales[rows][:, None]

    def decode(self, rows: slice | np.ndarray) -> np.ndarray:
        """Reconstructed vectors in the original space."""
        return self.values(rows) @ self.rotation

    def score(self, query: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        q = np.asarray(query, dtype=np.float32)
        if self.distance is Distance.MANHATTAN:
            return blocked(self.count, offsets, lambda rows: np.abs(self.decode(rows) - q).sum(axis=1))
        table = byte_table(self.rotation @ q, self.byte_values)

        def rows_score(rows: slice | np.ndarray) -> np.ndarray:
            dot = table_sums(self.codes[rows], table) * self.scales[rows]
            row_sq = self.norms_sq[rows] if self.distance is Distance.EUCLID else dot
            return from_reconstruction(self.distance, dot, row_sq, q)

        return blocked(self.count, offsets, rows_score)


def pack(indexes: np.ndarray, bit_size: int) -> np.ndarray:
    """n×D codes of `bit_size` bits -> n×ceil(D·bits/8) bytes (little-endian within a byte)."""
    per_byte = 8 // bit_size
    n, width = indexes.shape
    padded = np.zeros((n, -(-width // per_byte) * per_byte), dtype=np.uint8)
    padded[:, :width] = indexes
    grouped = padded.reshape(n, -1, per_byte)
    shifts = (np.arange(per_byte, dtype=np.uint8) * bit_size)[None, None, :]
    return np.bitwise_or.reduce(grouped << shifts, axis=2).astype(np.uint8)


def unpack(packed: np.ndarray, bit_size: int, width: int) -> np.ndarray:
    per_byte = 8 // bit_size
    shifts = (np.arange(per_byte, dtype=np.uint8) * bit_size)[None, None, :]
    mask = np.uint8((1 << bit_size) - 1)
    out = (packed[:, :, None] >> shifts) & mask
    return out.reshape(packed.shape[0], -1)[:, :width]
