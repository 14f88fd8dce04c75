"""The core-v2 measuring harness measures what it says: the load generator completes exactly the
requests asked for against the floor app, reads the responses whole, and attributes server CPU to
the named threads; the equal-recall interpolation picks the right peer latency; the profile summary
groups threads and keeps waiting samples out of the shares."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.core_v2.inprocess import _frontier, latency_at_recall
from bench.core_v2.loadgen import run_load
from bench.core_v2.procs import floor
from bench.core_v2.procstat import CpuWindow, process_cpu_s, thread_samples
from bench.core_v2.profile import summarise

RESPONSE = {"result": {"points": [{"id": i, "version": 1, "score": 0.5} for i in range(10)]},
            "status": "ok", "time": 0.0}


def test_loadgen_against_floor_app(tmp_path: Path) -> None:
    (tmp_path / "response.json").write_text(json.dumps(RESPONSE))
    bodies = tmp_path / "bodies.json"
    bodies.write_text(json.dumps([{"query": [0.1 * i] * 8, "limit": 10} for i in range(7)]))
    with floor(tmp_path / "response.json") as app:
        result = run_load(app.port, "/collections/c/points/query", bodies, 4, 120, 30.0, app.pid)
    assert result["requests"] == 120 and result["errors"] == 0
    sample = json.loads(result["sample_response"])
    assert sample["result"] == RESPONSE["result"]
    size = len(json.dumps(sample, separators=(",", ":")))
    assert abs(result["response_bytes_mean"] - size) < 8  # only the `time` digits vary
    threads = result["server"]["threads_cpu_s"]
    assert "MainThread" in threads
    assert any(name.startswith("engine_") for name in threads)  # the pool threads carry their names
    assert result["server"]["cpu_ms_per_request"] > 0


def test_cpu_window_of_this_process() -> None:
    window = CpuWindow(os.getpid()).start()
    x = 0
    for i in range(2_000_000):
        x += i
    window.stop()
    assert window.process_s > 0 and window.wall_s > 0
    assert window.threads and window.threads["MainThread"] > 0
    assert process_cpu_s(os.getpid()) > 0
    assert os.getpid() in thread_samples(os.getpid())


def test_latency_at_equal_recall() -> None:
    sweep = [(0.80, 0.10), (0.90, 0.20), (0.95, 0.40)]
    ms, how = latency_at_recall(sweep, 0.85)
    assert ms == pytest.approx(0.15) and how == "interpolated"
    assert latency_at_recall(sweep, 0.70)[0] == 0.10  # the cheapest setting already reaches it
    assert latency_at_recall(sweep, 0.99)[0] is None  # never reached
    rows = [{"recall_at_10": r, "p50_ms": ms} for r, ms in [(0.9, 0.2), (0.9, 0.3), (0.95, 0.15), (0.97, 0.5)]]
    assert _frontier(rows) == [(0.95, 0.15), (0.97, 0.5)]  # dominated settings dropped


def test_profile_summary_groups_threads_and_sets_waiting_apart() -> None:
    raw = "\n".join([
        "thread (11): engine_0;_worker (/x/concurrent/futures/thread.py:83);search (/r/engine/segment/hnsw_index.py:9) 6",
        "thread (12): engine_1;_worker (/x/concurrent/futures/thread.py:83);search (/r/engine/segment/hnsw_index.py:9) 2",
        "thread (12): engine_1;_worker (/x/concurrent/futures/thread.py:80) 5",
        "thread (10): MainThread;run (/x/asyncio/runners.py:1);select (/x/selectors.py:4) 2",
        "thread (10): MainThread;run (/x/asyncio/runners.py:1);EpollSelector.select (/x/selectors.py:468) 9",
    ])
    out = summarise(raw)
    assert out["samples"] == 10
    assert out["waiting_samples"] == {"engine": 5, "MainThread": 9}
    assert dict(out["threads_pct"]) == {"engine": 80.0, "MainThread": 20.0}
    assert dict(out["self_pct"])["search (segment/hnsw_index.py)"] == 80.0
    assert dict(out["inclusive_pct"])["_worker (futures/thread.py)"] == 80.0
