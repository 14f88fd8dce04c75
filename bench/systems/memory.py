"""QdrantClient(":memory:"): qdrant-client's pure-Python local mode, the semantic reference peer.

It has no index and scores every point in Python/numpy per query, so its query count is capped
(`--memory-queries`); recall is exact by construction.
"""

from __future__ import annotations

from typing import Any

from qdrant_client import QdrantClient

from bench.config import RunConfig
from bench.data import FILTER_KINDS, Dataset
from bench.systems.client_ops import create_collection, create_payload_indexes, search_pass, upsert_all

NAME = "bench"


def run(ds: Dataset, cfg: RunConfig) -> dict[str, Any]:
    client = QdrantClient(":memory:")
    try:
        create_collection(client, NAME, ds.dim)
        ingest = upsert_all(client, NAME, ds)
        index_s = create_payload_indexes(client, NAME)
        n_q = min(cfg.queries, cfg.memory_queries)
        searches = [search_pass(client, NAME, ds, kind, n_q, None) for kind in FILTER_KINDS]
    finally:
        client.close()
    return {
        "system": "qdrant-memory",
        "status": "ok",
        "note": f"QdrantClient(':memory:'), pure Python, no index; queries capped at {n_q}",
        "ingest": ingest,
        "index": {"indexed": False, "payload_index_seconds": index_s},
        "searches": searches,
    }
