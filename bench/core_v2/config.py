"""Sizes, bounds and goals of one `python -m bench.core_v2` run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CoreV2Config:
    n: int = 100_000
    dim: int = 128
    queries: int = 1_000  # distinct query vectors (loads cycle through them)
    seed: int = 42
    noise: float = 1.5
    green_wait_s: float = 300.0  # bound on waiting for the collection to turn green after ingest
    sequential_requests: int = 1_000  # one client: server CPU per request
    concurrent_requests: int = 6_000  # per concurrency level, after a warm-up ...
    concurrent_duration_s: float = 10.0  # ... or this many seconds, whichever comes first
    concurrencies: tuple[int, ...] = (8, 32)
    recall_queries: int = 200  # raw httpx queries for recall and the server's own `time`
    filter_queries: int = 200  # unindexed keyword filter queries through the server
    inprocess_queries: int = 500  # in-process engine rows (figure 3)

