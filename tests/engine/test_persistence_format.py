"""The on-disk format: no Python class names, sealed segments written once, flushes that write
only what changed, optimizer results durable at the swap, a crash inside a flush losing nothing,
and `on_disk` vectors memory-mapped after a restart."""

import dataclasses
import enum
import os
from pathlib import Path
from typing import Any

import msgpack
import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.persistence import codec, test_hooks
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types import config as config_types
from engine.types import filters, operations, payload_schema
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import CreateFieldIndex, DeletePoints, SetPayload, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct, SparseVector
from engine.types.requests import ScrollRequest

DIM = 16


def make_config(on_disk: bool | None = None, threshold: int = 20) -> CollectionConfig:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.COSINE, on_disk=on_disk)},
                              unnamed=True)
    oc = OptimizersConfig(indexing_threshold=threshold, default_segment_number=2)
    return CollectionConfig(params=params, optimizer_config=oc)


def upsert(col: Collection, ids: range, salt: int = 0) -> None:
    rng = np.random.default_rng(ids.start + salt)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)},
                                                payload={"k": f"v{i % 3}", "n": i}) for i in ids]))


def state(col: Collection) -> dict[Any, Any]:
    page = reads.scroll(col, ScrollRequest(limit=10**6, with_payload=ALL_PAYLOAD, with_vector=True))
    return {r.id: (r.payload, np.round(r.vectors[""], 5).tolist()) for r in page.points}


def optimized(tmp_path: Path, n: int = 2000, **kw: Any) -> tuple[TableOfContents, Collection]:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", make_config(**kw))
    col.update(CreateFieldIndex(key="k", schema=PayloadSchema(type="keyword")))
    for start in range(0, n, 500):
        upsert(col, range(start, min(start + 500, n)))
        while optimize_shard(col.shard, threads=1):
            pass
    col.flush()
    return toc, col


def reopen(tmp_path: Path) -> Collection:
    again = TableOfContents(tmp_path)
    again.load()
    return again.get("c")


def crash(toc: TableOfContents) -> None:
    for col in toc.collections.values():
        assert col.store is not None
        col.store.wal.close()


def files(root: Path) -> dict[str, tuple[int, int]]:
    """path -> (inode, size) of every file under root."""
    return {str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_size) for p in root.rglob("*") if p.is_file()}


# ---- codec ---------------------------------------------------------------------------------------
def test_every_storable_type_has_a_stable_tag() -> None:
    storable = [obj for module in (operations, filters, payload_schema, config_types) for obj in vars(module).values()
                if isinstance(obj, type) and obj.__module__ == module.__name__
                and (dataclasses.is_dataclass(obj) or issubclass(obj, enum.Enum))]
    missing = [cls.__name__ for cls in [*storable, PointStruct, SparseVector] if cls not in codec.TAGS.values()]
    assert missing == []
    assert len(set(codec.TAGS.values())) == len(codec.TAGS)


def test_records_and_config_name_no_python_class() -> None:
    op = UpsertPoints(points=[PointStruct(id=1, vectors={"": np.ones(4, np.float32),
                                                         "s": SparseVector(np.array([1], np.uint32),
                                                                           np.array([0.5], np.float32))},
                                          payload={"~": "a payload key that looks like a tag"})],
                      update_filter=Filter(must=(FieldMatch(key="k", match=MatchValue(value="x")),)))
    data = codec.encode(op) + codec.encode(make_config(on_disk=True)) + codec.encode(PayloadSchema(type="keyword"))
    for cls in codec.TAGS.values():
        assert cls.__name__.encode() not in data, cls.__name__
    back = codec.decode(codec.encode(op))
    assert back.points[0].payload == {"~": "a payload key that looks like a tag"}
    assert back.update_filter == op.update_filter
    assert msgpack.unpackb(codec.encode(op))[0] == codec.FORMAT_VERSION


def test_unknown_versions_and_tags_are_refused() -> None:
    with pytest.raises(codec.FormatError):
        codec.decode(msgpack.packb([codec.FORMAT_VERSION + 1, None]))
    with pytest.raises(codec.FormatError):
        codec.decode(msgpack.packb([1, {"~": "no.such.tag"}]))
    with pytest.raises(codec.FormatError):
        codec.decode(msgpack.packb([1, {"~": "op.delete", "surprise": 1}]))


# ---- what a flush writes -------------------------------------------------------------------------
def test_a_flush_writes_only_what_changed(tmp_path: Path) -> None:
    toc, col = optimized(tmp_path)
    root = tmp_path / "collections" / "c"
    sealed = [s for s in col.segments if s.sealed and s.hnsw]
    assert sealed
    before = files(root / "segments")
    upsert(col, range(5000, 5001))
    col.update(SetPayload(payload={"extra": 1}, ids=[3]))
    col.update(DeletePoints(ids=[4]))
    assert col.flush()
    after = files(root / "segments")
    written = 0
    for path, (inode, size) in after.items():
        old = before.get(path)
        if old is None:
            written += size
        else:
            assert old[0] == inode, f"{path} was rewritten"  # base files are never replaced
            assert size >= old[1]
            written += size - old[1]
            if not path.endswith("deltas.log"):
                assert size == old[1], path
    assert written < 4096, written  # one new point, one payload, one delete
    assert (root / "manifest.json").stat().st_size < 4096
    expected = state(col)
    crash(toc)
    assert state(reopen(tmp_path)) == expected


