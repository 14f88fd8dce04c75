"""Snapshot transfers and stream trimming, two cluster nodes in one process against a real JetStream
server: a replica added by a snapshot after the stream was trimmed ends identical to its source
(points, payloads, vectors) with the writes made during the transfer; a node that was down while its
stream was trimmed catches up through a snapshot transfer instead of failing."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, TypeVar

import nats_fixtures  # the JetStream server fixture (not a conftest: see its docstring)
import numpy as np
import pytest
from members import Member, run, until

from cluster import collections as cc
from cluster import names, snapshot_transfer, transfers, writes
from cluster.node import ClusterNode
from cluster.records import ACTIVE
from engine.collection import Collection
from engine.collection.reads import scroll
from engine.errors import BadRequest
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import ScrollRequest

T = TypeVar("T")
nats_url = nats_fixtures.nats_url


def _Member(nats_url: str, root: Path, peer_id: int) -> Member:
    # trimmed by hand (node.trim()), with no margin: every applied message may go
    return Member(nats_url, root, peer_id, trim_interval_s=0, trim_margin=0)


def _config(rf: int) -> CollectionConfig:
    return CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=3, distance=Distance.COSINE)},
                                                    unnamed=True, shard_number=1, replication_factor=rf))


def _points(ids: range, version: int = 0) -> UpsertPoints:
    rng = np.random.default_rng(ids.start + version)
    return UpsertPoints(points=[PointStruct(id=i, vectors={"": rng.random(3, dtype=np.float32) + 0.01},
                                            payload={"i": i, "v": version, "tag": f"t{i % 7}"}) for i in ids])


def _content(collection: Collection) -> dict[Any, tuple[Any, list[float]]]:
    """Every point of a local replica: id -> (payload, vector)."""
    page = scroll(collection, ScrollRequest(limit=10_000, with_vector=True))
    assert page.next_page_offset is None
    out = {}
    for record in page.points:
        assert record.vectors is not None
        out[record.id] = (record.payload, [round(float(x), 6) for x in np.asarray(record.vectors[""])])
    return out


async def _stream_state(node: ClusterNode, name: str) -> tuple[int, int]:
    info = await node.js.stream_info(names.stream_name(node.record(name).uuid, 0))
    return int(info.state.first_seq), int(info.state.last_seq)


def _settled(node: ClusterNode, name: str, peers: set[int]) -> bool:
    record = node.record(name)
    shard = record.shard(0)
    return (shard is not None and not record.transfers and set(shard.replicas) == peers
            and set(shard.replicas.values()) == {ACTIVE})


async def _objects(node: ClusterNode) -> list[str]:
    store = await snapshot_transfer.bucket(node.js, 1)
    try:
        return [o.name for o in await store.list(ignore_deletes=True)]
    except Exception:  # noqa: BLE001 - nats-py raises NotFoundError for an empty bucket
        return []


def test_snapshot_replicate_after_trim(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a, b = _Member(nats_url, tmp_path / "a", 41), _Member(nats_url, tmp_path / "b", 42)
        await a.start()
        await b.start()
        try:
            await cc.create_collection(a.node, "s", _config(rf=1))
            await until(lambda: "s" in b.node.meta.collections)
            holder = next(iter(a.node.record("s").shards[0].replicas))
            other = 42 if holder == 41 else 41
            for start in range(0, 400, 50):
                await writes.write(a.node, "s", [_points(range(start, start + 50))], True, None, None)
            await writes.write(a.node, "s", [_points(range(0, 100), version=1)], True, None, None)  # overwrites
            # the lowest live peer trims, behind every live replica's applied report
            await until(lambda: a.node.applied.seqs.get((a.node.record("s").uuid, 0), {}).get(holder, 0) >= 9)
            removed = await a.node.trim()
            first, last = await _stream_state(a.node, "s")
            assert removed == 9 and first == last + 1 == 10  # the whole log is gone

            with pytest.raises(BadRequest, match="stream is trimmed .* use method snapshot"):
                await transfers.start_transfer(a.node, "s", 0, holder, other, sync=True, method="stream_records")
            with pytest.raises(BadRequest, match="method wal_delta is not supported"):
                await transfers.start_transfer(a.node, "s", 0, holder, other, sync=True, method="wal_delta")

            # replicate with the default method (snapshot) while writes go on
            async def load() -> None:
                for start in range(1000, 1300, 20):
                    await writes.write(a.node, "s", [_points(range(start, start + 20))], True, None, None)
            writer = asyncio.create_task(load())
            await asyncio.sleep(0.05)
            await transfers.start_transfer(b.node, "s", 0, holder, other, sync=True)
            assert a.node.record("s").transfers[0]["method"] == "snapshot"
            await until(lambda: _settled(a.node, "s", {41, 42}) and _settled(b.node, "s", {41, 42}))
            await writer
            await writes.write(a.node, "s", [_points(range(2000, 2010))], True, None, None)
            copy, original = a.node.local_replica("s", 0), b.node.local_replica("s", 0)
            assert copy is not None and original is not None
            await until(lambda: copy.points_count() == original.points_count() == 400 + 300 + 10)
            assert _content(copy) == _content(original)
            assert _content(copy)[5][0] == {"i": 5, "v": 1, "tag": "t5"}  # the overwrite, from the snapshot
            await until(lambda: not a.worker._sent and not b.worker._sent)
            assert not await _objects(a.node)  # the snapshot object is deleted after the restore
        finally:
            await b.stop()
            await a.stop()
    run(scenario)


def test_node_down_while_trimmed_recovers_by_snapshot(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a, b = _Member(nats_url, tmp_path / "a", 51), _Member(nats_url, tmp_path / "b", 52)
        await a.start()
        await b.start()
        try:
            await until(lambda: a.node.meta.alive(52))
            await cc.create_collection(a.node, "d", _config(rf=2))
            assert set(a.node.record("d").shards[0].replicas) == {51, 52}
            await until(lambda: "d" in b.node.meta.collections and (b.node.record("d").uuid, 0) in b.node.replicas)
            await writes.write(a.node, "d", [_points(range(0, 100))], True, None, None)
            b_replica = b.node.replicas[(b.node.record("d").uuid, 0)]
            await until(lambda: b_replica.applied == 1)
            await b.stop()  # b is down: the stream is trimmed without waiting for it
            await until(lambda: not a.node.meta.alive(52))
            for start in range(100, 300, 50):
                await writes.write(a.node, "d", [_points(range(start, start + 50))], True, None, None)
            await writes.write(a.node, "d", [_points(range(0, 50), version=2)], True, None, None)
            await until(lambda: a.node.applied.seqs.get((a.node.record("d").uuid, 0), {}).get(51, 0) >= 6)
            assert await a.node.trim() == 6
            assert await _stream_state(a.node, "d") == (7, 6)

            b = _Member(nats_url, tmp_path / "b", 52)  # the same storage and peer id
            await b.start()
            await until(lambda: _settled(a.node, "d", {51, 52}) and _settled(b.node, "d", {51, 52}))
            copy, original = b.node.local_replica("d", 0), a.node.local_replica("d", 0)
            assert copy is not None and original is not None
            await until(lambda: copy.points_count() == 300)
            assert _content(copy) == _content(original)
            assert _content(copy)[7][0] == {"i": 7, "v": 2, "tag": "t0"}
            # and it goes on from the stream
            await writes.write(b.node, "d", [_points(range(300, 310))], True, None, None)
            await until(lambda: copy.points_count() == original.points_count() == 310)
        finally:
            await b.stop()
            await a.stop()
    run(scenario)
