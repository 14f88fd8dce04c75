"""Exact scores of a column whose rows are a strided view (rows kept inside a mapped graph file
record) equal those of the same rows stored contiguously."""

from __future__ import annotations

import numpy as np

from engine.segment.vector_column import VectorColumn
from engine.types.config import Distance


def test_scores_of_strided_rows_equal_contiguous_ones() -> None:
    rng = np.random.default_rng(7)
    rows = rng.standard_normal((50, 8)).astype(np.float32)
    records = np.zeros((50, 12), dtype=np.float32)
    records[:, 2:10] = rows  # each row inside a wider record, as in a graph file
    strided = records[:, 2:10]
    assert not strided.flags.c_contiguous
    contiguous, mapped = VectorColumn(8, Distance.DOT), VectorColumn(8, Distance.DOT)
    contiguous.data, mapped.data = rows.copy(), strided
    offsets = np.array([3, 0, 49, 17], dtype=np.int64)
    query = rng.standard_normal(8).astype(np.float32)
    assert np.array_equal(mapped.score(offsets, query), contiguous.score(offsets, query))
    assert np.array_equal(mapped.score(offsets, query), rows[offsets] @ query)
