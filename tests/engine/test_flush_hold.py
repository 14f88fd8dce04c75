"""Periodic flushes leave segments without a base (the appendable one, one being indexed) to the
WAL: a bulk ingest is written once besides the WAL (in its sealed base), everything else (sealed
segments' deltas, optimizer results) is still committed, and a crash meanwhile loses nothing."""

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.collection import reads
from engine.persistence import collection_store
from engine.segment import Segment
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import (
    CreateFieldIndex,
    DeletePayload,
    DeletePoints,
    Operation,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import ScrollRequest

DIM = 16


def config(threshold: int = 20) -> CollectionConfig:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.COSINE)}, unnamed=True)
    return CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=threshold))


def points(ids: range) -> list[PointStruct]:
    rng = np.random.default_rng(ids.start)
    return [PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)}, payload={"n": i}) for i in ids]


def upsert(toc: TableOfContents, ids: range, name: str = "c") -> None:
    toc.get(name).update(UpsertPoints(points=points(ids)))


def records_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in (root / "collections" / "c" / "segments").rglob("deltas.log"))


def manifest(root: Path) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((root / "collections" / "c" / "manifest.json").read_text())
    return loaded


def state(toc: TableOfContents) -> list[tuple[object, object, list[float]]]:
    page = reads.scroll(toc.get("c"), ScrollRequest(limit=100000, with_payload=ALL_PAYLOAD, with_vector=True))
    return [(r.id, r.payload, np.round(r.vectors[""], 5).tolist() if r.vectors else []) for r in page.points]


def crash(toc: TableOfContents) -> None:
    for col in toc.collections.values():
        assert col.store is not None
        col.store.wal.close()


def reopen(root: Path) -> TableOfContents:
    toc = TableOfContents(root)
    toc.load()
    return toc


def test_a_segment_awaiting_its_index_is_not_written_as_records(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))  # 64 KB of vectors: past the 20 KB threshold
    assert not col.flush(periodic=True)  # held: the WAL keeps it
    assert records_bytes(tmp_path) == 0
    while optimize_shard(col.shard, threads=1):
        pass  # seals, indexes, writes the base and commits
    assert records_bytes(tmp_path) < 100  # log headers only: the points were written once, in the base
    upsert(toc, range(1000, 1010))  # a small tail below the threshold stays in the WAL too
    assert not col.flush(periodic=True)
    assert records_bytes(tmp_path) < 100
    crash(toc)
    again = reopen(tmp_path)
    assert len(state(again)) == 1010


def test_a_flush_after_the_graphs_are_attached_still_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The optimizer attaches the graphs, then writes the base: a periodic flush in between must not
    write the segment as records (it did once its WAL passed the smaller bound: +1x of an ingest)."""
    monkeypatch.setattr(collection_store, "HOLD_APPENDABLE_WAL_BYTES", 0)  # only the index hold protects it
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))
    store = col.store
    assert store is not None
    write_segment = store.write_segment

    in_window: list[int] = []

    def flush_first(seg: Segment, lock: Any = None) -> None:
        assert seg.hnsw  # attached, base not written yet
        col.flush(periodic=True)
        in_window.append(records_bytes(tmp_path))  # before the commit of the base removes unlisted files
        write_segment(seg, lock)

    monkeypatch.setattr(store, "write_segment", flush_first)
    while optimize_shard(col.shard, threads=1):
        pass
    assert len(in_window) == 1 and in_window[0] < 100


def test_a_crash_while_a_flush_is_held_loses_nothing(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))
    assert not col.flush(periodic=True)
    before = state(toc)
    crash(toc)
    assert state(reopen(tmp_path)) == before


@pytest.mark.parametrize("bound", ["HOLD_MAX_WAL_BYTES", "HOLD_APPENDABLE_WAL_BYTES"])
def test_a_held_segment_is_written_past_the_wal_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      bound: str) -> None:
    monkeypatch.setattr(collection_store, bound, 0)
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    ids = range(0, 1000) if bound == "HOLD_MAX_WAL_BYTES" else range(0, 10)  # past / below the threshold
    upsert(toc, ids)
    assert col.flush(periodic=True)
    assert records_bytes(tmp_path) > 1000


def test_shutdown_and_snapshot_flushes_write_everything(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    plain = toc.create("p", config(threshold=0))
    upsert(toc, range(0, 1000))
    plain.update(UpsertPoints(points=[PointStruct(id=1, vectors={"": np.ones(DIM, np.float32)})]))
    assert not plain.flush(periodic=True)  # indexing disabled: held too, up to the smaller WAL bound
    assert col.flush()  # not periodic (shutdown): written now
    assert records_bytes(tmp_path) > 1000
    assert plain.flush()


def test_optimizer_results_and_sealed_deltas_commit_while_the_appendable_is_held(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    upsert(toc, range(0, 1000))
    assert optimize_shard(col.shard, threads=1)
    sealed_op = col.last_op_num
    upsert(toc, range(1000, 1010))  # held in the WAL
    col.update(DeletePoints(ids=[3, 4]))  # a delta of the sealed segment: committed
    assert col.flush(periodic=True)
    listed = manifest(tmp_path)
    assert listed["op_num"] == sealed_op  # the WAL after it is kept for the held appendable
    assert [entry["sealed"] for entry in listed["segments"]] == [True, False]  # type: ignore[attr-defined]
    assert records_bytes(tmp_path) < 2000  # the sealed segment's delta only, no points of the appendable
    assert not col.flush(periodic=True)  # nothing new
    before = state(toc)
    crash(toc)
    again = reopen(tmp_path)
    assert state(again) == before
    loaded = again.get("c")
    assert loaded.segments[0].sealed and loaded.segments[0].hnsw  # the optimizer's result, not redone
    assert len(loaded.segments[0]) == 998


def test_replay_over_a_partly_newer_cut_converges(tmp_path: Path) -> None:
    """Each periodic flush commits sealed segments at the newest operation while the manifest's
    op_num stays before the held appendable: a restart replays operations older than some
    segments' state. Every kind of change, crossing sealed and appendable points, must come back."""
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    col.update(CreateFieldIndex(key="n", schema=PayloadSchema(type="integer")))
    upsert(toc, range(0, 800))
    assert optimize_shard(col.shard, threads=1)  # points 0..799 sealed
    rng = np.random.default_rng(7)
    ops: list[Operation] = [
        UpsertPoints(points=points(range(800, 900))),
        DeletePoints(ids=[1, 2, 850]),
        UpsertPoints(points=points(range(2, 5))),  # 2 comes back after its delete; 3, 4 move out of the sealed one
        SetPayload(payload={"tag": "x"}, ids=[10, 11, 860]),
        UpdateVectors(points=[(12, {"": rng.normal(size=DIM).astype(np.float32)})]),  # moves 12 to the appendable
        DeletePayload(keys=["tag"], ids=[10]),
        DeletePoints(ids=[3]),
        UpsertPoints(points=points(range(1, 2))),
        SetPayload(payload={"late": True}, ids=[12, 2]),
    ]
    for op in ops:
        col.update(op)
        col.flush(periodic=True)
    assert manifest(tmp_path)["op_num"] < col.last_op_num  # type: ignore[operator]
    before = state(toc)
    crash(toc)
    again = reopen(tmp_path)
    assert state(again) == before
    again.get("c").flush(periodic=True)  # a second crash after a flush of the replayed state
    crash(again)
    assert state(reopen(tmp_path)) == before
