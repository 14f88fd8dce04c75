"""The shard's concurrency contract: readers share segment locks and run in parallel, the writer
excludes them only while it changes segments, `wait=false` answers before the apply and `wait=true`
after it, and a mixed concurrent load ends in exactly the state a plain dict model predicts."""

from __future__ import annotations

import threading
import time

import numpy as np

from engine.collection import Collection, reads
from engine.segment.rwlock import RWLock
from engine.shard.optimizer import optimize_shard
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import DeletePoints, Operation, SetPayload, UpsertPoints
from engine.types.points import ALL_PAYLOAD, PointStruct
from engine.types.requests import CountRequest, NearestQuery, QueryRequest, ScrollRequest

DIM = 8


def _collection(threshold: int = 0) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.DOT)}, unnamed=True)
    return Collection("c", CollectionConfig(params=params,
                                            optimizer_config=OptimizersConfig(indexing_threshold=threshold)))


def _vec(i: int) -> np.ndarray:
    return np.random.default_rng(i).normal(size=DIM).astype(np.float32)


def _upsert(ids: range) -> UpsertPoints:
    return UpsertPoints(points=[PointStruct(id=i, vectors={"": _vec(i)}, payload={"n": i}) for i in ids])


def test_readers_share_the_lock_and_a_writer_waits_for_them() -> None:
    lock = RWLock()
    inside = threading.Barrier(3, timeout=5)
    order: list[str] = []

    def reader() -> None:
        with lock.read():
            inside.wait()  # all three readers hold the lock at once, or this times out
            time.sleep(0.05)
            order.append("read")

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.01)
    with lock.write():
        order.append("write")
    for t in threads:
        t.join()
    assert order == ["read", "read", "read", "write"]


def test_a_nested_read_is_granted_while_a_writer_waits() -> None:
    lock = RWLock()
    got_nested = threading.Event()
    with lock.read():
        writer = threading.Thread(target=lambda: lock.write().__enter__() and None)
        writer.daemon = True
        writer.start()
        time.sleep(0.05)  # the writer now waits for us
        with lock.read():  # would deadlock if nested reads queued behind the writer
            got_nested.set()
    assert got_nested.is_set()


def test_wait_false_answers_before_the_apply_and_wait_true_after_it() -> None:
    col = _collection()
    release = threading.Event()
    original = col.shard.apply

    def slow_apply(op_num: int, op: Operation) -> None:
        release.wait(5)
        original(op_num, op)

    col.updates._apply = slow_apply  # the queue applies through the shard
    started = time.monotonic()
    col.update(_upsert(range(10)), wait=False)
    assert time.monotonic() - started < 1.0  # answered without waiting for the apply
    assert col.points_count() == 0  # not applied yet
    release.set()
    col.update(_upsert(range(10, 20)), wait=True)
    assert col.points_count() == 20  # wait=true applied everything queued before it, then its own


def test_validation_that_needs_points_sees_earlier_unapplied_writes() -> None:
    col = _collection()
    col.update(_upsert(range(5)), wait=False)
    col.update(SetPayload(payload={"x": 1}, ids=[4]), wait=True)  # point 4 exists once the queue drained
    records = reads.retrieve(col, [4], ALL_PAYLOAD, False)
    assert records[0].payload == {"n": 4, "x": 1}


def test_concurrent_readers_and_writers_end_in_the_model_state() -> None:
    col = _collection(threshold=1)  # the optimizer seals and indexes while the load runs
    model: dict[int, int] = {}
    model_lock = threading.Lock()
    errors: list[BaseException] = []
    stop = threading.Event()

    def writer(seed: int) -> None:
        rng = np.random.default_rng(seed)
        try:
            for _ in range(60):
                start = int(rng.integers(0, 400))
                ids = range(start, start + 20)
                if rng.random() < 0.25:
                    with model_lock:  # model and op in one order: the WAL order is the apply order
                        col.update(DeletePoints(ids=list(ids)), wait=bool(rng.random() < 0.5))
                        for i in ids:
                            model.pop(i, None)
                else:
                    with model_lock:
                        col.update(_upsert(ids), wait=bool(rng.random() < 0.5))
                        model.update({i: i for i in ids})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        try:
            while not stop.is_set():
                hits = reads.query(col, QueryRequest(query=NearestQuery(vector=_vec(1)), limit=5))
                assert len({h.id for h in hits}) == len(hits)
                reads.count(col, CountRequest())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def optimizer() -> None:
        try:
            while not stop.is_set():
                if not optimize_shard(col.shard, threads=1):
                    time.sleep(0.01)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    background = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=optimizer)]
    writers = [threading.Thread(target=writer, args=(s,)) for s in range(3)]
    for t in background + writers:
        t.start()
    for t in writers:
        t.join(timeout=120)
    col.updates.drain()
    stop.set()
    for t in background:
        t.join(timeout=60)
    assert errors == []
    page = reads.scroll(col, ScrollRequest(limit=10_000, with_payload=ALL_PAYLOAD))
    assert {int(p.id): p.payload["n"] for p in page.points} == model  # type: ignore[index, arg-type]
    assert reads.count(col, CountRequest()) == len(model)
