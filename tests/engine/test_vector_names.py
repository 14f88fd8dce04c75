"""Named vectors created and deleted on a live collection (Qdrant 1.19's create/delete_vector_name):
the config and every segment change together, the optimizer copes with the new column, and a
restart (clean or after a crash before the checkpoint) keeps the change."""

from pathlib import Path

import numpy as np
import pytest

from engine.collection import Collection, reads
from engine.errors import BadInput
from engine.shard import optimizer
from engine.shard.optimizer import optimize_shard
from engine.toc import TableOfContents
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Datatype,
    Distance,
    Modifier,
    OptimizersConfig,
    SparseIndexParams,
    SparseVectorParams,
    VectorParams,
)
from engine.types.operations import CreateVectorName, DeleteVectorName, UpdateVectors, UpsertPoints
from engine.types.points import NO_PAYLOAD, PointStruct, SparseVector
from engine.types.requests import NearestQuery, QueryRequest, ScrollRequest

RNG = np.random.default_rng(7)


def vec(dim: int = 4) -> np.ndarray:
    return RNG.normal(size=dim).astype(np.float32)


def make(toc: TableOfContents, n: int = 300) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=4, distance=Distance.DOT)}, unnamed=True)
    col = toc.create("c", CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=1)))
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vec()}) for i in range(n)]))
    assert optimize_shard(col.shard)  # a sealed, indexed segment and an empty appendable one
    col.update(UpsertPoints(points=[PointStruct(id=n + i, vectors={"": vec()}) for i in range(20)]))
    return col


def ids(col: Collection, using: str, query: object, k: int = 5) -> list[int]:
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=query), using=using, limit=k))
    return [int(h.id) for h in hits]  # type: ignore[call-overload]


def stored(col: Collection, name: str) -> dict[int, list[float]]:
    page = reads.scroll(col, ScrollRequest(limit=10_000, with_payload=NO_PAYLOAD, with_vector=True))
    return {int(r.id): r.vectors[name].tolist() for r in page.points  # type: ignore[call-overload]
            if r.vectors and name in r.vectors}


def test_create_adds_an_empty_column_everywhere_and_upserts_can_use_it() -> None:
    col = make(TableOfContents())
    dense = VectorParams(size=3, distance=Distance.EUCLID)
    col.update(CreateVectorName(name="x", dense=dense))
    params = col.config.params
    assert not params.unnamed and set(params.vectors) == {"", "x"}  # the unnamed one becomes ""
    assert all("x" in seg.dense for seg in col.segments)
    assert stored(col, "x") == {}
    assert ids(col, "x", [0.0, 0.0, 0.0]) == []
    # sealed segments need no rebuild: they hold no value of the new vector and never will
    assert optimizer.plan_rebuild(col.shard) is None
    col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"": vec(), "x": np.array([1, 0, 0], np.float32)}),
                                    PointStruct(id=2, vectors={"x": np.array([5, 5, 5], np.float32)})]))
    col.update(UpdateVectors(points=[(3, {"x": np.array([1, 1, 0], np.float32)})]))
    assert ids(col, "x", [1.0, 0.0, 0.0], k=3) == [1, 3, 2]
    assert set(stored(col, "x")) == {1, 2, 3}
    assert 300 in stored(col, "")  # other points keep their vectors


def test_indexing_a_segment_with_the_new_vector_builds_its_graph() -> None:
    col = make(TableOfContents(), n=100)
    col.update(CreateVectorName(name="x", dense=VectorParams(size=4, distance=Distance.COSINE)))
    col.update(UpsertPoints(points=[PointStruct(id=1000 + i, vectors={"x": vec()}) for i in range(400)]))
    assert optimize_shard(col.shard)
    graphs = [seg for seg in col.segments if "x" in seg.hnsw and seg.hnsw["x"].count == 400]
    assert len(graphs) == 1
    query = vec()
    exact = reads.query(col, QueryRequest(query=NearestQuery(vector=query), using="x", limit=5))
    assert len(exact) == 5
    while optimize_shard(col.shard):  # merges and re-indexes copy the new column along
        pass
    assert len(stored(col, "x")) == 400


def test_delete_drops_the_column_graph_and_config() -> None:
    col = make(TableOfContents())
    col.update(CreateVectorName(name="x", dense=VectorParams(size=4, distance=Distance.DOT)))
    col.update(UpsertPoints(points=[PointStruct(id=7, vectors={"": vec(), "x": vec()})]))
    col.update(DeleteVectorName(name=""))
    assert set(col.config.params.vectors) == {"x"}
    assert all("" not in seg.columns and "" not in seg.hnsw for seg in col.segments)
    assert stored(col, "x").keys() == {7}
    with pytest.raises(BadInput, match="Not existing vector name"):
        ids(col, "", vec())
    assert optimizer.plan_rebuild(col.shard) is None  # dropping a graph needs no rebuild
    col.update(DeleteVectorName(name="missing"))  # a no-op, as Qdrant


