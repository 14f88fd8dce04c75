"""Periodic flushes leave a segment that the optimizer is about to index to the WAL: a bulk ingest
is written once besides the WAL (in its sealed base), and nothing acknowledged is lost meanwhile."""

from pathlib import Path

import numpy as np
import pytest

from engine.persistence import collection_store
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct

DIM = 16


def config(threshold: int = 20) -> CollectionConfig:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.COSINE)}, unnamed=True)
    return CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=threshold))


def upsert(toc: TableOfContents, ids: range) -> None:
    rng = np.random.default_rng(ids.start)
    toc.get("c").update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)},
                                                         payload={"n": i}) for i in ids]))


def records_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "collections" / "c" / "segments").rglob("deltas.log"))


def reopened(root: Path) -> int:
    toc = TableOfContents(root)
    toc.load()
    col = toc.get("c")
    count = len(col.shard.holder.appendable) + sum(len(s) for s in col.segments[:-1])
    toc.close()
    return count


def crash(toc: TableOfContents) -> None:
    for col in toc.collections.values():
        assert col.store is not None
        col.store.wal.close()


def test_a_segment_awaiting_its_index_is_not_written_as_records(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))  # 64 KB of vectors: past the 20 KB threshold
    assert not col.flush(periodic=True)  # held: the WAL keeps it
    assert records_bytes(tmp_path) == 0
    while optimize_shard(col.shard, threads=1):
        pass  # seals, indexes, writes the base and commits
    assert records_bytes(tmp_path) < 100  # log headers only: the points were written once, in the base
    upsert(toc, range(1000, 1010))  # a small tail below the threshold is flushed as records
    assert col.flush(periodic=True)
    assert records_bytes(tmp_path) > 0
    crash(toc)
    assert reopened(tmp_path) == 1010


def test_a_crash_while_a_flush_is_held_loses_nothing(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))
    assert not col.flush(periodic=True)
    crash(toc)
    assert reopened(tmp_path) == 1000


def test_a_held_flush_goes_ahead_past_the_wal_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collection_store, "HOLD_MAX_WAL_BYTES", 0)
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))
    assert col.flush(periodic=True)
    assert records_bytes(tmp_path) > 0


def test_shutdown_and_collections_without_indexing_flush_everything(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    plain = toc.create("p", config(threshold=0))
    upsert(toc, range(0, 1000))
    plain.update(UpsertPoints(points=[PointStruct(id=1, vectors={"": np.ones(DIM, np.float32)})]))
    assert plain.flush(periodic=True)  # indexing disabled: nothing will write a base for it
    assert col.flush()  # not periodic (shutdown): written now
    assert records_bytes(tmp_path) > 0
