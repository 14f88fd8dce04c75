"""The shared service: the operations both transports call, and the only async↔thread crossing.

REST and gRPC handlers parse their wire format into engine types (server/convert), then await one
of these methods. Engine work runs in a bounded thread pool (numpy and hnswlib release the GIL), so
the event loop that serves both transports never blocks on it.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

from engine.collection import Collection, CollectionInfo, reads
from engine.errors import Timeout
from engine.point_id import PointId
from engine.toc import AliasOperation, TableOfContents
from engine.types.config import CollectionConfig, CollectionParams
from engine.types.operations import Operation
from engine.types.points import (
    FacetHit,
    PayloadSelector,
    Record,
    ScoredPoint,
    ScrollPage,
    UpdateResult,
    UpdateStatus,
    VectorSelector,
)
from engine.types.requests import CountRequest, FacetRequest, QueryRequest, ScrollRequest

T = TypeVar("T")


class Service:
    def __init__(self, toc: TableOfContents, workers: int = 0) -> None:
        self.toc = toc
        self.pool = ThreadPoolExecutor(max_workers=workers or (os.cpu_count() or 2),
                                       thread_name_prefix="engine")

    async def call(self, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """Run engine work in the pool; `timeout` (seconds) answers Timeout, as Qdrant's `timeout`."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, partial(fn, *args))
        if timeout is None:
            return await future
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise Timeout(f"Operation timed out after {timeout} seconds") from None

    def shutdown(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)

    # ---- collections -----------------------------------------------------------------------
    async def list_collections(self) -> list[str]:
        return self.toc.names()

    async def collection_info(self, name: str) -> CollectionInfo:
        return await self.call(lambda: self.toc.get(name).info())

    def params(self, name: str) -> CollectionParams:
        """The vector layout of a collection (renderers need it to shape vectors)."""
        return self.toc.get(name).config.params

    async def collection_exists(self, name: str) -> bool:
        return self.toc.exists(name)

    async def create_collection(self, name: str, config: CollectionConfig) -> bool:
        await self.call(self.toc.create, name, config)
        return True

    async def update_collection(self, name: str, change: Callable[[CollectionConfig], CollectionConfig]) -> bool:
        await self.call(self.toc.update_config, name, change)
        return True

    async def delete_collection(self, name: str) -> bool:
        return await self.call(self.toc.delete, name)

    async def update_aliases(self, actions: list[AliasOperation]) -> bool:
        await self.call(self.toc.update_aliases, actions)
        return True

    async def list_aliases(self, collection: str | None = None) -> list[tuple[str, str]]:
        return self.toc.list_aliases(collection)

    # ---- updates ---------------------------------------------------------------------------
    async def update(self, name: str, op: Operation, wait: bool = True, timeout: float | None = None) -> UpdateResult:
        collection = self.toc.get(name)
        op_num = await self.call(collection.update, op, timeout=timeout)
        status = UpdateStatus.COMPLETED if wait else UpdateStatus.ACKNOWLEDGED
        return UpdateResult(operation_id=op_num, status=status)

    async def update_batch(self, name: str, ops: list[Operation], wait: bool = True,
                           timeout: float | None = None) -> list[UpdateResult]:
        """Operations applied in order, one result each (as Qdrant's `points/batch`)."""
        collection = self.toc.get(name)
        op_nums = await self.call(lambda: [collection.update(op) for op in ops], timeout=timeout)
        status = UpdateStatus.COMPLETED if wait else UpdateStatus.ACKNOWLEDGED
        return [UpdateResult(operation_id=n, status=status) for n in op_nums]

    # ---- reads -----------------------------------------------------------------------------
    def _collection(self, name: str) -> Collection:
        return self.toc.get(name)

    async def query(self, name: str, request: QueryRequest, timeout: float | None = None) -> list[ScoredPoint]:
        collection = self._collection(name)
        return await self.call(reads.query, collection, request, timeout=timeout)

    async def query_batch(self, name: str, requests: list[QueryRequest],
                          timeout: float | None = None) -> list[list[ScoredPoint]]:
        collection = self._collection(name)
        return await self.call(lambda: [reads.query(collection, r) for r in requests], timeout=timeout)

    async def retrieve(self, name: str, ids: list[PointId], with_payload: PayloadSelector,
                       with_vector: VectorSelector) -> list[Record]:
        collection = self._collection(name)
        return await self.call(reads.retrieve, collection, ids, with_payload, with_vector)

    async def scroll(self, name: str, request: ScrollRequest, timeout: float | None = None) -> ScrollPage:
        collection = self._collection(name)
        return await self.call(reads.scroll, collection, request, timeout=timeout)

    async def count(self, name: str, request: CountRequest, timeout: float | None = None) -> int:
        collection = self._collection(name)
        return await self.call(reads.count, collection, request, timeout=timeout)

    async def facet(self, name: str, request: FacetRequest, timeout: float | None = None) -> list[FacetHit]:
        collection = self._collection(name)
        return await self.call(reads.facet, collection, request, timeout=timeout)
