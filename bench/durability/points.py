"""Seeded synthetic points for the durability benchmarks, generated batch by batch.

Same shape as bench/data.py (clustered unit vectors, `category` keyword of 100 values, integer
`price` in [0, 1000)) but without queries or ground truth, so a million points cost seconds and
little memory: batch `b` is drawn from its own generator seeded by (seed, b), so any batch can be
made on its own and every run produces the same points.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from bench.data import N_CATEGORIES, N_CENTRES, PRICE_MAX, category_name
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import CreateFieldIndex, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import PointStruct

NOISE = 1.5
INDEXES = {"category": "keyword", "price": "integer"}


class PointSource:
    """Deterministic batches of (ids, vectors, categories, prices)."""

    def __init__(self, dim: int = 128, seed: int = 42) -> None:
        self.dim = dim
        self.seed = seed
        self.centres = np.random.default_rng(seed).standard_normal((N_CENTRES, dim)).astype(np.float32)

    def batch(self, start: int, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng([self.seed, start])
        ids = np.arange(start, start + size, dtype=np.int64)
        vectors = self.centres[rng.integers(0, N_CENTRES, size)]
        vectors = vectors + NOISE * rng.standard_normal((size, self.dim)).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return ids, vectors.astype(np.float32), rng.integers(0, N_CATEGORIES, size), rng.integers(0, PRICE_MAX, size)

    def batches(self, n: int, size: int) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        for start in range(0, n, size):
            yield self.batch(start, min(size, n - start))

    def upsert_op(self, start: int, size: int) -> UpsertPoints:
        """An engine operation, as the REST layer would hand it to `Collection.update`."""
        ids, vectors, cats, prices = self.batch(start, size)
        points = [
            PointStruct(id=int(i), vectors={"": v}, payload={"category": category_name(int(c)), "price": int(p)})
            for i, v, c, p in zip(ids.tolist(), vectors, cats.tolist(), prices.tolist(), strict=True)
        ]
        return UpsertPoints(points=points)

    def rest_body(self, start: int, size: int) -> dict[str, Any]:
        """The JSON body of PUT /collections/{name}/points (batch form)."""
        ids, vectors, cats, prices = self.batch(start, size)
        return {
            "batch": {
                "ids": ids.tolist(),
                "vectors": vectors.tolist(),
                "payloads": [{"category": category_name(int(c)), "price": int(p)} for c, p in zip(cats, prices, strict=True)],
            }
        }


def engine_config(dim: int, indexing_threshold_kb: int | None = 10_000) -> CollectionConfig:
    """Cosine collection of `dim`-d unnamed vectors; `indexing_threshold_kb=0` disables HNSW building."""
    params = CollectionParams(vectors={"": VectorParams(size=dim, distance=Distance.COSINE)}, unnamed=True)
    return CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=indexing_threshold_kb))


def index_ops() -> list[CreateFieldIndex]:
    return [CreateFieldIndex(key=k, schema=PayloadSchema(type=t)) for k, t in INDEXES.items()]  # type: ignore[arg-type]


def rest_create_body(dim: int, indexing_threshold_kb: int = 10_000) -> dict[str, Any]:
    return {"vectors": {"size": dim, "distance": "Cosine"}, "optimizers_config": {"indexing_threshold": indexing_threshold_kb}}
