"""The service as the transports see it, plus Qdrant's UNINDEXED_FIELD bookkeeping for /issues: a
filtered read slower than `service.slow_query_secs` (default 1.2 s, as Qdrant) reports every
payload key its filters read that has no payload index, with the index type the condition needs."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

from engine.types.filters import (
    DatetimeRange,
    FieldGeoBoundingBox,
    FieldGeoPolygon,
    FieldGeoRadius,
    FieldMatch,
    FieldRange,
    Filter,
    MatchAny,
    MatchExcept,
    MatchPrefix,
    MatchValue,
    MinShould,
    Nested,
)
from engine.types.requests import CountRequest, GroupsRequest, Prefetch, QueryRequest, ScrollRequest
from server.service import Service
from server.telemetry.issues import IssueBoard

T = TypeVar("T")
DEFAULT_SLOW_QUERY_S = 1.2


def _value_schema(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    return "integer" if isinstance(value, int) else "keyword"


def _schema(cond: object) -> str | None:
    """The payload index type that answers a condition (as Qdrant's issue extractor infers it)."""
    if isinstance(cond, FieldMatch):
        m = cond.match
        if isinstance(m, MatchValue):
            return _value_schema(m.value)
        if isinstance(m, MatchAny | MatchExcept):
            values = m.any if isinstance(m, MatchAny) else m.except_
            return _value_schema(values[0]) if values else None
        return "keyword" if isinstance(m, MatchPrefix) else "text"
    if isinstance(cond, FieldRange):
        return "datetime" if isinstance(cond.range, DatetimeRange) else "float"
    if isinstance(cond, FieldGeoBoundingBox | FieldGeoRadius | FieldGeoPolygon):
        return "geo"
    return None


def filter_fields(flt: Filter | None, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(payload key, index type) for each condition that an index could answer; nested keys are
    named `outer[].inner` as in Qdrant."""
    if flt is None:
        return
    conditions: list[Any] = [*flt.must, *flt.should, *flt.must_not]
    if isinstance(flt.min_should, MinShould):
        conditions.extend(flt.min_should.conditions)
    for cond in conditions:
        if isinstance(cond, Nested):
            yield from filter_fields(cond.filter, f"{prefix}{cond.key}[].")
        elif isinstance(cond, Filter):
            yield from filter_fields(cond, prefix)
        else:
            schema = _schema(cond)
            if schema is not None:
                yield prefix + cond.key, schema


def _prefetch_filters(prefetches: list[Prefetch]) -> Iterator[Filter | None]:
    for p in prefetches:
        yield p.filter
        yield from _prefetch_filters(p.prefetch)


def _query_filters(request: QueryRequest) -> list[Filter | None]:
    return [request.filter, *_prefetch_filters(request.prefetch)]


class ObservedService(Service):
    def __init__(self, *args: Any, issues: IssueBoard, slow_query_s: float | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issues = issues
        self.slow_query_s = DEFAULT_SLOW_QUERY_S if slow_query_s is None else slow_query_s

    async def _timed(self, name: str, filters: list[Filter | None], work: Awaitable[T]) -> T:
        started = time.perf_counter()
        result = await work
        if time.perf_counter() - started > self.slow_query_s and any(f is not None for f in filters):
            self._report(name, filters)
        return result

    def _report(self, name: str, filters: list[Filter | None]) -> None:
        fields = dict(field for flt in filters for field in filter_fields(flt))
        try:
            real = self.toc.resolve(name)
            indexed = set(self.toc.get(real).payload_schema)
        except Exception:  # noqa: BLE001 - deleted meanwhile: nothing to report
            return
        self.issues.unindexed_fields(real, {k: s for k, s in fields.items() if k not in indexed})

    async def query(self, name: str, request: QueryRequest, timeout: float | None = None) -> Any:
        if request.filter is None and not request.prefetch:  # no filter to report: most searches
            return await super().query(name, request, timeout)
        return await self._timed(name, _query_filters(request), super().query(name, request, timeout))

    async def query_batch(self, name: str, requests: list[QueryRequest], timeout: float | None = None) -> Any:
        filters = [f for r in requests for f in _query_filters(r)]
        return await self._timed(name, filters, super().query_batch(name, requests, timeout))

    async def query_groups(self, name: str, request: GroupsRequest, timeout: float | None = None) -> Any:
        return await self._timed(name, _query_filters(request.query), super().query_groups(name, request, timeout))

    async def scroll(self, name: str, request: ScrollRequest, timeout: float | None = None) -> Any:
        return await self._timed(name, [request.filter], super().scroll(name, request, timeout))

    async def count(self, name: str, request: CountRequest, timeout: float | None = None) -> Any:
        return await self._timed(name, [request.filter], super().count(name, request, timeout))

    def still_unindexed(self, collection: str, key: str) -> bool:
        """An issue is solved once the key has an index or the collection is gone (as Qdrant)."""
        try:
            return key not in self.toc.get(collection).payload_schema
        except Exception:  # noqa: BLE001 - collection deleted
            return False
