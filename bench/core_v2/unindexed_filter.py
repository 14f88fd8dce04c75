"""Figure family 4: a keyword filter on a payload key without a payload index, through the server.

Runs on figure 1's loaded collection (100k points, no payload index created): top-10 queries that
must match `category == cX` (~1% of the points), one client, raw JSON. Reported: the first such
query apart (a view or automatic index built on first use would show here), then p50/p99 of the
client-observed and server-reported (`time`) latency, server CPU per query, and recall@10 against
the exact filtered top-10.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from bench.core_v2.procs import Proc
from bench.core_v2.procstat import CpuWindow
from bench.data import TOP_K, Dataset, category_name
from bench.measure import latency_summary, recall_at_k


def bodies(ds: Dataset, n: int) -> list[dict[str, Any]]:
    return [{"query": ds.queries[qi].tolist(), "limit": TOP_K,
             "filter": {"must": [{"key": "category", "match": {"value": category_name(int(ds.query_category[qi]))}}]}}
            for qi in range(n)]


def run(server: Proc, collection: str, ds: Dataset, n: int, max_s: float = 30.0) -> dict[str, Any]:
    """Up to `n` queries, stopping early after `max_s` seconds (a full scan per query can take long)."""
    path = f"/collections/{collection}/points/query"
    reqs = bodies(ds, n)
    with httpx.Client(base_url=server.url, timeout=120) as http:
        indexes = http.get(f"/collections/{collection}").json()["result"].get("payload_schema", {})
        t0 = time.perf_counter()
        first = http.post(path, json=reqs[0])
        first_ms = (time.perf_counter() - t0) * 1e3
        first.raise_for_status()
        found: list[list[int]] = []
        client_s: list[float] = []
        server_s: list[float] = []
        window = CpuWindow(server.pid).start()
        stop_at = time.perf_counter() + max_s
        for body in reqs:
            if time.perf_counter() >= stop_at:
                break
            t = time.perf_counter()
            resp = http.post(path, json=body)
            client_s.append(time.perf_counter() - t)
            resp.raise_for_status()
            data = resp.json()
            server_s.append(float(data["time"]))
            found.append([int(p["id"]) for p in data["result"]["points"]])
        window.stop()
    done = len(found)
    client, srv = latency_summary(client_s), latency_summary(server_s)
    return {
        "payload_schema": indexes,  # expected empty: the key has no index
        "points": ds.n,
        "queries": done,
        "first_query_ms": round(first_ms, 2),
        "first_query_server_ms": round(float(first.json()["time"]) * 1e3, 2),
        "client_p50_ms": client.get("p50_ms"),
        "client_p99_ms": client.get("p99_ms"),
        "server_time_p50_ms": srv.get("p50_ms"),
        "server_time_p99_ms": srv.get("p99_ms"),
        "server_cpu_ms_per_query": round(window.process_s * 1e3 / done, 3),
        "recall_at_10": round(recall_at_k(found, ds.truth["keyword_1pct"][:done]), 4),
    }
