"""What every quantized vector store offers: approximate scores of a query against some or all of
its codes, in the orientation of the space's distance (similarities for Cosine/Dot, distances for
Euclid/Manhattan), and its arrays for persistence.

Codes are scored in blocks of rows so that a full scan never materialises a float32 copy of the
whole segment (the point of quantizing is that the codes are the small thing in memory)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from engine.quantization.spec import QuantizationSpec
from engine.types.config import Distance

BLOCK_ROWS = 8192


class Quantized(Protocol):
    spec: QuantizationSpec
    distance: Distance

    @property
    def count(self) -> int: ...

    def score(self, query: np.ndarray, offsets: np.ndarray | None = None) -> np.ndarray:
        """Approximate scores of rows `offsets` (every row when None) for a prepared query."""
        ...

    def arrays(self) -> dict[str, np.ndarray]:
        """Everything needed to restore the store (per-row arrays and trained parameters)."""
        ...

    def bytes_per_vector(self) -> float:
        """Code bytes held per stored vector (shared trained parameters excluded)."""
        ...


def blocked(count: int, offsets: np.ndarray | None, score_rows: Callable[[slice | np.ndarray], np.ndarray]) -> np.ndarray:
    """Scores of `offsets` (or of all `count` rows) computed `BLOCK_ROWS` rows at a time;
    `score_rows` gets a slice (contiguous, no copy) or an offset array."""
    if offsets is None:
        out = np.empty(count, dtype=np.float32)
        for start in range(0, count, BLOCK_ROWS):
            end = min(start + BLOCK_ROWS, count)
            out[start:end] = score_rows(slice(start, end))
        return out
    out = np.empty(offsets.shape[0], dtype=np.float32)
    for start in range(0, offsets.shape[0], BLOCK_ROWS):
        part = offsets[start:start + BLOCK_ROWS]
        out[start:start + part.shape[0]] = score_rows(part)
    return out


def from_reconstruction(distance: Distance, dot: np.ndarray, row_sq: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Scores from approximate dot products and approximate squared row norms: the dot itself for
    Cosine/Dot, sqrt(|x|² - 2x·q + |q|²) for Euclid."""
    if distance is Distance.EUCLID:
        return np.sqrt(np.maximum(row_sq - 2.0 * dot + float(query @ query), 0.0)).astype(np.float32)
    return dot.astype(np.float32, copy=False)


def byte_values(bit_size: int, levels: np.ndarray) -> np.ndarray:
    """256 × (8/bit_size): the level of each code packed in each possible byte value."""
    per_byte = 8 // bit_size
    everything = np.arange(256, dtype=np.uint16)[:, None]
    shifts = (np.arange(per_byte, dtype=np.uint16) * bit_size)[None, :]
    return levels[(everything >> shifts) & ((1 << bit_size) - 1)].astype(np.float32)


def byte_table(query: np.ndarray, values: np.ndarray) -> np.ndarray:
    """bytes × 256 partial dot products of a query (one entry per code position) with every byte."""
    per_byte = values.shape[1]
    padded = np.zeros(-(-query.shape[0] // per_byte) * per_byte, dtype=np.float32)
    padded[: query.shape[0]] = query
    return np.ascontiguousarray(padded.reshape(-1, per_byte) @ values.T)


def table_sums(codes: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Σ_j table[j, codes[:, j]] for a block of n × bytes codes: one gather, one sum."""
    base = (np.arange(table.shape[0], dtype=np.intp) * table.shape[1])[None, :]
    return table.ravel()[codes.astype(np.intp) + base].sum(axis=1)
