"""Build a collection's storage fast, in-process, in one of the on-disk states a restart can meet.

Cases (collection `bench`, N points, dims from the source, payload indexes on `category` and `price`):

- ``snapshot``: everything in a flushed snapshot (one appendable segment, no HNSW), WAL empty,
  closed gracefully with ``toc.close()``. Indexing is disabled (``indexing_threshold: 0``) so the
  restarted server does not start building graphs while it is being measured.
- ``snapshot_hnsw``: as ``snapshot`` but with the default indexing threshold, and the optimizer run
  in-process first, so the snapshot holds one sealed segment with its hnswlib graph.
- ``snapshot_hnsw_on_disk``: the ``snapshot_hnsw`` storage with the vector's ``on_disk: true``
  (format 2 keeps a sealed segment's rows only in its graph file, so the two differ only in the
  collection config: the restart maps the rows instead of reading them into RAM). Made from a
  ``snapshot_hnsw`` build of the same size by `with_on_disk`.
- ``wal``: nothing flushed: every upsert only in the WAL, then a simulated crash (the WALs are
  closed, nothing is flushed). Restart = WAL replay. Indexing disabled, as for ``snapshot``.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any

from bench.durability.points import PointSource, engine_config, index_ops
from engine.persistence.collection_store import load_config, save_config
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents

COLLECTION = "bench"
CASES = ("snapshot", "snapshot_hnsw", "snapshot_hnsw_on_disk", "wal")
BUILD_BATCH = 10_000

log = logging.getLogger("bench.restart")


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def with_on_disk(root: Path) -> None:
    """Set `on_disk: true` on every dense vector of the built collection under `root`."""
    directory = root / "collections" / COLLECTION
    config = load_config(directory)
    vectors = {name: dataclasses.replace(v, on_disk=True) for name, v in config.params.vectors.items()}
    save_config(directory, dataclasses.replace(config, params=dataclasses.replace(config.params, vectors=vectors)))


def build_storage(root: Path, case: str, n: int, source: PointSource) -> dict[str, Any]:
    """Create storage under `root` (a fresh directory) and return how long each step took."""
    if case not in CASES or case == "snapshot_hnsw_on_disk":
        raise ValueError(f"unknown case {case!r}; choose from {CASES}")
    timings: dict[str, Any] = {"case": case, "n": n}
    toc = TableOfContents(root, fsync="never")  # fsync does not matter for a build we close cleanly
    threshold = None if case == "snapshot_hnsw" else 0
    col = toc.create(COLLECTION, engine_config(source.dim, 10_000 if threshold is None else 0))
    for op in index_ops():
        col.update(op)
    started = time.perf_counter()
    for start in range(0, n, BUILD_BATCH):
        col.update(source.upsert_op(start, min(BUILD_BATCH, n - start)))
    timings["upsert_s"] = round(time.perf_counter() - started, 2)
    if case == "snapshot_hnsw":
        started = time.perf_counter()
        while optimize_shard(col.shard):
            pass
        timings["index_s"] = round(time.perf_counter() - started, 2)
        timings["indexed_vectors"] = col.info().indexed_vectors_count
    if case == "wal":
        assert col.store is not None
        col.store.wal.close()  # crash: the WAL is all there is
    else:
        started = time.perf_counter()
        toc.close()  # flush (snapshot + WAL truncation) and close
        timings["flush_s"] = round(time.perf_counter() - started, 2)
    timings["segments"] = len(col.segments)
    timings["disk_mb"] = round(dir_bytes(root) / 2**20, 1)
    timings["wal_mb"] = round(dir_bytes(root / "collections" / COLLECTION / "wal") / 2**20, 1)
    return timings
