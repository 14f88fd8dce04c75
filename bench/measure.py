"""Timing and accuracy helpers shared by every system runner: recall@k and latency summaries."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bench.data import TOP_K


def recall_at_k(found: Sequence[Sequence[int]], truth: np.ndarray, k: int = TOP_K) -> float:
    """Mean fraction of the exact top-k ids that each result list contains."""
    hits = 0
    total = 0
    for ids, exact in zip(found, truth, strict=True):
        want = {int(i) for i in exact[:k] if i >= 0}
        hits += len(want.intersection(int(i) for i in list(ids)[:k]))
        total += len(want)
    return hits / total if total else 1.0


def latency_summary(seconds: Sequence[float]) -> dict[str, float]:
    """p50/p99/mean in milliseconds and single-client QPS (queries / summed latency)."""
    arr = np.asarray(seconds, dtype=np.float64)
    if arr.size == 0:
        return {}
    total = float(arr.sum())
    return {
        "p50_ms": round(float(np.percentile(arr, 50)) * 1e3, 3),
        "p99_ms": round(float(np.percentile(arr, 99)) * 1e3, 3),
        "mean_ms": round(float(arr.mean()) * 1e3, 3),
        "qps": round(arr.size / total, 1) if total > 0 else 0.0,
    }


def run_queries(
    n_queries: int, one_query: Callable[[int], Sequence[int]]
) -> tuple[list[Sequence[int]], list[float]]:
    """Call `one_query(qi)` for each query in turn (one client), timing each call."""
    found: list[Sequence[int]] = []
    times: list[float] = []
    for qi in range(n_queries):
        t0 = time.perf_counter()
        ids = one_query(qi)
        times.append(time.perf_counter() - t0)
        found.append(ids)
    return found, times


def search_row(
    kind: str,
    params: str,
    found: Sequence[Sequence[int]],
    times: Sequence[float],
    truth: np.ndarray,
    **extra: Any,
) -> dict[str, Any]:
    """One result row: filter kind, search params, query count, recall@10 and latency stats."""
    row: dict[str, Any] = {
        "filter": kind,
        "params": params,
        "queries": len(found),
        "recall_at_10": round(recall_at_k(found, truth[: len(found)]), 4),
    }
    row.update(latency_summary(times))
    row.update(extra)
    return row


class Stopwatch:
    """`with Stopwatch() as sw: ...; sw.seconds` — wall time of a block."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._t0 = 0.0

    def __enter__(self) -> Stopwatch:
        self._t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._t0
