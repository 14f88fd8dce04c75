"""Figure 3's peers on the same data: raw hnswlib (the ceiling for an engine built on it) and
qdrant-edge (Qdrant's Rust engine in-process), each answering one query per call on one thread.

qdrant-edge is set up like the engine under test: the same HNSW parameters, payload indexes on
`category` (keyword) and `price` (integer), `default_segment_number=1` so its optimizer leaves one
indexed segment, and one search thread.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import hnswlib
import numpy as np

from bench.config import HNSW_EF_CONSTRUCTION, HNSW_M, UPSERT_BATCH
from bench.data import TOP_K, Dataset, category_name

Search = Callable[[int], list[int]]
"""Answers query number `qi` (vectors and filters are prepared for each system before timing)."""


def hnswlib_index(ds: Dataset) -> hnswlib.Index:
    index = hnswlib.Index(space="ip", dim=ds.dim)  # unit vectors: inner product is cosine
    index.init_index(max_elements=ds.n, M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION, random_seed=100)
    index.add_items(ds.vectors, np.arange(ds.n))
    return index


def hnswlib_searcher(index: hnswlib.Index, ef: int, queries: np.ndarray) -> Search:
    def search(qi: int) -> list[int]:
        index.set_ef(ef)  # the index is shared by searchers of several ef; a setter, ~1 µs
        return [int(i) for i in index.knn_query(queries[qi], k=TOP_K, num_threads=1)[0][0]]

    return search


@contextmanager
def edge_shard(ds: Dataset) -> Iterator[tuple[Any, dict[str, Any]]]:
    """A qdrant-edge shard holding the data set, optimized; yields (shard, layout)."""
    import qdrant_edge as qe

    with tempfile.TemporaryDirectory(prefix="qdrant-edge-core-v2-") as path:
        hnsw = qe.HnswIndexConfig(m=HNSW_M, ef_construct=HNSW_EF_CONSTRUCTION, full_scan_threshold=10_000)
        config = qe.EdgeConfig(vectors=qe.EdgeVectorParams(size=ds.dim, distance=qe.Distance.Cosine),
                               hnsw_config=hnsw, optimizers=qe.EdgeOptimizersConfig(default_segment_number=1),
                               max_search_threads=1)
        shard = qe.EdgeShard.create(path, config)
        try:
            for start in range(0, ds.n, UPSERT_BATCH):
                stop = min(start + UPSERT_BATCH, ds.n)
                shard.update(qe.UpdateOperation.upsert_points(
                    [qe.Point(i, ds.vectors[i].tolist(), ds.payload(i)) for i in range(start, stop)]))
            shard.update(qe.UpdateOperation.create_field_index("category", qe.PayloadSchemaType.Keyword))
            shard.update(qe.UpdateOperation.create_field_index("price", qe.PayloadSchemaType.Integer))
            shard.optimize()
            info = shard.info()
            yield shard, {"segments": info.segments_count, "indexed_vectors": info.indexed_vectors_count,
                          "points": info.points_count}
        finally:
            shard.close()


def edge_keyword(value: int) -> Any:
    import qdrant_edge as qe

    return qe.Filter(must=[qe.FieldCondition(key="category", match=qe.MatchValue(category_name(value)))])


def edge_range(lt: int) -> Any:
    import qdrant_edge as qe

    return qe.Filter(must=[qe.FieldCondition(key="price", range=qe.RangeFloat(lt=float(lt)))])


def edge_searcher(shard: Any, ef: int, queries: np.ndarray, filters: list[Any], acorn: bool = False) -> Search:
    import qdrant_edge as qe

    params = qe.SearchParams(hnsw_ef=ef, acorn=qe.AcornSearchParams(enable=True) if acorn else None)
    requests = [qe.QueryRequest(limit=TOP_K, query=qe.Query.Nearest(q.tolist()), filter=flt, params=params,
                                with_payload=False) for q, flt in zip(queries, filters, strict=True)]

    def search(qi: int) -> list[int]:
        return [int(p.id) for p in shard.query(requests[qi])]

    return search
