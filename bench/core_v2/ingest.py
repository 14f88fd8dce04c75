"""Figure family 2: REST ingest in batches of 1,000 points, `wait=false` against `wait=true`.

Each mode gets a fresh server and collection. One client sends the upserts back to back over one
keep-alive connection; bodies are JSON-encoded before the clock starts, so the figure is the
server's (HTTP + parse + WAL + apply), not the client's. Reported per mode: points/s until the last
upsert was answered, and — for `wait=false`, where answers come after the WAL append — also the
seconds until an exact count sees every point (the update worker has applied them), plus the
server's CPU per 1,000 points. The optimizer runs as usual in both modes (it builds the graph
while the ingest goes on, as it would for a user).
"""

from __future__ import annotations

import time
from typing import Any

import httpx
import numpy as np
import orjson

from bench.config import HNSW_EF_CONSTRUCTION, HNSW_M, UPSERT_BATCH
from bench.core_v2.procs import quiver
from bench.core_v2.procstat import CpuWindow
from bench.data import Dataset

COLLECTION = "ingest"
APPLY_WAIT_S = 120.0


def run(ds: Dataset) -> dict[str, Any]:
    bodies = encode_batches(ds)
    out: dict[str, Any] = {"batch": UPSERT_BATCH, "points": ds.n,
                           "body_mb": round(sum(len(b) for b in bodies) / 2**20, 1)}
    for wait in (False, True):
        with quiver() as server, httpx.Client(base_url=server.url, timeout=300) as http:
            out[f"wait_{str(wait).lower()}"] = ingest(http, server.pid, bodies, ds, wait)
    slow, fast = out["wait_true"]["points_per_s"], out["wait_false"]["points_per_s"]
    out["speedup_wait_false"] = round(fast / slow, 3) if slow else None
    return out


def encode_batches(ds: Dataset) -> list[bytes]:
    bodies = []
    for start in range(0, ds.n, UPSERT_BATCH):
        stop = min(start + UPSERT_BATCH, ds.n)
        points = [{"id": i, "vector": ds.vectors[i], "payload": ds.payload(i)} for i in range(start, stop)]
        bodies.append(orjson.dumps({"points": points}, option=orjson.OPT_SERIALIZE_NUMPY))
    return bodies


def create(http: httpx.Client, dim: int) -> None:
    body = {"vectors": {"size": dim, "distance": "Cosine"},
            "hnsw_config": {"m": HNSW_M, "ef_construct": HNSW_EF_CONSTRUCTION}}
    http.put(f"/collections/{COLLECTION}", json=body).raise_for_status()


def ingest(http: httpx.Client, pid: int, bodies: list[bytes], ds: Dataset, wait: bool) -> dict[str, Any]:
    create(http, ds.dim)
    url = f"/collections/{COLLECTION}/points?wait={str(wait).lower()}"
    headers = {"Content-Type": "application/json"}
    statuses: set[str] = set()
    per_batch: list[float] = []
    window = CpuWindow(pid).start()
    t0 = time.perf_counter()
    for body in bodies:
        tb = time.perf_counter()
        resp = http.put(url, content=body, headers=headers)
        resp.raise_for_status()
        per_batch.append(time.perf_counter() - tb)
        statuses.add(resp.json()["result"]["status"])
    answered = time.perf_counter() - t0
    applied = answered if wait else _until_counted(http, ds.n, t0)
    window.stop()
    batch_ms = np.asarray(per_batch) * 1e3
    return {
        "statuses": sorted(statuses),
        "seconds": round(answered, 2),
        "points_per_s": round(ds.n / answered, 1),
        "seconds_to_all_applied": round(applied, 2) if applied is not None else None,
        "applied_points_per_s": round(ds.n / applied, 1) if applied else None,
        "batch_p50_ms": round(float(np.percentile(batch_ms, 50)), 2),
        "batch_p99_ms": round(float(np.percentile(batch_ms, 99)), 2),
        "server_cpu_ms_per_1000_points": round(window.process_s * 1e3 / (ds.n / 1000), 1),
        "server_threads_cpu_s": {k: round(v, 2) for k, v in list((window.threads or {}).items())[:8]},
    }


def _until_counted(http: httpx.Client, n: int, t0: float) -> float | None:
    """Seconds from `t0` until an exact count returns `n` (None if it never did within the bound)."""
    deadline = time.perf_counter() + APPLY_WAIT_S
    while time.perf_counter() < deadline:
        resp = http.post(f"/collections/{COLLECTION}/points/count", json={"exact": True})
        resp.raise_for_status()
        if int(resp.json()["result"]["count"]) >= n:
            return time.perf_counter() - t0
        time.sleep(0.02)
    return None
