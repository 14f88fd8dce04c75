"""The optimizer's policy for bulk ingests: a streaming ingest is sealed into few large segments
(the background worker waits for a pause, up to `ingest_segment_bytes`), and one merge brings the
segment count down to the target, so each point is rewritten at most once by merges."""

import time
from dataclasses import replace

import numpy as np

from engine.collection import Collection, reads
from engine.shard.optimizer import ingest_segment_bytes, optimize_shard, pending
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import CountRequest

DIM = 8


def collection(**optimizer: object) -> Collection:
    params = CollectionParams(vectors={"": VectorParams(size=DIM, distance=Distance.DOT)}, unnamed=True)
    oc = replace(OptimizersConfig(indexing_threshold=10, default_segment_number=2), **optimizer)
    return Collection("c", CollectionConfig(params=params, optimizer_config=oc))


def upsert(col: Collection, ids: range) -> None:
    rng = np.random.default_rng(ids.start)
    col.update(UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.normal(size=DIM).astype(np.float32)})
                                    for i in ids]))


def test_a_streaming_ingest_is_sealed_once_writes_pause() -> None:
    col = collection()
    upsert(col, range(2000))  # 64 KB of vectors: over the 10 KB threshold
    assert not optimize_shard(col.shard, threads=1, batch_ingest=True)  # writes just came: keep growing
    assert pending(col.shard)  # the deferred seal is pending work: the collection is not green
    assert [s.sealed for s in col.segments] == [False]
    col.shard.last_write = time.monotonic() - 3  # writes paused
    while optimize_shard(col.shard, threads=1, batch_ingest=True):
        pass
    sealed = [s for s in col.segments if s.sealed]
    assert len(sealed) == 1 and sealed[0].hnsw and len(sealed[0]) == 2000
    assert not pending(col.shard)


def test_a_streaming_ingest_is_sealed_when_it_reaches_the_ingest_segment_size() -> None:
    col = collection(max_segment_size=40)  # KB
    assert ingest_segment_bytes(col.shard) == 40 * 1024
    upsert(col, range(1000))  # 32 KB: over the threshold, under the ingest size
    assert not optimize_shard(col.shard, threads=1, batch_ingest=True)
    upsert(col, range(1000, 1400))  # 44.8 KB
    assert optimize_shard(col.shard, threads=1, batch_ingest=True)
    assert [len(s) for s in col.segments if s.sealed] == [1400]


def test_direct_calls_seal_at_the_threshold() -> None:
    col = collection()
    upsert(col, range(2000))
    assert optimize_shard(col.shard, threads=1)
    assert col.segments[0].sealed


def test_one_merge_brings_the_segment_count_to_the_target() -> None:
    col = collection(default_segment_number=0)  # 0: default number; make five sealed segments first
    for k in range(5):
        upsert(col, range(k * 400, (k + 1) * 400))
        optimize_shard(col.shard, threads=1)  # seals and indexes, no merge yet (one step)
    col.config = replace(col.config, optimizer_config=replace(col.config.optimizer_config,
                                                              default_segment_number=2))
    assert len([s for s in col.segments if s.sealed]) == 5
    assert optimize_shard(col.shard, threads=1)  # one merge step
    assert sorted(len(s) for s in col.segments if s.sealed) == [400, 1600]
    assert not optimize_shard(col.shard, threads=1)
    assert reads.count(col, CountRequest()) == 2000
