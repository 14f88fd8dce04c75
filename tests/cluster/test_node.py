"""A ClusterNode against a real (single) JetStream server: metadata, streams, replicas applying
the log, the write path, restarts resuming exactly where they stopped."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import nats_fixtures  # the JetStream server fixture (not a conftest: see its docstring)
import numpy as np
import pytest

from cluster import collections as cc
from cluster import writes
from cluster.node import ClusterNode
from cluster.options import ClusterOptions
from engine.errors import AlreadyExists, BadInput, BadRequest, NotFound
from engine.toc import CreateAlias
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.filters import FieldRange, Filter, Range
from engine.types.operations import DeletePoints, SetPayload, UpsertPoints
from engine.types.points import PointStruct
from engine.types.sharding import ShardKeySelector

T = TypeVar("T")
nats_url = nats_fixtures.nats_url


async def _thread(fn: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(fn, *args)


def _config(shards: int = 1, rf: int = 1) -> CollectionConfig:
    return CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.DOT)},
                                                    unnamed=True, shard_number=shards, replication_factor=rf))


def _points(ids: range, n: int = 0) -> UpsertPoints:
    return UpsertPoints(points=[PointStruct(id=i, vectors={"": np.array([1.0, float(i)], dtype=np.float32)},
                                            payload={"n": n, "i": i}) for i in ids])


def _node(nats_url: str, root: Path, peer_id: int) -> ClusterNode:
    return ClusterNode(ClusterOptions(servers=[nats_url], stream_replicas=3, peer_id=peer_id), root, _thread)


def _local_points(node: ClusterNode, name: str) -> dict[int | str, Any]:
    record = node.record(name)
    out: dict[int | str, Any] = {}
    for shard in record.shards:
        local = node.local_replica(name, shard.id)
        assert local is not None
        with local.reading() as view:
            for seg in view.segments:
                for pid in seg.ids():
                    out[pid] = seg.payload(pid) if hasattr(seg, "payload") else None
    return out


def _count(node: ClusterNode, name: str) -> int:
    record = node.record(name)
    total = 0
    for shard in record.shards:
        local = node.local_replica(name, shard.id)
        assert local is not None
        total += local.points_count()
    return total


def run(coro: Callable[[], Awaitable[T]], limit_s: float = 60) -> T:
    return asyncio.run(asyncio.wait_for(coro(), limit_s))


def test_collection_lifecycle_and_writes(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a, b = _node(nats_url, tmp_path / "a", 11), _node(nats_url, tmp_path / "b", 12)
        await _start_all(a, b)
        try:
            assert a.stream_replicas == 1  # capped: a single JetStream server
            await cc.create_collection(a, "docs", _config(shards=4, rf=2))
            with pytest.raises(AlreadyExists):
                await cc.create_collection(b, "docs", _config())
            assert await b.meta.wait_seen(lambda: "docs" in b.meta.collections)
            await b.reconcile()
            record = b.record("docs")
            assert len(record.shards) == 4 and all(set(s.replicas) == {11, 12} for s in record.shards)
            await writes.write(b, "docs", [_points(range(100))], wait=True, timeout=30)
            with pytest.raises(BadRequest, match="sharded over the cluster"):
                a.toc.resolve("docs")  # single-node code paths get a clear 400, not a 404
            # wait=true with write_consistency_factor 1: one replica applied; both catch up
            for _ in range(100):
                if _count(a, "docs") == 100 and _count(b, "docs") == 100:
                    break
                await asyncio.sleep(0.05)
            assert _count(a, "docs") == _count(b, "docs") == 100
            flt = Filter(must=(FieldRange(key="i", range=Range(lt=10)),))
            await writes.write(a, "docs", [DeletePoints(filter=flt)], wait=True, timeout=30)
            await writes.write(a, "docs", [DeletePoints(ids=[10, 11])], wait=True, timeout=30)
            with pytest.raises(NotFound):  # the replica's engine error comes back to the waiting writer
                await writes.write(a, "docs", [SetPayload(payload={"x": 1}, ids=[5])], wait=True, timeout=30)
            await cc.update_aliases(a, [CreateAlias(collection_name="docs", alias_name="d")])
            assert await b.meta.wait_seen(lambda: b.meta.aliases == {"d": "docs"})
            assert b.resolve("d") == "docs"
            await asyncio.sleep(0.3)
            assert _count(a, "docs") == 88 and _count(b, "docs") == 88
            assert await cc.delete_collection(b, "docs")
            assert not await cc.delete_collection(b, "docs")
            assert await a.meta.wait_seen(lambda: "docs" not in a.meta.collections and not a.meta.aliases)
            await a.reconcile()
            assert a.toc.names() == [] and b.toc.names() == []
        finally:
            await a.stop()
            await b.stop()
            a.toc.close()
            b.toc.close()
    run(scenario)


async def _start_all(*nodes: ClusterNode) -> None:
    """Start the nodes and wait until each sees every other alive (placement uses alive peers)."""
    for node in nodes:
        await node.start()
    ids = {n.peer_id for n in nodes}
    for node in nodes:
        assert await node.meta.wait_seen(lambda node=node: ids <= set(node.meta.alive_peers()))


async def _add_shard_key(node: ClusterNode, name: str, key: str, shards: int) -> None:
    """What create_shard_key does (cluster-reads' API): streams first, then the record."""
    from cluster.records import new_shards
    from cluster.streams import create_shard_streams
    record = node.record(name)
    first = max((s.id for s in record.shards), default=-1) + 1
    added = new_shards(first, shards, key, [node.peer_id], 1)
    await create_shard_streams(node.js, record.uuid, [s.id for s in added], node.stream_replicas)
    await node.meta.change_collection(name, lambda r: None if r is None else r.bumped(shards=[*r.shards, *added]))
    await node.meta.wait_seen(lambda: len(node.record(name).shards) == len(record.shards) + shards)
    await node.reconcile()


def test_custom_sharding_routes_writes_by_shard_key(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a = _node(nats_url, tmp_path / "a", 21)
        await a.start()
        try:
            config = _config()
            config.params.sharding_method = "custom"
            await cc.create_collection(a, "tenants", config)
            with pytest.raises(BadInput, match="Shard key not specified"):
                await writes.write(a, "tenants", [_points(range(3))], wait=True, timeout=5)
            await _add_shard_key(a, "tenants", "a", 1)
            await _add_shard_key(a, "tenants", "b", 2)

            def per_shard() -> dict[int, int]:
                return {s.id: a.local_replica("tenants", s.id).points_count()  # type: ignore[union-attr]
                        for s in a.record("tenants").shards}
            one, both = ShardKeySelector(keys=("a",)), ShardKeySelector(keys=("a", "b"))
            await writes.write(a, "tenants", [_points(range(3))], wait=True, timeout=30, selectors=[one])
            assert per_shard() == {0: 3, 1: 0, 2: 0}
            await writes.write(a, "tenants", [_points(range(10, 20))], wait=True, timeout=30, selectors=[both])
            counts = per_shard()
            assert counts[0] == 13 and counts[1] + counts[2] == 10 and counts[1] and counts[2]
            fallback = ShardKeySelector(keys=("missing",), fallback="b")
            await writes.write(a, "tenants", [_points(range(30, 31))], wait=True, timeout=30, selectors=[fallback])
            assert sum(per_shard().values()) == 24
            with pytest.raises(BadInput, match="Shard key c not found"):
                await writes.write(a, "tenants", [_points(range(3))], wait=True, timeout=5,
                                   selectors=[ShardKeySelector(keys=("c",))])
            with pytest.raises(NotFound, match="Neither target shard key x nor fallback shard key y exist"):
                await writes.write(a, "tenants", [_points(range(3))], wait=True, timeout=5,
                                   selectors=[ShardKeySelector(keys=("x",), fallback="y")])
            await cc.delete_collection(a, "tenants")
        finally:
            await a.stop()
            a.toc.close()
    run(scenario)


def test_restart_resumes_from_the_ack_floor_without_reapplying(nats_url: str, tmp_path: Path) -> None:
    """A stopped node catches up on what was written meanwhile; what it had applied is not applied
    again (a delete by filter re-applied after a later upsert would remove the new point)."""
    async def scenario() -> None:
        a, b = _node(nats_url, tmp_path / "a", 31), _node(nats_url, tmp_path / "b", 32)
        await _start_all(a, b)
        await cc.create_collection(a, "r", _config(shards=2, rf=2))
        await b.meta.wait_seen(lambda: "r" in b.meta.collections)
        await b.reconcile()
        await writes.write(a, "r", [_points(range(20), n=1)], wait=True, timeout=30)
        flt = Filter(must=(FieldRange(key="n", range=Range(gte=1)),))
        await writes.write(a, "r", [DeletePoints(filter=flt)], wait=True, timeout=30)
        await writes.write(a, "r", [_points(range(5), n=2)], wait=True, timeout=30)
        for _ in range(100):
            if _count(b, "r") == 5:
                break
            await asyncio.sleep(0.05)
        assert _count(b, "r") == 5
        await b.stop()
        b.toc.close()
        await writes.write(a, "r", [_points(range(5, 9), n=3)], wait=True, timeout=30)
        b2 = _node(nats_url, tmp_path / "b", 32)  # same storage, same peer: resumes its consumers
        await b2.start()
        try:
            for _ in range(100):
                if _count(b2, "r") == 9:
                    break
                await asyncio.sleep(0.05)
            assert _count(b2, "r") == 9  # the n>=1 delete was not re-applied over the n=2 points
            # marked Recovery at start (before it was seen alive), Active once caught up
            assert await a.meta.wait_seen(lambda: all(s.replicas[32] == "Active" for s in a.record("r").shards))
            assert all(32 in a.active_replicas("r", s.id) for s in a.record("r").shards)
            versions = a.record("r").version
            assert versions >= 2
        finally:
            await cc.delete_collection(a, "r")
            await a.stop()
            await b2.stop()
            a.toc.close()
            b2.toc.close()
    run(scenario)


def test_crash_before_the_acks_neither_loses_nor_repeats(nats_url: str, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Node b applies two operations but dies before JetStream saw its acks. Re-applying them on
    restart would delete point 7 (the delete by filter runs again after 7 got x=1), so the restarted
    replica must start after what its engine already logged."""
    from cluster.replica import Replica
    original = Replica._handle
    silent: set[int] = set()

    async def maybe_unacked(self: Replica, msg: Any) -> bool:
        if self.peer_id in silent:
            async def no_ack(*_args: Any, **_kwargs: Any) -> None:
                return None
            msg.ack = no_ack
        return await original(self, msg)
    monkeypatch.setattr(Replica, "_handle", maybe_unacked)

    async def scenario() -> None:
        a, b = _node(nats_url, tmp_path / "a", 41), _node(nats_url, tmp_path / "b", 42)
        await _start_all(a, b)
        await cc.create_collection(a, "c", _config(shards=1, rf=2))
        await b.meta.wait_seen(lambda: "c" in b.meta.collections)
        await b.reconcile()
        need_both = _config(shards=1, rf=2)
        need_both.params.write_consistency_factor = 2
        await cc.update_config(a, "c", lambda old: need_both)
        await writes.write(a, "c", [_points(range(10), n=0)], wait=True, timeout=30)
        silent.add(42)
        flt = Filter(must=(FieldRange(key="x", range=Range(gte=1)),))
        await writes.write(a, "c", [DeletePoints(filter=flt)], wait=True, timeout=30)
        await writes.write(a, "c", [SetPayload(payload={"x": 1}, ids=[7])], wait=True, timeout=30)
        await b.stop()  # as a kill: the two acks never reached JetStream
        b.toc.close()
        silent.clear()
        b2 = _node(nats_url, tmp_path / "b", 42)
        await b2.start()
        try:
            # in Recovery until caught up: wait=true with write_consistency_factor 2 waits for that
            assert await a.meta.wait_seen(lambda: a.record("c").shards[0].replicas[42] == "Active")
            await writes.write(a, "c", [SetPayload(payload={"y": 2}, ids=[8])], wait=True, timeout=30)
            local = b2.local_replica("c", 0)
            assert local is not None and local.points_count() == 10
            assert local.locate(7) is not None
        finally:
            await cc.delete_collection(a, "c")
            await a.stop()
            await b2.stop()
            a.toc.close()
            b2.toc.close()
    run(scenario)


def test_a_deleted_name_can_be_created_again(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a = _node(nats_url, tmp_path / "a", 51)
        await a.start()
        try:
            await cc.create_collection(a, "again", _config())
            first = a.record("again").uuid
            await writes.write(a, "again", [_points(range(3))], wait=True, timeout=30)
            assert await cc.delete_collection(a, "again")
            await cc.create_collection(a, "again", _config(shards=2))
            record = a.record("again")
            assert record.uuid != first and len(record.shards) == 2
            assert _count(a, "again") == 0  # a new log: nothing of the old collection comes back
            await cc.delete_collection(a, "again")
        finally:
            await a.stop()
            a.toc.close()
    run(scenario)


def test_a_waiting_write_fails_fast_when_a_needed_replica_dies(nats_url: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from cluster.replica import Replica
    from engine.errors import ServiceError
    original = Replica._apply
    stuck: set[int] = set()

    async def maybe_stuck(self: Replica, seq: int, data: bytes) -> list[str] | None:
        if self.peer_id in stuck:
            await asyncio.Event().wait()  # never applies: as a node that died mid-write
        return await original(self, seq, data)
    monkeypatch.setattr(Replica, "_apply", maybe_stuck)

    async def scenario() -> None:
        a, b = _node(nats_url, tmp_path / "a", 61), _node(nats_url, tmp_path / "b", 62)
        await _start_all(a, b)
        config = _config(shards=1, rf=2)
        config.params.write_consistency_factor = 2
        await cc.create_collection(a, "w", config)
        await writes.write(a, "w", [_points(range(3))], wait=True, timeout=30)
        stuck.add(62)
        write = asyncio.create_task(writes.write(a, "w", [_points(range(3, 6))], wait=True, timeout=30))
        await asyncio.sleep(0.5)
        assert not write.done()  # waiting for b's report
        for task in list(b._tasks):  # b is gone: no more heartbeats, its key deleted
            task.cancel()
        await b.meta.leave(b.peer_id)
        started = asyncio.get_running_loop().time()
        with pytest.raises(ServiceError, match="does not have enough active replicas: 1 of 2"):
            await write
        assert asyncio.get_running_loop().time() - started < 3
        await b.stop()
        b.toc.close()
        await cc.delete_collection(a, "w")
        await a.stop()
        a.toc.close()
    run(scenario)
