"""Quiver over REST with the stock qdrant-client, exactly as a user would drive it.

Measures ingest (batches of 1,000, wait=True), time until the collection is green with
indexed vectors (bounded wait; "not indexed" otherwise), client-side latency and recall through
qdrant-client, and server-side time (the response's `time` field) through raw httpx.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from qdrant_client import QdrantClient

from bench.config import QUERY_EFS, RunConfig
from bench.data import FILTER_KINDS, TOP_K, Dataset
from bench.measure import Stopwatch, latency_summary, recall_at_k
from bench.server_proc import RunningServer, quiver_server
from bench.systems.client_ops import (
    create_collection,
    create_payload_indexes,
    filter_json,
    search_pass,
    upsert_all,
)

NAME = "bench"


def run(ds: Dataset, cfg: RunConfig) -> dict[str, Any]:
    with quiver_server() as server:
        client = QdrantClient(url=server.url, prefer_grpc=False, timeout=120)
        try:
            return _run(client, server, ds, cfg)
        finally:
            client.close()


def _run(client: QdrantClient, server: RunningServer, ds: Dataset, cfg: RunConfig) -> dict[str, Any]:
    create_collection(client, NAME, ds.dim)
    ingest = upsert_all(client, NAME, ds)
    index_s = create_payload_indexes(client, NAME)
    index = _wait_indexed(client, cfg.index_wait_s, ingest["seconds"])
    index["payload_index_seconds"] = index_s
    searches = []
    with httpx.Client(base_url=server.url, timeout=120) as http:
        for ef in QUERY_EFS:
            for kind in FILTER_KINDS:
                row = search_pass(client, NAME, ds, kind, cfg.queries, ef)
                row.update(_server_time(http, ds, kind, min(cfg.queries, cfg.server_time_queries), ef))
                searches.append(row)
    return {
        "system": "quiver",
        "status": "ok",
        "note": "REST via qdrant-client (single client); server time from raw httpx `time` field",
        "ingest": ingest,
        "index": index,
        "searches": searches,
    }


def _wait_indexed(client: QdrantClient, wait_s: float, ingest_s: float) -> dict[str, Any]:
    """Poll collection info until green with indexed_vectors_count > 0, at most `wait_s`."""
    with Stopwatch() as sw:
        deadline = time.monotonic() + wait_s
        info = client.get_collection(NAME)
        while True:
            indexed = info.indexed_vectors_count or 0
            if str(info.status.value) == "green" and indexed > 0:
                break
            if time.monotonic() >= deadline:
                break
            time.sleep(0.5)
            info = client.get_collection(NAME)
    done = indexed > 0
    return {
        "indexed": done,
        "status": str(info.status.value),
        "indexed_vectors_count": indexed,
        "segments_count": info.segments_count,
        # from the start of ingest, so it is comparable with the peers' "build" times
        "seconds_to_indexed": round(ingest_s + sw.seconds, 2) if done else None,
        "waited_seconds": round(sw.seconds, 2),
    }


def _server_time(http: httpx.Client, ds: Dataset, kind: str, n_queries: int, ef: int) -> dict[str, Any]:
    """Send the same queries as raw JSON; summarise the server-reported `time` and recall."""
    bodies = []
    for qi in range(n_queries):
        body: dict[str, Any] = {"query": ds.queries[qi].tolist(), "limit": TOP_K, "params": {"hnsw_ef": ef}}
        flt = filter_json(ds, kind, qi)
        if flt is not None:
            body["filter"] = flt
        bodies.append(body)
    server_s: list[float] = []
    client_s: list[float] = []
    found: list[list[int]] = []
    for body in bodies:
        t0 = time.perf_counter()
        resp = http.post(f"/collections/{NAME}/points/query", json=body)
        client_s.append(time.perf_counter() - t0)
        resp.raise_for_status()
        data = resp.json()
        server_s.append(float(data["time"]))
        found.append([int(p["id"]) for p in data["result"]["points"]])
    server = latency_summary(server_s)
    raw = latency_summary(client_s)
    return {
        "server_time_queries": n_queries,
        "server_p50_ms": server.get("p50_ms"),
        "server_p99_ms": server.get("p99_ms"),
        "httpx_p50_ms": raw.get("p50_ms"),
        "httpx_recall_at_10": round(recall_at_k(found, ds.truth[kind][:n_queries]), 4),
    }
