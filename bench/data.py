"""Seeded synthetic data set: clustered vectors, payloads, queries, filters and exact ground truth.

Everything here is deterministic for a given (n, dim, queries, seed), so every system in one run
(and every run with the same flags) sees exactly the same points, queries and filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

N_CENTRES = 1_000
N_CATEGORIES = 100  # one keyword value selects ~1% of the points
PRICE_MAX = 1_000  # price is uniform in [0, PRICE_MAX)
PRICE_LT = 300  # `price < 300` selects ~30% of the points
PRICE_LT_10PCT = 100  # `price < 100` selects ~10% (bench.core_v2's `range_10pct`; not in FILTER_KINDS)
TOP_K = 10
FILTER_KINDS = ("plain", "keyword_1pct", "range_30pct")


@dataclass(slots=True)
class Dataset:
    """Points, payload columns, queries, per-query filters and exact top-k ids per filter kind."""

    vectors: np.ndarray  # (n, dim) float32, unit length
    category: np.ndarray  # (n,) int; payload value is f"c{category}"
    price: np.ndarray  # (n,) int
    queries: np.ndarray  # (q, dim) float32, unit length
    query_category: np.ndarray  # (q,) int: the keyword each filtered query asks for
    truth: dict[str, np.ndarray] = field(default_factory=dict)  # kind -> (q, TOP_K) ids
    _masks: dict[int, np.ndarray] = field(default_factory=dict)  # category -> mask cache

    @property
    def n(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def payload(self, i: int) -> dict[str, object]:
        """The payload stored with point `i` (point id == row index)."""
        return {"category": category_name(int(self.category[i])), "price": int(self.price[i])}

    def mask(self, kind: str, qi: int) -> np.ndarray | None:
        """Boolean mask of the points a query's filter admits; None for unfiltered search."""
        match kind:
            case "plain":
                return None
            case "keyword_1pct":
                c = int(self.query_category[qi])
                if c not in self._masks:
                    self._masks[c] = self.category == c
                return self._masks[c]
            case "range_30pct":
                if -1 not in self._masks:
                    self._masks[-1] = self.price < PRICE_LT
                return self._masks[-1]
            case "range_10pct":
                if -2 not in self._masks:
                    self._masks[-2] = self.price < PRICE_LT_10PCT
                return self._masks[-2]
        raise ValueError(f"unknown filter kind {kind!r}")


def category_name(c: int) -> str:
    """The keyword payload value for category number `c`."""
    return f"c{c}"


def _normalise(x: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (x / norms).astype(np.float32)


def make_dataset(n: int, dim: int, n_queries: int, seed: int = 42, noise: float = 1.5) -> Dataset:
    """Gaussian clusters around N_CENTRES random centres plus noise, normalised for Cosine.

    Queries come from the same distribution but are not points of the set, so exact matches
    (score 1.0) do not make recall trivially high. `noise` is the per-coordinate std of the noise
    against unit-variance centres: at 0.35 clusters are so tight that HNSW finds the exact top-10
    every time; at 1.5 clusters overlap and hnswlib (M=16, ef=64) reaches ~0.97 recall at 100k,
    so differences between systems show.
    """
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((N_CENTRES, dim)).astype(np.float32)
    assign = rng.integers(0, N_CENTRES, size=n)
    vectors = centres[assign] + noise * rng.standard_normal((n, dim)).astype(np.float32)
    q_assign = rng.integers(0, N_CENTRES, size=n_queries)
    queries = centres[q_assign] + noise * rng.standard_normal((n_queries, dim)).astype(np.float32)
    ds = Dataset(
        vectors=_normalise(vectors),
        category=rng.integers(0, N_CATEGORIES, size=n),
        price=rng.integers(0, PRICE_MAX, size=n),
        queries=_normalise(queries),
        query_category=rng.integers(0, N_CATEGORIES, size=n_queries),
    )
    for kind in FILTER_KINDS:
        ds.truth[kind] = exact_top_k(ds, kind)
    return ds


def exact_top_k(ds: Dataset, kind: str, k: int = TOP_K, chunk: int = 200) -> np.ndarray:
    """Exact cosine top-k ids per query under filter `kind` (ties broken by lower id)."""
    out = np.full((len(ds.queries), k), -1, dtype=np.int64)
    for start in range(0, len(ds.queries), chunk):
        block = ds.queries[start : start + chunk]
        scores = block @ ds.vectors.T  # (chunk, n); unit vectors, so dot == cosine
        for row in range(len(block)):
            qi = start + row
            mask = ds.mask(kind, qi)
            s = scores[row] if mask is None else np.where(mask, scores[row], -np.inf)
            top = np.argpartition(-s, k)[:k]
            top = top[np.lexsort((top, -s[top]))]
            out[qi] = top
    return out
