"""Raw hnswlib in-process: the ceiling Quiver's engine can reach with the same library.

Filtered searches use hnswlib's `filter=` Python callback (called per visited node), the
naive way; Quiver's design asks for something better, and this row shows why.
"""

from __future__ import annotations

from typing import Any

import hnswlib
import numpy as np

from bench.config import HNSW_EF_CONSTRUCTION, HNSW_M, QUERY_EFS, RunConfig
from bench.data import FILTER_KINDS, TOP_K, Dataset
from bench.measure import Stopwatch, run_queries, search_row


def run(ds: Dataset, cfg: RunConfig) -> dict[str, Any]:
    index = hnswlib.Index(space="cosine", dim=ds.dim)
    index.init_index(max_elements=ds.n, M=HNSW_M, ef_construction=HNSW_EF_CONSTRUCTION, random_seed=cfg.seed)
    with Stopwatch() as build:
        index.add_items(ds.vectors, np.arange(ds.n), num_threads=-1)
    searches = []
    for ef in QUERY_EFS:
        index.set_ef(ef)
        for kind in FILTER_KINDS:
            searches.append(_search(index, ds, cfg.queries, kind, ef))
    return {
        "system": "hnswlib",
        "status": "ok",
        "note": f"in-process, M={HNSW_M}, ef_construction={HNSW_EF_CONSTRUCTION}, all cores for build, 1 thread per query",
        "ingest": {"seconds": round(build.seconds, 2), "points_per_s": round(ds.n / build.seconds, 1)},
        "index": {"indexed": True, "seconds_to_indexed": round(build.seconds, 2)},
        "searches": searches,
    }


def _search(index: hnswlib.Index, ds: Dataset, n_queries: int, kind: str, ef: int) -> dict[str, Any]:
    masks = [ds.mask(kind, qi) for qi in range(n_queries)]  # built before timing starts
    short = 0

    def one(qi: int) -> list[int]:
        nonlocal short
        mask = masks[qi]
        flt = None if mask is None else (lambda label: bool(mask[label]))
        try:
            labels, _ = index.knn_query(ds.queries[qi : qi + 1], k=TOP_K, num_threads=1, filter=flt)
        except RuntimeError:  # hnswlib raises when the filtered walk finds fewer than k
            short += 1
            return []
        return [int(x) for x in labels[0]]

    found, times = run_queries(n_queries, one)
    return search_row(kind, f"ef={ef}", found, times, ds.truth[kind], short_results=short)
