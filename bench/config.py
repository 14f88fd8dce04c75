"""Run configuration parsed from the command line and handed to every system runner."""

from __future__ import annotations

from dataclasses import dataclass

HNSW_M = 16
HNSW_EF_CONSTRUCTION = 100
QUERY_EFS = (64, 128)
UPSERT_BATCH = 1_000


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Sizes and caps for one benchmark run."""

    n: int
    dim: int
    queries: int
    memory_queries: int  # cap for QdrantClient(":memory:"), which scans in pure Python
    index_wait_s: float  # how long to wait for Quiver to report indexed vectors
    server_time_queries: int  # queries re-sent through raw httpx to read the server's `time`
    seed: int = 42
    noise: float = 1.5
