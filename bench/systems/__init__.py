"""System runners: each module exposes `run(ds, cfg) -> dict` with the same result shape.

Result shape: {"system", "status" ("ok" | "error"), "note", "ingest": {...}, "index": {...},
"searches": [row, ...]} where rows come from `bench.measure.search_row`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.config import RunConfig
from bench.data import Dataset

Runner = Callable[[Dataset, RunConfig], dict[str, Any]]


def registry() -> dict[str, Runner]:
    """Runners by CLI name, in the order they run. Imports lazily so one broken peer cannot
    stop the others from running."""
    from bench.systems import edge, hnsw, memory, quiver

    return {
        "hnswlib": hnsw.run,
        "qdrant-memory": memory.run,
        "qdrant-edge": edge.run,
        "quiver": quiver.run,
    }