def test_nothing_changed_writes_nothing(tmp_path: Path) -> None:
    toc, col = optimized(tmp_path, n=600)
    assert not col.flush()


def test_restart_after_the_optimizer_brings_back_the_same_segments(tmp_path: Path) -> None:
    toc, col = optimized(tmp_path)
    shape = [(s.sealed, len(s), sorted(s.hnsw)) for s in col.segments]
    expected = state(col)
    toc.close()
    again = reopen(tmp_path)
    assert [(s.sealed, len(s), sorted(s.hnsw)) for s in again.segments] == shape
    assert again.info().status == "green"  # no redone merge or indexing
    assert not optimize_shard(again.shard, threads=1)
    assert state(again) == expected


def test_optimizer_swap_is_durable_without_a_later_write(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", make_config())
    upsert(col, range(0, 400))
    while optimize_shard(col.shard, threads=1):
        pass
    shape = [(s.sealed, len(s), bool(s.hnsw)) for s in col.segments]
    crash(toc)  # no flush after the optimizer: its own commit must have made the result durable
    again = reopen(tmp_path)
    assert [(s.sealed, len(s), bool(s.hnsw)) for s in again.segments] == shape


class Boom(Exception):
    pass


def test_a_crash_inside_a_flush_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toc, col = optimized(tmp_path, n=1000)
    upsert(col, range(0, 50), salt=7)  # moves sealed points to the appendable segment
    col.update(DeletePoints(ids=list(range(100, 130))))
    expected = state(col)

    def fail(point: str) -> None:
        if point == "flush":
            raise Boom

    monkeypatch.setattr(test_hooks, "pause", fail)
    with pytest.raises(Boom):
        col.flush()  # delta records appended and fsynced, manifest not written
    crash(toc)
    monkeypatch.undo()
    assert state(reopen(tmp_path)) == expected


def test_a_failed_flush_is_retried_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toc, col = optimized(tmp_path, n=600)
    upsert(col, range(0, 20), salt=3)
    monkeypatch.setattr(test_hooks, "pause", lambda point: (_ for _ in ()).throw(Boom()) if point == "flush" else None)
    with pytest.raises(Boom):
        col.flush()
    monkeypatch.undo()
    assert col.flush()
    expected = state(col)
    crash(toc)
    assert state(reopen(tmp_path)) == expected


def test_uuid_ids_and_deletes_survive_base_and_deltas(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", make_config())
    ids = [f"00000000-0000-4000-8000-{i:012x}" for i in range(300)] + list(range(300))
    rng = np.random.default_rng(1)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)})
                                    for i in ids]))
    while optimize_shard(col.shard, threads=1):
        pass
    col.update(DeletePoints(ids=ids[::5]))
    expected = state(col)
    crash(toc)
    assert state(reopen(tmp_path)) == expected


@pytest.mark.parametrize("on_disk", [True, None])
def test_sealed_vectors_held_by_the_graph_are_mapped(tmp_path: Path, on_disk: bool | None) -> None:
    toc, col = optimized(tmp_path, n=600, on_disk=on_disk)
    expected = state(col)
    toc.close()
    again = reopen(tmp_path)
    sealed = [s for s in again.segments if s.sealed]
    assert sealed
    for seg in sealed:  # rows held by the graph file are a map of it in RAM too (prefetched)
        assert isinstance(seg.dense[""].data, np.memmap)
    assert state(again) == expected
    os.sync()


def test_payload_indexes_of_sealed_segments_are_loaded_not_rebuilt(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.segment import Segment
    from engine.types.requests import CountRequest

    toc, col = optimized(tmp_path)
    col.update(SetPayload(payload={"k": "changed"}, ids=[5, 7]))  # deltas the loaded index must reflect
    col.update(DeletePoints(ids=[6, 9]))
    values = ["v0", "v1", "v2", "changed"]

    def counts(c: Collection) -> list[int]:
        return [reads.count(c, CountRequest(filter=Filter(must=(FieldMatch(key="k", match=MatchValue(value=v)),))))
                for v in values]

    expected = counts(col)
    crash(toc)
    rebuilt: list[bool] = []
    original = Segment.create_index

    def spy(self: Segment, key: str, schema: PayloadSchema) -> None:
        rebuilt.append(self.sealed)
        original(self, key, schema)

    monkeypatch.setattr(Segment, "create_index", spy)
    again = reopen(tmp_path)
    assert True not in rebuilt  # only unsealed segments built theirs from payloads
    assert counts(again) == expected
    sealed = next(s for s in again.segments if s.sealed)
    assert sealed.indexes["k"].points_count == len(sealed)


def test_an_overwritten_appendable_segment_is_rewritten_compactly(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.persistence import collection_store

    monkeypatch.setattr(collection_store, "REWRITE_MIN_BYTES", 4096)
    toc = TableOfContents(tmp_path)
    col = toc.create("c", make_config(threshold=0))  # never sealed: only records
    root = tmp_path / "collections" / "c" / "segments"
    names = set()
    for salt in range(20):  # the same 50 points over and over: ~7.5 KB of records per flush
        upsert(col, range(0, 50), salt=salt)
        col.flush()
        names |= {p.name for p in root.iterdir()}
    logs = [p.stat().st_size for p in root.glob("*/deltas.log")]
    assert len(logs) == 1 and logs[0] < 50_000  # 20 flushes without rewriting: ~150 KB
    assert len(names) > 1
    expected = state(col)
    crash(toc)
    assert state(reopen(tmp_path)) == expected
