"""Shared pieces of the in-process cluster tests: cluster nodes with their transfer worker (and,
when asked, their fan-out reads) in one event loop against a real JetStream server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from cluster import transfers
from cluster.node import ClusterNode
from cluster.options import ClusterOptions
from cluster.reads import ClusterReads

T = TypeVar("T")


async def in_thread(fn: Callable[..., T], *args: Any, timeout: float | None = None,
                    collection: str | None = None) -> T:
    """The engine pool's signature, served by asyncio's default executor."""
    return await asyncio.to_thread(fn, *args)


def run(coro: Callable[[], Awaitable[T]], limit_s: float = 90) -> T:
    return asyncio.run(asyncio.wait_for(coro(), limit_s))


async def until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)


class Member:
    """One cluster node as the server runs it: the node, its transfer worker and (`reads`) its
    fan-out read server; `options` override ClusterOptions fields (e.g. trimming)."""

    def __init__(self, nats_url: str, root: Path, peer_id: int, reads: bool = False, **options: Any) -> None:
        self.node = ClusterNode(ClusterOptions(servers=[nats_url], stream_replicas=1, peer_id=peer_id, **options),
                                root, in_thread)
        self._with_reads = reads
        self.reads: ClusterReads | None = None
        self.worker = transfers.TransferWorker(self.node)

    async def start(self) -> None:
        await self.node.start()
        if self._with_reads:
            self.reads = ClusterReads(self.node, in_thread)
            await self.reads.start()
        self.worker.start()

    async def stop(self) -> None:
        await self.worker.stop()
        if self.reads is not None:
            await self.reads.stop()
        await self.node.stop()
        self.node.toc.close()  # what the server does after the node stops: the WALs are closed
