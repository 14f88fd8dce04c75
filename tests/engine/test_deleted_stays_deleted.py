"""A deleted point never comes back: not through a filter that misses it, not after a restart.

The flake this pins down (compat_tests/test_compat_durability.py, cycle 7 at 2575126): a delete by
a filter with a condition on an unindexed key (`pid` range: answered by the segment's hidden
automatic index, engine/payload_index/auto.py) did not reach points appended, after that index was
built, by the bulk path for a batch of new ids (`Segment.append_new`), which kept the user's
payload indexes current but not the hidden ones. The points stayed, in their last upserted state,
and a restart showed them. The other tests build the states the delete must reach in every copy:
sealed, re-upserted into the appendable segment, merged, flushed and reloaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from engine.collection import reads
from engine.filters import compile_filter
from engine.segment import Segment
from engine.shard.optimizer import optimize_shard
from engine.shard.rebuild import rebuild
from engine.toc import TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldMatch, FieldRange, Filter, MatchValue, Range
from engine.types.operations import CreateFieldIndex, DeletePoints, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import CountRequest, ScrollRequest

DIM = 4
CONDITIONS = {
    "float range": lambda low, high: FieldRange(key="pid", range=Range(gte=low, lt=high)),
    "keyword match": lambda low, high: FieldMatch(key="batch", match=MatchValue(value=f"b{low}")),
}


def payload(pid: int, version: int, batch: int) -> dict[str, object]:
    return {"pid": pid, "ver": version, "batch": f"b{batch}", "group": f"g{pid % 3}"}


def point(pid: int, version: int = 1, batch: int = 0) -> PointStruct:
    return PointStruct(id=pid, vectors={"": np.full(DIM, pid + version, np.float32)},
                       payload=payload(pid, version, batch))


def vectors(value: float) -> dict[str, np.ndarray]:
    return {"": np.full(DIM, value, np.float32)}


@pytest.mark.parametrize("kind", sorted(CONDITIONS))
def test_an_ingest_batch_reaches_a_built_hidden_index(kind: str) -> None:
    seg = Segment({"": VectorParams(size=DIM, distance=Distance.DOT)})
    seg.append_new(list(range(10)), 1, [vectors(i) for i in range(10)], [payload(i, 1, 0) for i in range(10)])
    first = compile_filter(Filter(must=(CONDITIONS[kind](0, 10),)))
    assert seg.matching(first).tolist() == list(range(10))
    assert len(seg.auto_indexes) == 1  # built by that filter
    seg.append_new(list(range(10, 20)), 2, [vectors(i) for i in range(10, 20)],
                   [payload(i, 1, 10) for i in range(10, 20)])
    later = compile_filter(Filter(must=(CONDITIONS[kind](10, 20),)))
    assert seg.matching(later).tolist() == list(range(10, 20))


def config(threshold: int | None = None) -> CollectionConfig:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.DOT)}, unnamed=True)
    optimizers = OptimizersConfig() if threshold is None else OptimizersConfig(indexing_threshold=threshold,
                                                                               default_segment_number=8)
    return CollectionConfig(params=params, optimizer_config=optimizers)


def state(toc: TableOfContents) -> dict[object, object]:
    page = reads.scroll(toc.get("c"), ScrollRequest(limit=100_000, with_payload=ALL_PAYLOAD))
    return {r.id: r.payload for r in page.points}


def crash_and_reopen(toc: TableOfContents, root: Path) -> TableOfContents:
    """kill -9: nothing is flushed or closed beyond what is on disk (the WAL's bytes are)."""
    for col in toc.collections.values():
        assert col.store is not None
        col.store.wal.close()
    again = TableOfContents(root)
    again.load()
    return again


@pytest.mark.parametrize("kind", sorted(CONDITIONS))
def test_a_delete_by_filter_on_an_unindexed_key_reaches_points_ingested_after_the_index_was_built(
        tmp_path: Path, kind: str) -> None:
    """The durability test's sequence: ingest, a delete by filter (builds the hidden index), an
    ingest of new ids (the bulk path), a delete by filter that addresses them, kill -9, restart."""
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config())
    col.update(CreateFieldIndex(key="group", schema=PayloadSchema(type="keyword")))
    col.update(UpsertPoints(points=[point(i) for i in range(10)]))
    col.update(DeletePoints(filter=Filter(must=(CONDITIONS[kind](0, 10),))))
    assert state(toc) == {}
    col.update(UpsertPoints(points=[point(i, batch=10) for i in range(10, 20)]))
    col.update(UpsertPoints(points=[point(i, batch=20) for i in range(20, 30)]))
    flt = Filter(must=(FieldMatch(key="group", match=MatchValue(value="g1")), CONDITIONS[kind](10, 20)))
    assert reads.count(col, CountRequest(filter=flt)) == 4  # 10, 13, 16, 19
    col.update(DeletePoints(filter=flt))
    expected = {i: payload(i, 1, 10 if i < 20 else 20) for i in range(10, 30) if not (i < 20 and i % 3 == 1)}
    assert state(toc) == expected
    col.flush(periodic=True)
    toc = crash_and_reopen(toc, tmp_path)
    assert state(toc) == expected
    assert reads.count(toc.get("c"), CountRequest(filter=flt)) == 0


@pytest.mark.parametrize("merge", ["none", "before", "during"])
def test_a_point_sealed_then_upserted_again_then_deleted_stays_deleted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge: str) -> None:
    """Points 5 and 6 get sealed copies (version 3 of their payload), are upserted again into the
    appendable segment (the sealed copies are deleted), then 5 is deleted by id and 6 by filter;
    flushes in between, then kill -9: no old sealed copy comes back. With a merge of the sealed
    segments before the deletes, or with the deletes applied while the merge builds (its sources
    copied, the swap not done: the merged segment must learn of them)."""
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config(threshold=1))  # 1 KB = 64 points of 4 floats: every batch is sealed
    col.update(CreateFieldIndex(key="group", schema=PayloadSchema(type="keyword")))
    for version in (1, 2, 3):
        col.update(UpsertPoints(points=[point(i, version) for i in range(100)]))
    while optimize_shard(col.shard, threads=1):
        pass
    found = col.locate(5)
    assert found is not None and found[0].sealed and found[0].payload_at(found[1]) == payload(5, 3, 0)
    col.update(UpsertPoints(points=[point(i, version=4) for i in range(200, 300)]))
    while optimize_shard(col.shard, threads=1):
        pass
    col.update(UpsertPoints(points=[point(5, version=4), point(6, version=4)]))
    for pid in (5, 6):
        moved = col.locate(pid)
        assert moved is not None and not moved[0].sealed
    col.flush(periodic=True)

    def delete() -> None:
        col.update(DeletePoints(ids=[5]))
        col.update(DeletePoints(filter=Filter(must=(FieldRange(key="pid", range=Range(gte=6, lt=7)),))))

    sources = [s for s in col.segments if s.sealed]
    assert len(sources) == 2
    if merge == "during":
        monkeypatch.setattr("engine.shard.rebuild.test_hooks.pause", lambda at: delete() if at == "merge" else None)
    if merge != "none":
        rebuild(col.shard, sources, "merge")
        assert len([s for s in col.segments if s.sealed]) == 1
    if merge != "during":
        delete()
    col.flush(periodic=True)
    want = set(range(100)) - {5, 6} | set(range(200, 300))
    assert set(state(toc)) == want
    toc = crash_and_reopen(toc, tmp_path)
    assert set(state(toc)) == want
    toc.get("c").flush()
    toc = crash_and_reopen(toc, tmp_path)
    assert set(state(toc)) == want
