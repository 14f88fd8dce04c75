"""Sparse vectors, multivectors and storage datatypes in the engine, checked against local mode
(`QdrantClient(":memory:")`) and against hand-computed scores."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from qdrant_client import QdrantClient, models

from engine.collection import Collection
from engine.errors import BadInput
from engine.persistence.points_image import capture_points, encode_points
from engine.persistence.segment_files import load_segment, write_base
from engine.shard.optimizer import optimize_shard
from engine.shard.search import higher_is_better, nearest, score_points, stored_vector, to_scored
from engine.types.config import (
    CollectionConfig,
    CollectionParams,
    Datatype,
    Distance,
    Modifier,
    MultiVectorConfig,
    OptimizersConfig,
    SparseVectorParams,
    VectorParams,
)
from engine.types.filters import Filter, HasVector
from engine.types.operations import DeletePoints, DeleteVectors, UpdateVectors, UpsertPoints
from engine.types.points import NO_PAYLOAD, PointStruct, SparseVector

RNG = np.random.default_rng(7)


def sparse(indices: list[int], values: list[float]) -> SparseVector:
    return SparseVector(np.asarray(indices, dtype=np.uint32), np.asarray(values, dtype=np.float32))


def make(modifier: Modifier | None = None, multi: Distance | None = None, datatype: Datatype | None = None,
         dense: Distance = Distance.COSINE, threshold: int | None = 10000) -> Collection:
    vectors = {"d": VectorParams(size=4, distance=dense, datatype=datatype)}
    if multi is not None:
        vectors["m"] = VectorParams(size=3, distance=multi, multivector_config=MultiVectorConfig(), datatype=datatype)
    params = CollectionParams(vectors=vectors, unnamed=False,
                              sparse_vectors={"s": SparseVectorParams(modifier=modifier)})
    return Collection("c", CollectionConfig(params=params, optimizer_config=OptimizersConfig(
        indexing_threshold=threshold)))


def random_sparse(vocab: int = 40) -> SparseVector:
    n = int(RNG.integers(1, 8))
    idx = RNG.choice(vocab, size=n, replace=False)
    return sparse(idx.tolist(), RNG.random(n).round(3).tolist())


def local_twin(col: Collection) -> QdrantClient:
    client = QdrantClient(":memory:")
    p = col.config.params
    client.create_collection(
        "c",
        vectors_config={name: models.VectorParams(
            size=v.size, distance=models.Distance(v.distance.value),
            multivector_config=models.MultiVectorConfig(comparator=models.MultiVectorComparator.MAX_SIM)
            if v.multivector_config else None) for name, v in p.vectors.items()},
        sparse_vectors_config={name: models.SparseVectorParams(
            modifier=models.Modifier.IDF if s.modifier is Modifier.IDF else None)
            for name, s in (p.sparse_vectors or {}).items()},
    )
    return client


def to_model(v: object) -> object:
    if isinstance(v, SparseVector):
        return models.SparseVector(indices=v.indices.tolist(), values=v.values.tolist())
    assert isinstance(v, np.ndarray)
    return v.tolist()


def fill(col: Collection, client: QdrantClient, n: int, multi: bool = False) -> None:
    points = []
    for i in range(n):
        vectors: dict[str, object] = {}
        if i % 5:
            vectors["s"] = random_sparse()
        if i % 3:
            vectors["d"] = RNG.random(4).astype(np.float32)
        if multi and i % 4:
            vectors["m"] = RNG.random((int(RNG.integers(1, 4)), 3)).astype(np.float32)
        points.append(PointStruct(id=i, vectors=vectors, payload={"i": i}))  # type: ignore[arg-type]
    col.update(UpsertPoints(points=points))
    client.upsert("c", [models.PointStruct(id=p.id, vector={k: to_model(v) for k, v in p.vectors.items()},
                                           payload=p.payload) for p in points])


def ours(col: Collection, using: str, query: object, k: int = 10, flt: Filter | None = None) -> list[tuple[int, float]]:
    hits = nearest(col.shard.view(), using, query, flt, k)  # type: ignore[arg-type]
    return [(int(h.id), h.score) for h in to_scored(hits, NO_PAYLOAD, False)]  # type: ignore[arg-type]


def theirs(client: QdrantClient, using: str, query: object, k: int = 10) -> list[tuple[int, float]]:
    res = client.query_points("c", query=query, using=using, limit=k)  # type: ignore[arg-type]
    return [(int(p.id), p.score) for p in res.points]  # type: ignore[arg-type]


def same(a: list[tuple[int, float]], b: list[tuple[int, float]], tol: float = 1e-4) -> None:
    assert [s for _, s in a] == pytest.approx([s for _, s in b], rel=tol, abs=tol)
    assert {i for i, _ in a} == {i for i, _ in b} or len(a) == len(b)


@pytest.mark.parametrize("modifier", [None, Modifier.IDF])
def test_sparse_search_congruent_with_local_mode(modifier: Modifier | None) -> None:
    col = make(modifier)
    client = local_twin(col)
    fill(col, client, 120)
    for _ in range(10):
        q = random_sparse()
        same(ours(col, "s", q), theirs(client, "s", models.SparseVector(indices=q.indices.tolist(),
                                                                      values=q.values.tolist())))


def test_sparse_only_overlapping_points_and_deletes() -> None:
    col = make()
    col.update(UpsertPoints(points=[
        PointStruct(id=1, vectors={"s": sparse([1, 5], [1.0, 2.0])}),
        PointStruct(id=2, vectors={"s": sparse([7], [3.0])}),
        PointStruct(id=3, vectors={"d": np.ones(4, dtype=np.float32)}),
    ]))
    assert ours(col, "s", sparse([5, 1], [1.0, 0.5])) == [(1, pytest.approx(2.5))]
    col.update(UpdateVectors(points=[(2, {"s": sparse([5], [4.0])})]))
    assert [i for i, _ in ours(col, "s", sparse([5], [1.0]))] == [2, 1]
    col.update(DeleteVectors(vector_names=["s"], ids=[2]))
    col.update(DeletePoints(ids=[1]))
    assert ours(col, "s", sparse([5], [1.0])) == []
    stored = stored_vector(col.shard.view(), 2, "s")
    assert stored is None and higher_is_better(col.shard.view(), "s")


def test_idf_formula() -> None:
    col = make(Modifier.IDF)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"s": sparse([1] + ([2] if i == 0 else []), [1.0] * (
        2 if i == 0 else 1))}) for i in range(4)]))
    (pid, score), *_ = ours(col, "s", sparse([2], [1.0]))
    assert pid == 0 and score == pytest.approx(math.log((4 - 1 + 0.5) / (1 + 0.5) + 1))


def test_sparse_validation_and_sorting() -> None:
    col = make()
    with pytest.raises(BadInput):
        col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"s": sparse([1, 1], [1.0, 2.0])})]))
    with pytest.raises(BadInput):
        col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"s": np.ones(3, dtype=np.float32)})]))
    with pytest.raises(BadInput):
        col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"d": sparse([1], [1.0])})]))
    col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"s": sparse([9, 2], [1.0, 2.0])})]))
    stored = stored_vector(col.shard.view(), 1, "s")
    assert isinstance(stored, SparseVector) and stored.indices.tolist() == [2, 9] and stored.values.tolist() == [2, 1]


@pytest.mark.parametrize("distance", [Distance.COSINE, Distance.DOT, Distance.EUCLID, Distance.MANHATTAN])
def test_multivector_max_sim_congruent_with_local_mode(distance: Distance) -> None:
    col = make(multi=distance)
    client = local_twin(col)
    fill(col, client, 60, multi=True)
    for _ in range(5):
        q = RNG.random((2, 3)).astype(np.float32)
        same(ours(col, "m", q), theirs(client, "m", q.tolist()))
    points = [col.locate(i) for i in (1, 2, 4)]
    scores = score_points(col.shard.view(), "m", q, [p for p in points if p is not None])
    assert np.isnan(scores[-1]) and not np.isnan(scores[0])  # point 4 has no multivector


def test_has_vector_filter_and_missing_vectors() -> None:
    col = make(multi=Distance.DOT)
    client = local_twin(col)
    fill(col, client, 30, multi=True)
    only_multi = Filter(must=(HasVector(name="m"),))
    got = ours(col, "d", np.ones(4, dtype=np.float32), k=30, flt=only_multi)
    assert got and all(i % 4 and i % 3 for i, _ in got)
    assert len(ours(col, "s", sparse(list(range(40)), [1.0] * 40), k=100)) == len([i for i in range(30) if i % 5])


def test_uint8_and_float16_storage() -> None:
    col = make(datatype=Datatype.UINT8, dense=Distance.COSINE)
    col.update(UpsertPoints(points=[
        PointStruct(id=1, vectors={"d": np.asarray([1, 2, 3, 300], dtype=np.float32)}),
        PointStruct(id=2, vectors={"d": np.asarray([-4, 2.9, 0, 1], dtype=np.float32)}),
    ]))
    assert col.segments[0].dense["d"].data.dtype == np.uint8
    stored = stored_vector(col.shard.view(), 1, "d")
    assert stored is not None and stored.tolist() == [1, 2, 3, 255]  # Rust `as u8`: saturate, truncate
    (first, score), _ = ours(col, "d", np.asarray([0, 2, 0, 1], dtype=np.float32))
    expected = np.dot([0, 2, 0, 1], [0, 2, 0, 1]) / (np.linalg.norm([0, 2, 0, 1]) ** 2)
    assert first == 2 and score == pytest.approx(expected)
    half = make(datatype=Datatype.FLOAT16, dense=Distance.DOT)
    v = RNG.random(4).astype(np.float32)
    half.update(UpsertPoints(points=[PointStruct(id=1, vectors={"d": v})]))
    assert half.segments[0].dense["d"].data.dtype == np.float16
    assert ours(half, "d", v)[0][1] == pytest.approx(float(v @ v), rel=1e-3)


def test_rebuild_and_persistence_keep_every_kind(tmp_path: Path) -> None:
    col = make(Modifier.IDF, multi=Distance.EUCLID, datatype=Datatype.FLOAT16, threshold=1)
    client = local_twin(col)
    fill(col, client, 200, multi=True)
    q_sparse, q_multi = random_sparse(), RNG.random((2, 3)).astype(np.float32)
    before = (ours(col, "s", q_sparse), ours(col, "m", q_multi))
    while optimize_shard(col.shard, threads=1):
        pass
    assert any(seg.sealed for seg in col.segments)
    assert (ours(col, "s", q_sparse), ours(col, "m", q_multi)) == before
    col.update(DeletePoints(ids=[1, 2, 3]))
    before = (ours(col, "s", q_sparse), ours(col, "m", q_multi))
    reloaded = []
    for i, seg in enumerate(col.segments):  # sealed: a base; appendable: one delta record of every point
        records = []
        if seg.sealed:
            write_base(seg, tmp_path / str(i))
        else:
            records = [encode_points(capture_points(seg, np.arange(seg.size), with_vectors=True))]
        reloaded.append(load_segment(tmp_path / str(i), records, seg.sealed, col.config, {})[0])
    col.shard.holder.replace(reloaded)
    assert (ours(col, "s", q_sparse), ours(col, "m", q_multi)) == before
