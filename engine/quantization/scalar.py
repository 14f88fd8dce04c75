"""Scalar (int8) quantization: each coordinate mapped linearly onto 256 levels between a lower and an
upper bound, one byte per dimension (4x smaller than float32).

The bounds are the whole range of the values, or with `quantile` q the central q share of them
(Qdrant: a quantile in [0.5, 1] cuts outliers so the levels are spent on typical values; values
outside are clamped). Scoring is asymmetric: the float32 query against dequantized codes,
x ≈ offset + alpha·c, so x·q = offset·Σq + alpha·(c·q) — one float32 product over a block of codes."""

from __future__ import annotations

import numpy as np

from engine.quantization.base import blocked, from_reconstruction
from engine.quantization.spec import QuantizationSpec
from engine.types.config import Distance

SAMPLE_ROWS = 20_000
LEVELS = 255


class ScalarQuantized:
    def __init__(self, spec: QuantizationSpec, distance: Distance, codes: np.ndarray, bounds: np.ndarray,
                 row_sq: np.ndarray) -> None:
        self.spec = spec
        self.distance = distance
        self.codes = codes
        self.bounds = bounds
        self.row_sq = row_sq
        self.offset = float(bounds[0])
        self.alpha = float(bounds[1] - bounds[0]) / LEVELS or 1.0

    @classmethod
    def build(cls, spec: QuantizationSpec, distance: Distance, rows: np.ndarray) -> ScalarQuantized:
        low, high = _bounds(rows, spec.quantile)
        alpha = (high - low) / LEVELS or 1.0
        codes = np.clip(np.rint((rows - low) / alpha), 0, LEVELS).astype(np.uint8)
        bounds = np.array([low, high], dtype=np.float32)
        built = cls(spec, distance, codes, bounds, np.zeros(0, dtype=np.float32))
        built.row_sq = built._row_sq()
        return built

    @classmethod
    def restore(cls, spec: QuantizationSpec, distance: Distance, arrays: dict[str, np.ndarray]) -> ScalarQuantized:
        return cls(spec, distance, arrays["codes"], arrays["bounds"], arrays["row_sq"])

    @property
    def count(self) -> int:
        return int(self.codes.shape[0])

    def arrays(self) -> dict[str, np.ndarray]:
        return {"codes": self.codes, "bounds": self.bounds, "row_sq": self.row_sq}

    def bytes_per_vector(self) -> float:
        return float(self.codes.shape[1] + (4 if self.distance is Distance.EUCLID else 0))

    def dequantize(self, rows: slice | np.ndarray) -> np.ndarray:
        return self.codes[rows].astype(np.float32) * np.float32(self.alpha) + np.float32(self.offset)

    def _row_sq(self) -> np.ndarray:
        if self.distance is not Distance.EUCLID:
            return np.zeros(0, dtype=np.float32)
        return blocked(self.count, None, lambda rows: np.einsum("ij,ij->i", r := self.dequantize(rows), r))

    def score(self, query: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        q = np.asarray(query, dtype=np.float32)
        if self.distance is Distance.MANHATTAN:
            return blocked(self.count, offsets, lambda rows: np.abs(self.dequantize(rows) - q).sum(axis=1))
        scaled = q * np.float32(self.alpha)
        base = np.float32(self.offset * float(q.sum()))

        def rows_score(rows: slice | np.ndarray) -> np.ndarray:
            dot = self.codes[rows].astype(np.float32) @ scaled + base
            row_sq = self.row_sq[rows] if self.distance is Distance.EUCLID else dot
            return from_reconstruction(self.distance, dot, row_sq, q)

        return blocked(self.count, offsets, rows_score)


def _bounds(rows: np.ndarray, quantile: float | None) -> tuple[float, float]:
    if rows.size == 0:
        return 0.0, 1.0
    sample = rows
    if rows.shape[0] > SAMPLE_ROWS:
        picked = np.random.default_rng(0).choice(rows.shape[0], SAMPLE_ROWS, replace=False)
        sample = rows[np.sort(picked)]
    if quantile is None or quantile >= 1.0:
        return float(rows.min()), float(rows.max())
    cut = (1.0 - quantile) / 2.0
    low, high = np.quantile(sample, [cut, 1.0 - cut])
    return float(low), float(high)