def test_create_is_idempotent_and_refuses_another_schema() -> None:
    col = make(TableOfContents(), n=100)
    sparse = SparseVectorParams(modifier=Modifier.IDF)
    col.update(CreateVectorName(name="s", sparse=sparse))
    col.update(CreateVectorName(name="s", sparse=SparseVectorParams(modifier=Modifier.IDF)))
    col.update(CreateVectorName(name="", dense=VectorParams(size=4, distance=Distance.DOT, on_disk=True)))
    with pytest.raises(BadInput, match="Sparse vector `s` already exists with a different configuration"):
        col.update(CreateVectorName(name="s", sparse=SparseVectorParams(
            index=SparseIndexParams(datatype=Datatype.FLOAT16), modifier=Modifier.IDF)))
    with pytest.raises(BadInput, match="Vector `s` already exists as a sparse vector"):
        col.update(CreateVectorName(name="s", dense=VectorParams(size=4, distance=Distance.DOT)))
    with pytest.raises(BadInput, match="Vector `` already exists with a different configuration"):
        col.update(CreateVectorName(name="", dense=VectorParams(size=5, distance=Distance.DOT)))
    with pytest.raises(BadInput, match="Vector `` already exists as a dense vector"):
        col.update(CreateVectorName(name="", sparse=sparse))
    with pytest.raises(BadInput, match='Invalid vector name `a:b`: vector name cannot contain ":" char'):
        col.update(CreateVectorName(name="a:b", sparse=sparse))
    col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"s": SparseVector(
        np.array([3], np.uint32), np.array([1.0], np.float32))})]))
    assert ids(col, "s", SparseVector(np.array([3], np.uint32), np.array([2.0], np.float32))) == [1]


def _crash(toc: TableOfContents) -> None:
    for col in toc.collections.values():
        assert col.store is not None
        col.store.wal.close()


@pytest.mark.parametrize("crash", [False, True])
def test_restart_keeps_created_and_deleted_vectors(tmp_path: Path, crash: bool) -> None:
    toc = TableOfContents(tmp_path)
    col = make(toc)
    col.flush()
    col.update(UpsertPoints(points=[PointStruct(id=5000, vectors={"": vec()})]))  # a record without "x"
    col.update(CreateVectorName(name="x", dense=VectorParams(size=2, distance=Distance.DOT)))
    col.update(CreateVectorName(name="s", sparse=SparseVectorParams()))
    col.update(UpsertPoints(points=[PointStruct(id=6000 + i, vectors={"x": vec(2)}) for i in range(5)]))
    col.update(DeleteVectorName(name="s"))
    col.flush()  # the appendable segment's records: some before "x" existed, some after
    col.update(UpsertPoints(points=[PointStruct(id=7000, vectors={"x": vec(2)})]))  # only in the WAL
    before_x, before = stored(col, "x"), stored(col, "")
    if crash:
        _crash(toc)
    else:
        toc.close()
    again = TableOfContents(tmp_path)
    again.load()
    loaded = again.get("c")
    assert set(loaded.config.params.vectors) == {"", "x"} and not loaded.config.params.sparse_vectors
    assert stored(loaded, "x") == before_x and len(before_x) == 6
    assert stored(loaded, "") == before


def test_a_crash_before_the_checkpoint_replays_the_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toc = TableOfContents(tmp_path)
    col = make(toc, n=100)
    col.flush()
    # the operation reached the WAL, but neither config.json nor a flush followed it
    monkeypatch.setattr(Collection, "flush", lambda self, periodic=False: False)
    monkeypatch.setattr("engine.collection.collection._Durable.save_config", lambda self, config: None)
    col.update(CreateVectorName(name="x", dense=VectorParams(size=2, distance=Distance.DOT)))
    col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"x": np.array([1, 2], np.float32)})]))
    _crash(toc)
    monkeypatch.undo()
    again = TableOfContents(tmp_path)
    again.load()
    loaded = again.get("c")
    assert "x" in loaded.config.params.vectors
    assert stored(loaded, "x") == {1: [1.0, 2.0]}
    _crash(again)
    toc2 = TableOfContents(tmp_path)  # recovery wrote the replayed config: a second start agrees
    toc2.load()
    assert "x" in toc2.get("c").config.params.vectors
