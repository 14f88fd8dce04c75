"""The optimizer: vacuum, merge and re-index rebuilds, and writes running concurrently with it never
lost or corrupted (checked against a plain dict model of what was acknowledged)."""

import threading
from dataclasses import replace

import numpy as np

from engine.collection import Collection, reads
from engine.shard.optimizer import optimize_shard
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.filters import FieldMatch, Filter, MatchValue
from engine.types.operations import CreateFieldIndex, DeletePoints, SetPayload, UpdateVectors, UpsertPoints
from engine.types.payload_schema import PayloadSchema
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import CountRequest, NearestQuery, QueryRequest, ScrollRequest, SearchParams

DIM = 8


def collection(**optimizer: object) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.DOT)}, unnamed=True)
    oc = OptimizersConfig(indexing_threshold=10, vacuum_min_vector_number=100, default_segment_number=2)
    col = Collection("c", CollectionConfig(params=params, optimizer_config=replace(oc, **optimizer)))
    col.update(CreateFieldIndex(key="k", schema=PayloadSchema(type="keyword")))
    return col


def vec(i: int, salt: int = 0) -> np.ndarray:
    return np.random.default_rng(i * 1000 + salt).normal(size=DIM).astype(np.float32)


def fill(col: Collection, ids: range) -> None:
    for start in range(ids.start, ids.stop, 400):
        col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vec(i)}, payload={"k": f"v{i % 3}"})
                                        for i in range(start, min(start + 400, ids.stop))]))
        while optimize_shard(col.shard):
            pass


def snapshot(col: Collection) -> dict[object, tuple[object, list[float]]]:
    page = reads.scroll(col, ScrollRequest(limit=10**6, with_payload=ALL_PAYLOAD, with_vector=True))
    return {r.id: (r.payload, np.round(r.vectors[""], 5).tolist()) for r in page.points}


def run_optimizer(col: Collection) -> None:
    while optimize_shard(col.shard):
        pass


def test_merge_keeps_segment_count_at_target_and_data_intact() -> None:
    col = collection()
    fill(col, range(3000))
    sealed = [s for s in col.segments if s.sealed]
    assert 1 <= len(sealed) <= 2
    assert all(s.hnsw for s in sealed)
    assert reads.count(col, CountRequest()) == 3000
    flt = Filter(must=(FieldMatch(key="k", match=MatchValue(value="v1")),))
    assert reads.count(col, CountRequest(filter=flt)) == 1000


def test_vacuum_drops_deleted_points() -> None:
    col = collection()
    fill(col, range(2000))
    before = sum(s.size for s in col.segments)
    col.update(DeletePoints(ids=list(range(0, 2000, 2))))
    run_optimizer(col)
    after = sum(s.size for s in col.segments)
    assert after < before * 0.75
    assert reads.count(col, CountRequest()) == 1000
    hits = reads.query(col, QueryRequest(query=NearestQuery(vector=vec(3)), limit=5))
    exact = reads.query(col, QueryRequest(query=NearestQuery(vector=vec(3)), limit=5, params=SearchParams(exact=True)))
    assert [h.id for h in hits] == [h.id for h in exact]
    assert all(h.id % 2 == 1 for h in hits)


def test_config_change_triggers_reindex() -> None:
    col = collection()
    fill(col, range(1500))
    col.config = replace(col.config, hnsw_config=replace(col.config.hnsw_config, m=8))
    run_optimizer(col)
    assert all(index.config.m == 8 for s in col.segments for index in s.hnsw.values())
    assert any(s.hnsw for s in col.segments)


def test_concurrent_writes_during_optimization_match_model() -> None:
    col = collection(indexing_threshold=5)
    model: dict[object, tuple[object, list[float]]] = {}
    rng = np.random.default_rng(42)
    stop = threading.Event()

    def optimizer() -> None:
        while not stop.is_set():
            if not optimize_shard(col.shard):
                stop.wait(0.001)

    thread = threading.Thread(target=optimizer)
    thread.start()
    try:
        for step in range(400):
            kind = rng.integers(0, 10)
            ids = [int(x) for x in rng.integers(0, 600, size=8)]
            if kind < 5:
                pts = [PointStruct(id=i, vectors={"": vec(i, step)}, payload={"k": f"v{step % 3}", "s": step})
                       for i in ids]
                col.update(UpsertPoints(points=pts))
                for p in pts:
                    model[p.id] = (p.payload, np.round(p.vectors[""], 5).tolist())
            elif kind < 7:
                col.update(DeletePoints(ids=ids))
                for i in ids:
                    model.pop(i, None)
            elif kind < 9:
                present = [i for i in ids if i in model]
                if present:
                    col.update(SetPayload(payload={"s": -step}, ids=present))
                    for i in present:
                        payload, vector = model[i]
                        model[i] = ({**payload, "s": -step}, vector)  # type: ignore[dict-item]
            else:
                present = [i for i in dict.fromkeys(ids) if i in model]
                if present:
                    col.update(UpdateVectors(points=[(i, {"": vec(i, -step)}) for i in present]))
                    for i in present:
                        model[i] = (model[i][0], np.round(vec(i, -step), 5).tolist())
    finally:
        stop.set()
        thread.join()
    run_optimizer(col)
    assert snapshot(col) == model
    assert reads.count(col, CountRequest()) == len(model)
    for key in ("v0", "v1", "v2"):
        flt = Filter(must=(FieldMatch(key="k", match=MatchValue(value=key)),))
        assert reads.count(col, CountRequest(filter=flt)) == sum(1 for p, _ in model.values() if p["k"] == key)  # type: ignore[index]


def test_status_grey_while_pending_then_green() -> None:
    col = collection()
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": vec(i)}) for i in range(500)]))
    assert col.info().status == "grey"
    run_optimizer(col)
    assert col.info().status == "green"
