"""Durability of the engine: WAL codec, recovery after a crash (no flush) and after a flush,
idempotent replay, and one corrupt collection not stopping the others."""

from pathlib import Path

import numpy as np
import pytest

from engine.collection import reads
from engine.persistence.codec import decode, encode
from engine.shard.optimizer import optimize_shard
from engine.toc import CreateAlias, TableOfContents
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import CreateFieldIndex, DeletePoints, SetPayload, UpdateVectors, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import CountRequest, ScrollRequest


def config(threshold: int | None = 10000) -> CollectionConfig:
    params = CollectionParams(vectors={"": VectorParams(size=4, distance=Distance.DOT)}, unnamed=True)
    return CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=threshold))


def state(toc: TableOfContents, name: str) -> list[tuple[object, object, list[float]]]:
    col = toc.get(name)
    page = reads.scroll(col, ScrollRequest(limit=100000, with_payload=ALL_PAYLOAD, with_vector=True))
    return [(r.id, r.payload, r.vectors[""].tolist() if r.vectors and "" in r.vectors else []) for r in page.points]


def populate(toc: TableOfContents, name: str = "c", n: int = 300) -> None:
    col = toc.create(name, config())
    col.update(CreateFieldIndex(key="k", schema=PayloadSchema(type="keyword")))
    rng = np.random.default_rng(0)
    for start in range(0, n, 50):
        pts = [PointStruct(id=i, vectors={"": rng.normal(size=4).astype(np.float32)}, payload={"k": f"v{i % 5}"})
               for i in range(start, start + 50)]
        col.update(UpsertPoints(points=pts))
    col.update(DeletePoints(ids=list(range(0, n, 7))))
    col.update(SetPayload(payload={"extra": [1, 2]}, ids=[1, 2, 3]))
    col.update(UpdateVectors(points=[(5, {"": np.ones(4, dtype=np.float32)})]))
    toc.update_aliases([CreateAlias(collection_name=name, alias_name=name + "-alias")])


def test_codec_round_trips_operations() -> None:
    op = UpsertPoints(points=[PointStruct(id="6f1b8a4e-8a5e-4c8e-9a55-0c2a5b1f7e10",
                                          vectors={"": np.arange(4, dtype=np.float32)},
                                          payload={"a": {"b": [1, None, 2.5]}, "@": "not a tag"})],
                      update_filter=Filter(must=(FieldMatch(key="k", match=MatchValue(value="x")),)))
    back = decode(encode(op))
    assert back.update_filter == op.update_filter
    assert back.points[0].payload == op.points[0].payload
    assert back.points[0].vectors[""].tolist() == [0, 1, 2, 3]


@pytest.mark.parametrize("flush", [False, True])
def test_restart_restores_everything(tmp_path: Path, flush: bool) -> None:
    toc = TableOfContents(tmp_path)
    populate(toc)
    before = state(toc, "c")
    if flush:
        assert toc.get("c").flush()
    # a crash: WALs are not closed cleanly, nothing else is written
    for col in toc.collections.values():
        assert col.store is not None
        col.store.wal.close()
    again = TableOfContents(tmp_path)
    again.load()
    assert state(again, "c") == before
    assert again.aliases == {"c-alias": "c"}
    flt = Filter(must=(FieldMatch(key="k", match=MatchValue(value="v1")),))
    col = again.get("c-alias")
    assert reads.count(col, CountRequest(filter=flt)) == sum(1 for _, p, _ in before if p and p.get("k") == "v1")
    assert "k" in col.payload_schema
    # numbering continues after the restart
    op = col.update(DeletePoints(ids=[2]))
    assert op > col.persisted_op


def test_restart_with_indexed_segments(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    col = toc.create("c", config(threshold=1))
    rng = np.random.default_rng(1)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=4).astype(np.float32)})
                                    for i in range(500)]))
    assert optimize_shard(col.shard)
    col.update(DeletePoints(ids=[1, 2, 3]))
    before = state(toc, "c")
    toc.close()
    again = TableOfContents(tmp_path)
    again.load()
    loaded = again.get("c")
    assert state(again, "c") == before
    assert loaded.info().indexed_vectors_count == 497


def test_replay_is_idempotent(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    populate(toc)
    col = toc.get("c")
    before = state(toc, "c")
    assert col.store is not None
    for seq, op in list(col.store.replay(0)):  # applying every record again changes nothing
        col.replay(seq, op)
    assert state(toc, "c") == before


def test_corrupt_collection_is_skipped(tmp_path: Path) -> None:
    toc = TableOfContents(tmp_path)
    populate(toc, "good")
    populate(toc, "bad")
    toc.close()
    (tmp_path / "collections" / "bad" / "config.json").write_text("{not json")
    again = TableOfContents(tmp_path)
    again.load()
    assert again.names() == ["good"]
    assert "bad" in again.failed
    assert again.aliases == {"good-alias": "good"}
