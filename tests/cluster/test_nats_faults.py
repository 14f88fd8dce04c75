"""Cluster nodes on a 3-server JetStream cluster keep working when one NATS server dies."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path

import nats_fixtures  # the JetStream server fixtures (not a conftest: see its docstring)

from cluster import collections as cc
from cluster import writes
from cluster.node import ClusterNode
from cluster.options import ClusterOptions
from tests.cluster.test_node import _config, _count, _points, _thread, run

nats_cluster = nats_fixtures.nats_cluster


def test_a_dead_nats_server_leaves_metadata_and_writes_working(
        nats_cluster: tuple[list[str], list[subprocess.Popen[bytes]]], tmp_path: Path) -> None:
    urls, procs = nats_cluster

    async def scenario() -> None:
        # a talks to n0 first, b to n1 first; every stream and bucket has 3 replicas
        a = ClusterNode(ClusterOptions(servers=urls, stream_replicas=3, peer_id=71), tmp_path / "a", _thread)
        b = ClusterNode(ClusterOptions(servers=[urls[1], urls[2], urls[0]], stream_replicas=3, peer_id=72),
                        tmp_path / "b", _thread)
        await a.start()
        await b.start()
        try:
            assert a.stream_replicas == 3
            assert await a.meta.wait_seen(lambda: {71, 72} <= set(a.meta.alive_peers()))
            await cc.create_collection(a, "k", _config(shards=2, rf=2))
            await writes.write(b, "k", [_points(range(50))], wait=True, timeout=30)
            procs[0].kill()  # kill -9 of the server a is connected to (and of whatever lived on it)
            procs[0].wait(10)
            await asyncio.sleep(6)  # longer than a peer's liveness window
            # a's client reconnects to n1/n2 and the buckets elect new leaders: under load that can take
            # longer than the liveness window, so each node sees the other alive again within 20 s
            assert await a.meta.wait_seen(lambda: {71, 72} <= set(a.meta.alive_peers()), timeout=20)
            assert await b.meta.wait_seen(lambda: {71, 72} <= set(b.meta.alive_peers()), timeout=20)
            await writes.write(a, "k", [_points(range(50, 80))], wait=True, timeout=30)
            await cc.create_collection(b, "k2", _config())
            assert await a.meta.wait_seen(lambda: "k2" in a.meta.collections)
            for _ in range(100):
                if _count(a, "k") == 80 and _count(b, "k") == 80:
                    break
                await asyncio.sleep(0.1)
            assert _count(a, "k") == _count(b, "k") == 80
        finally:
            await a.stop()
            await b.stop()
            a.toc.close()
            b.toc.close()
    run(scenario, limit_s=120)
