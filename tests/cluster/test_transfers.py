"""Two cluster nodes in one process against a real JetStream server: reads fanned out over both
nodes' replicas, shard keys, and the replica operations (replicate, move, abort, drop) with writes
arriving while a transfer runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import nats_fixtures  # the JetStream server fixture (not a conftest: see its docstring)
import numpy as np
import pytest
from members import Member, run, until

from cluster import api, transfers, writes
from cluster import collections as cc
from cluster.node import ClusterNode
from cluster.records import ACTIVE
from engine.errors import BadRequest, NotFound
from engine.types.config import CollectionConfig, CollectionParams, Distance, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct
from engine.types.requests import CountRequest, NearestQuery, QueryRequest, ScrollRequest
from engine.types.sharding import ShardKeySelector

T = TypeVar("T")
nats_url = nats_fixtures.nats_url


def _Member(nats_url: str, root: Path, peer_id: int) -> Member:
    return Member(nats_url, root, peer_id, reads=True)


def _config(shards: int, rf: int = 1, method: str | None = None) -> CollectionConfig:
    return CollectionConfig(params=CollectionParams(vectors={"": VectorParams(size=2, distance=Distance.EUCLID)},
                                                    unnamed=True, shard_number=shards, replication_factor=rf,
                                                    sharding_method=method))


def _points(ids: range) -> UpsertPoints:
    return UpsertPoints(points=[PointStruct(id=i, vectors={"": np.array([float(i), 1.0], dtype=np.float32)},
                                            payload={"i": i}) for i in ids])


def _replicas(node: ClusterNode, name: str, shard_id: int) -> dict[int, str]:
    shard = node.record(name).shard(shard_id)
    assert shard is not None
    return dict(shard.replicas)


def _ids(points: list[Any]) -> list[Any]:
    return [p.id for p in points]


def test_reads_fan_out_and_transfers(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a, b = _Member(nats_url, tmp_path / "a", 21), _Member(nats_url, tmp_path / "b", 22)
        await a.start()
        await b.start()
        try:
            assert a.reads is not None and b.reads is not None
            await cc.create_collection(a.node, "t", _config(shards=4))
            await until(lambda: "t" in b.node.meta.collections)
            await writes.write(a.node, "t", [_points(range(200))], True, None, None)
            record = a.node.record("t")
            assert {p for s in record.shards for p in s.replicas} == {21, 22}  # spread over both nodes
            # any node answers for all shards: nearest by Euclid, offsets, scroll pages, count
            query = QueryRequest(query=NearestQuery(vector=np.array([50.2, 1.0], dtype=np.float32)), limit=5, offset=2)
            for reads in (a.reads, b.reads):
                assert _ids(await reads.query("t", query)) == [49, 52, 48, 53, 47]
                assert await reads.count("t", CountRequest()) == 200
                page = await reads.scroll("t", ScrollRequest(offset=150, limit=30))
                assert _ids(page.points) == list(range(150, 180)) and page.next_page_offset == 180
                found = await reads.retrieve("t", [5, 999, 3], *_selectors())
                assert _ids(found) == [5, 3]
            info = await b.reads.collection_info("t")
            assert info.points_count == 200

            # replicate a shard of node a to node b while writes arrive
            shard = next(s for s in record.shards if 21 in s.replicas)
            await transfers.start_transfer(b.node, "t", shard.id, 21, 22, sync=True)
            with pytest.raises(BadRequest, match=f"Shard {shard.id} is already involved in transfer 21 -> 22"):
                await transfers.start_transfer(b.node, "t", shard.id, 21, 22, sync=True)
            await writes.write(a.node, "t", [_points(range(200, 260))], True, None, None)
            await until(lambda: _replicas(a.node, "t", shard.id) == {21: ACTIVE, 22: ACTIVE}
                         and not a.node.record("t").transfers)
            copy = b.node.local_replica("t", shard.id)
            original = a.node.local_replica("t", shard.id)
            assert copy is not None and original is not None
            assert copy.points_count() == original.points_count() > 0
            assert await a.reads.count("t", CountRequest()) == 260

            # move it back off node a: b keeps the only replica
            await api.drop_replica(a.node, "t", shard.id, 22)
            await until(lambda: _replicas(a.node, "t", shard.id) == {21: ACTIVE})
            await transfers.start_transfer(a.node, "t", shard.id, 21, 22, sync=False)
            await until(lambda: _replicas(b.node, "t", shard.id) == {22: ACTIVE} and not b.node.record("t").transfers)
            await until(lambda: a.node.local_replica("t", shard.id) is None)
            assert await a.reads.count("t", CountRequest()) == 260
            with pytest.raises(BadRequest, match="must have at least one active replica"):
                await api.drop_replica(a.node, "t", shard.id, 22)
            with pytest.raises(BadRequest, match="Shard 9 of t does not exist"):
                await transfers.start_transfer(a.node, "t", 9, 21, 22, sync=True)
            with pytest.raises(BadRequest, match="Peer 99 does not exist"):
                await transfers.start_transfer(a.node, "t", shard.id, 22, 99, sync=True)
            with pytest.raises(NotFound, match="Shard transfer 21 -> 22 for collection t:0 does not exist"):
                await transfers.abort_transfer(a.node, "t", 0, 21, 22)
        finally:
            await b.stop()
            await a.stop()
    run(scenario)


def test_shard_keys(nats_url: str, tmp_path: Path) -> None:
    async def scenario() -> None:
        a, b = _Member(nats_url, tmp_path / "a", 31), _Member(nats_url, tmp_path / "b", 32)
        await a.start()
        await b.start()
        try:
            assert a.reads is not None
            await cc.create_collection(a.node, "k", _config(shards=2, method="custom"))
            await api.create_shard_key(a.node, "k", "eu")
            await api.create_shard_key(a.node, "k", 7, shards_number=1)
            with pytest.raises(BadRequest, match="Sharding key eu already exists for collection k"):
                await api.create_shard_key(a.node, "k", "eu")
            assert a.node.record("k").shard_keys == ["eu", 7]
            assert [s.id for s in a.node.record("k").shards] == [0, 1, 2]
            await writes.write(a.node, "k", [_points(range(10))], True, None, [ShardKeySelector(("eu",))])
            await writes.write(a.node, "k", [_points(range(100, 103))], True, None, [ShardKeySelector((7,))])
            assert await a.reads.count("k", CountRequest()) == 13
            assert await a.reads.count("k", CountRequest(), shard_key=ShardKeySelector(("eu",))) == 10
            assert await a.reads.count("k", CountRequest(), shard_key=ShardKeySelector((7, 7))) == 3
            with pytest.raises(BadRequest, match="Shard key us not found"):
                await a.reads.count("k", CountRequest(), shard_key=ShardKeySelector(("us",)))
            await api.drop_shard_key(a.node, "k", "eu")
            assert a.node.record("k").shard_keys == [7]
            assert await a.reads.count("k", CountRequest()) == 3
            with pytest.raises(BadRequest, match="Sharding key eu does not exist for collection k"):
                await api.drop_shard_key(a.node, "k", "eu")
            await cc.create_collection(a.node, "auto", _config(shards=1))
            with pytest.raises(BadRequest, match="Shard Key cannot be created with Auto sharding method"):
                await api.create_shard_key(a.node, "auto", "eu")
        finally:
            await b.stop()
            await a.stop()
    run(scenario)


def _selectors() -> tuple[Any, Any]:
    from engine.types.points import NO_PAYLOAD
    return NO_PAYLOAD, False
