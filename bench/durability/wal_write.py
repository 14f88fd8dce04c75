"""WAL write throughput: upserts through REST (wait=true) and through `Collection.update` in-process,
under each fsync policy, with payload indexes on `category` and `price` and HNSW building off
(`indexing_threshold: 0`), so what is measured is validate + WAL append (+fsync) + apply.

One operation = one upsert batch = one WAL record. REST bodies are JSON-encoded before the clock
starts, so the client's encoding is not counted; the server's parsing is.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.durability.points import INDEXES, PointSource, engine_config, index_ops, rest_create_body
from bench.durability.server_run import start_server, wait_ready
from engine.persistence.codec import encode
from engine.toc import TableOfContents

POLICIES = ("always", "interval", "never")
BATCHES = (100, 1_000)


def _summary(mode: str, policy: str, batch: int, durations: list[float]) -> dict[str, Any]:
    total = sum(durations)
    return {
        "mode": mode,
        "fsync": policy,
        "batch": batch,
        "ops": len(durations),
        "points": len(durations) * batch,
        "seconds": round(total, 3),
        "points_per_s": round(len(durations) * batch / total, 1),
        "ops_per_s": round(len(durations) / total, 1),
        "op_p50_ms": round(statistics.median(durations) * 1e3, 3),
        "op_max_ms": round(max(durations) * 1e3, 3),
    }


def rest_throughput(source: PointSource, n: int, policies: tuple[str, ...] = POLICIES) -> list[dict[str, Any]]:
    rows = []
    for policy in policies:
        with tempfile.TemporaryDirectory(prefix="quiver-walbench-") as tmp:
            storage = Path(tmp) / "storage"
            proc, url = start_server(storage, Path(tmp) / "server.log", fsync=policy)
            try:
                wait_ready(proc, url, Path(tmp) / "server.log", 60.0)
                with httpx.Client(timeout=120.0) as client:
                    for batch in BATCHES:
                        name = f"w{batch}"
                        client.put(f"{url}/collections/{name}", json=rest_create_body(source.dim, 0)).raise_for_status()
                        for key, schema in INDEXES.items():
                            client.put(f"{url}/collections/{name}/index?wait=true",
                                       json={"field_name": key, "field_schema": schema}).raise_for_status()
                        bodies = [httpx.Request("PUT", "/", json=source.rest_body(s, batch)).content
                                  for s in range(0, n, batch)]
                        durations = []
                        headers = {"content-type": "application/json"}
                        for body in bodies:
                            t = time.perf_counter()
                            client.put(f"{url}/collections/{name}/points?wait=true", content=body,
                                       headers=headers).raise_for_status()
                            durations.append(time.perf_counter() - t)
                        row = _summary("rest", policy, batch, durations)
                        row["body_kb"] = round(len(bodies[0]) / 1024, 1)
                        rows.append(row)
            finally:
                proc.kill()
                proc.wait()
    return rows


def inprocess_throughput(source: PointSource, n: int, policies: tuple[str, ...] = POLICIES) -> list[dict[str, Any]]:
    """`Collection.update` timed per op; policy "memory" = no storage at all (engine apply only)."""
    rows = []
    for policy in ("memory", *policies):
        for batch in BATCHES:
            with tempfile.TemporaryDirectory(prefix="quiver-walbench-") as tmp:
                toc = TableOfContents(None if policy == "memory" else tmp, fsync=policy if policy != "memory" else "never")  # type: ignore[arg-type]
                col = toc.create("w", engine_config(source.dim, 0))
                for op in index_ops():
                    col.update(op)
                ops = [source.upsert_op(s, batch) for s in range(0, n, batch)]
                durations = []
                for op in ops:
                    t = time.perf_counter()
                    col.update(op)
                    durations.append(time.perf_counter() - t)
                if col.store is not None:
                    col.store.close()  # no flush: the WAL cost alone is what we time
                rows.append(_summary("in-process", policy, batch, durations))
    return rows


def codec_cost(source: PointSource) -> dict[str, Any]:
    """What encoding one upsert of 1,000 points for the WAL costs (msgpack of engine dataclasses)."""
    op = source.upsert_op(0, 1_000)
    t = time.perf_counter()
    data = encode(op)
    seconds = time.perf_counter() - t
    return {"points": 1_000, "encode_ms": round(seconds * 1e3, 2), "record_kb": round(len(data) / 1024, 1),
            "bytes_per_point": round(len(data) / 1_000)}
