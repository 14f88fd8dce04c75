"""Figure family 1: unfiltered search through the server after a REST ingest, against the floor app.

The collection is loaded the way users load it: the stock qdrant-client, batches of 1,000 with
wait=true, then polling until the collection is green. Then, with raw JSON over keep-alive
connections (`bench.core_v2.loadgen`):
- one client, sequential: server CPU per request (/proc/PID/stat delta over N requests / N);
- 8 and 32 concurrent clients: QPS, p50/p99, and the CPU of every server thread over the window
  (are the engine pool threads together using more than one core?).
The floor app (`bench.core_v2.floor_app`, same uvicorn set-up, same response size, one thread hop)
then takes exactly the same loads in the same run; Quiver/floor is the reported ratio.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from qdrant_client import QdrantClient

from bench.core_v2.config import CoreV2Config
from bench.core_v2.loadgen import run_load
from bench.core_v2.procs import Proc, floor, quiver
from bench.data import TOP_K, Dataset
from bench.measure import latency_summary, recall_at_k
from bench.systems.client_ops import create_collection, upsert_all

COLLECTION = "core_v2"
QUERY_PATH = f"/collections/{COLLECTION}/points/query"


def run(ds: Dataset, cfg: CoreV2Config, workdir: Path,
        also: Callable[[Proc, str], dict[str, Any]] | None = None) -> dict[str, Any]:
    """Figure 1 (and `also(server, collection)`, run on the same loaded server before it stops)."""
    bodies_path = workdir / "plain_bodies.json"
    bodies_path.write_text(json.dumps(plain_bodies(ds)))
    out: dict[str, Any] = {}
    with quiver() as server:
        out["ingest"] = ingest_like_a_user(server.url, ds, cfg.green_wait_s)
        out["recall"] = recall_pass(server.url, ds, cfg.recall_queries)
        out["quiver"] = loads(server, bodies_path, cfg)
        if also is not None:
            out["also"] = also(server, COLLECTION)
    response_path = workdir / "sample_response.json"
    response_path.write_text(out["recall"]["sample_response"])
    with floor(response_path) as app:
        out["floor"] = loads(app, bodies_path, cfg)
    out["ratios"] = {
        str(c): round(out["quiver"][str(c)]["qps"] / out["floor"][str(c)]["qps"], 3) for c in cfg.concurrencies
    }
    return out


def plain_bodies(ds: Dataset) -> list[dict[str, Any]]:
    """Unfiltered top-10 queries as REST JSON, with the server's default search params."""
    return [{"query": q.tolist(), "limit": TOP_K} for q in ds.queries]


def ingest_like_a_user(url: str, ds: Dataset, green_wait_s: float) -> dict[str, Any]:
    client = QdrantClient(url=url, prefer_grpc=False, timeout=300)
    try:
        create_collection(client, COLLECTION, ds.dim)
        upserted = upsert_all(client, COLLECTION, ds)
    finally:
        client.close()
    green = wait_green(url, green_wait_s)
    return {"client": "qdrant-client (REST), batches of 1,000, wait=true",
            "points_per_s": upserted["points_per_s"], "seconds": upserted["seconds"], **green}


def wait_green(url: str, wait_s: float, poll_timeout_s: float = 30.0) -> dict[str, Any]:
    """Poll collection info until green (at most `wait_s`); slow or timed-out polls are recorded,
    since collection info must answer while the optimizer works."""
    t0 = time.perf_counter()
    slowest = 0.0
    timeouts = 0
    info: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=poll_timeout_s) as http:
        while time.perf_counter() - t0 < wait_s:
            tp = time.perf_counter()
            try:
                info = http.get(f"/collections/{COLLECTION}").raise_for_status().json()["result"]
            except httpx.TimeoutException:
                timeouts += 1
                continue
            finally:
                slowest = max(slowest, time.perf_counter() - tp)
            if info["status"] == "green":
                break
            time.sleep(0.5)
    return {
        "status": info.get("status"),
        "seconds_to_green_after_ingest": round(time.perf_counter() - t0, 2),
        "points_count": info.get("points_count"),
        "indexed_vectors_count": info.get("indexed_vectors_count"),
        "segments_count": info.get("segments_count"),
        "slowest_info_s": round(slowest, 3),
        "info_timeouts": timeouts,
    }


def recall_pass(url: str, ds: Dataset, n: int) -> dict[str, Any]:
    """Sequential raw-JSON queries: recall@10 against exact truth, the server's `time`, a sample body."""
    found: list[list[int]] = []
    server_s: list[float] = []
    sample = ""
    with httpx.Client(base_url=url, timeout=60) as http:
        for body in plain_bodies(ds)[:n]:
            resp = http.post(QUERY_PATH, json=body)
            resp.raise_for_status()
            data = resp.json()
            sample = sample or resp.text
            server_s.append(float(data["time"]))
            found.append([int(p["id"]) for p in data["result"]["points"]])
    server = latency_summary(server_s)
    return {
        "queries": n,
        "recall_at_10": round(recall_at_k(found, ds.truth["plain"][:n]), 4),
        "server_time_p50_ms": server.get("p50_ms"),
        "server_time_p99_ms": server.get("p99_ms"),
        "sample_response": sample,
    }


def loads(proc: Proc, bodies: Path, cfg: CoreV2Config) -> dict[str, Any]:
    """One sequential client, then each concurrency level, all with the server's CPU per window."""
    out = {"1": run_load(proc.port, QUERY_PATH, bodies, 1, cfg.sequential_requests,
                         cfg.concurrent_duration_s * 3, proc.pid)}
    for c in cfg.concurrencies:
        out[str(c)] = run_load(proc.port, QUERY_PATH, bodies, c, cfg.concurrent_requests,
                               cfg.concurrent_duration_s, proc.pid)
    for row in out.values():
        row.pop("sample_response", None)
        if row["errors"]:
            raise RuntimeError(f"{proc.log_path.name}: {row['errors']} failed requests: {row['first_error']}")
    return out
