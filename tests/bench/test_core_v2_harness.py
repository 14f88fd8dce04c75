"""The core-v2 measuring harness measures what it says: the load generator completes exactly the
requests asked for against the floor app, reads the responses whole, and attributes server CPU to
the named threads; the equal-recall interpolation picks the right peer latency."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bench.core_v2.inprocess import _frontier, latency_at_recall
from bench.core_v2.loadgen import run_load
from bench.core_v2.procs import floor
from bench.core_v2.procstat import CpuWindow, process_cpu_s, thread_samples

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
