"""Binary quantization with Qdrant 1.19's three encodings, bits packed 8 per byte:

- `one_bit`: bit i = (x_i > 0); dim/8 bytes per vector (32x smaller than float32);
- `two_bits`: per dimension a "zero" region around the mean: z = (x_i - mean_i) / sd_i and
  z <= -2/3 -> 00, |z| < 2/3 -> 10, z >= 2/3 -> 11, the first bits of all dimensions then the second
  bits; dim/4 bytes;
- `one_and_half_bits`: two bits per dimension, but the second bits of dimensions 2j and 2j+1 are
  OR-ed into one; ceil(1.5·dim)/8 bytes.
Per-dimension mean and standard deviation come from the segment's vectors (a dimension with no
spread falls back to the sign bit, as Qdrant does).

Scoring: with the default query encoding the query is encoded like the vectors and compared by
popcount of the XOR (np.bitwise_count): similarity = bits - 2·differing for Cosine/Dot, the count of
differing bits for distances. `scalar4bits`/`scalar8bits` keep the query as 4/8-bit levels
(asymmetric, closer to the float scores): similarity = Σ q_j·(2·bit_j - 1) over the encoded bits
(the query extended like the vector: twice for two bits, the max of each pair for 1.5 bits)."""

from __future__ import annotations

import numpy as np

from engine.quantization.base import blocked, byte_table, byte_values, table_sums
from engine.quantization.spec import BinaryEncoding, QuantizationSpec, QueryEncoding
from engine.types.config import Distance

ZERO_SIGMAS = 2.0 / 3.0
_SIGNS = byte_values(1, np.array([-1.0, 1.0], dtype=np.float32))
"""±1 for each bit of each byte value: the asymmetric query's partial sums are looked up per byte."""


class BinaryQuantized:
    def __init__(self, spec: QuantizationSpec, distance: Distance, codes: np.ndarray, stats: np.ndarray,
                 dim: int) -> None:
        self.spec = spec
        self.distance = distance
        self.codes = codes
        self.stats = stats
        """2×dim: per-dimension mean and standard deviation (unused by one_bit)."""
        self.dim = dim
        self.bits = encoded_bits(spec.encoding, dim)

    @classmethod
    def build(cls, spec: QuantizationSpec, distance: Distance, rows: np.ndarray) -> BinaryQuantized:
        dim = int(rows.shape[1])
        if rows.shape[0]:
            stats = np.stack([rows.mean(axis=0), rows.std(axis=0)]).astype(np.float32)
        else:
            stats = np.zeros((2, dim), dtype=np.float32)
        built = cls(spec, distance, np.zeros((0, 0), dtype=np.uint8), stats, dim)
        built.codes = built.encode(rows)
        return built

    @classmethod
    def restore(cls, spec: QuantizationSpec, distance: Distance, arrays: dict[str, np.ndarray]) -> BinaryQuantized:
        stats = arrays["stats"]
        return cls(spec, distance, arrays["codes"], stats, int(stats.shape[1]))

    @property
    def count(self) -> int:
        return int(self.codes.shape[0])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"codes": self.codes, "stats": self.stats}

    def bytes_per_vector(self) -> float:
        return float(self.codes.shape[1])

    def encode(self, rows: np.ndarray) -> np.ndarray:
        """Packed codes of n×dim float rows (n×ceil(bits/8) bytes)."""
        rows = np.atleast_2d(np.asarray(rows, dtype=np.float32))
        match self.spec.encoding:
            case BinaryEncoding.ONE_BIT:
                bits = rows > 0
            case BinaryEncoding.TWO_BITS:
                first, second = self._regions(rows)
                bits = np.concatenate([first, second], axis=1)
            case BinaryEncoding.ONE_AND_HALF_BITS:
                first, second = self._regions(rows)
                bits = np.concatenate([first, _pair_or(second)], axis=1)
        return np.packbits(bits, axis=1, bitorder="little")

    def _regions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mean, sd = self.stats[0], self.stats[1]
        flat = sd < np.finfo(np.float32).eps
        z = (rows - mean) / np.where(flat, 1.0, sd)
        first = np.where(flat, rows > 0, z > -ZERO_SIGMAS)
        second = np.where(flat, False, z >= ZERO_SIGMAS)
        return first, second

    def score(self, query: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        q = np.asarray(query, dtype=np.float32)
        similarity = self.distance in (Distance.COSINE, Distance.DOT)
        if self.spec.query_encoding in (QueryEncoding.SCALAR4BITS, QueryEncoding.SCALAR8BITS):
            table = byte_table(self._scalar_query(q), _SIGNS)

            def asymmetric(rows: slice | np.ndarray) -> np.ndarray:
                agreement = table_sums(self.codes[rows], table)
                return agreement if similarity else -agreement

            return blocked(self.count, offsets, asymmetric)
        encoded = self.encode(q)[0]

        def symmetric(rows: slice | np.ndarray) -> np.ndarray:
            differing = np.bitwise_count(np.bitwise_xor(self.codes[rows], encoded)).sum(axis=1, dtype=np.int32)
            if similarity:
                return (self.bits - 2 * differing).astype(np.float32)
            return differing.astype(np.float32)

        return blocked(self.count, offsets, symmetric)

    def _scalar_query(self, q: np.ndarray) -> np.ndarray:
        match self.spec.encoding:
            case BinaryEncoding.ONE_BIT:
                extended = q
            case BinaryEncoding.TWO_BITS:
                extended = np.concatenate([q, q])
            case BinaryEncoding.ONE_AND_HALF_BITS:
                padded = np.append(q, q[-1]) if q.shape[0] % 2 else q
                extended = np.concatenate([q, padded.reshape(-1, 2).max(axis=1)])
        steps = 15 if self.spec.query_encoding is QueryEncoding.SCALAR4BITS else 255
        low, high = float(extended.min()), float(extended.max())
        width = (high - low) / steps or 1.0
        return (np.rint((extended - low) / width) * width + low).astype(np.float32)


def encoded_bits(encoding: BinaryEncoding, dim: int) -> int:
    match encoding:
        case BinaryEncoding.ONE_BIT:
            return dim
        case BinaryEncoding.TWO_BITS:
            return 2 * dim
        case BinaryEncoding.ONE_AND_HALF_BITS:
            return dim + (dim + 1) // 2


def _pair_or(bits: np.ndarray) -> np.ndarray:
    if bits.shape[1] % 2:
        bits = np.concatenate([bits, np.zeros((bits.shape[0], 1), dtype=bool)], axis=1)
    return bits[:, 0::2] | bits[:, 1::2]
