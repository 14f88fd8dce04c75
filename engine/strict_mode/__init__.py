"""Strict mode: a collection's `strict_mode_config` limits, enforced before a request does any work.

The service calls these for REST and gRPC alike (one engine path, so both protocols refuse the
same requests with the same texts). Every check is a no-op unless the collection's strict mode
is enabled. Modules: `config` (the typed limits), `requests` (reads), `updates` (writes),
`filters` (condition counts and unindexed keys), `rate_limit` (token buckets), `errors` (texts).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine.collection import Collection
from engine.errors import RateLimited
from engine.strict_mode import rate_limit
from engine.strict_mode.config import StrictMode, active
from engine.strict_mode.errors import check_allowed, check_limit
from engine.strict_mode.requests import (
    check_grouping_field,
    check_query,
    check_read_filter,
    filter_cost,
    query_cost,
)
from engine.strict_mode.updates import check_update, write_cost
from engine.types.operations import Operation
from engine.types.requests import (
    CountRequest,
    FacetRequest,
    GroupsRequest,
    MatrixRequest,
    QueryRequest,
    ScrollRequest,
)

__all__ = ["RateLimited", "StrictMode", "active", "check_read", "check_reads", "check_retrieve", "check_write"]

ReadRequest = QueryRequest | GroupsRequest | MatrixRequest | ScrollRequest | CountRequest | FacetRequest


class _Sizes:
    """The collection's sizes for the update checks (read only when a size limit is set)."""

    def __init__(self, col: Collection) -> None:
        self.col = col

    def points_count(self) -> int:
        return self.col.points_count()

    def vector_bytes(self) -> int:
        return sum(seg.vector_bytes() for seg in self.col.segments)

    def payload_sample(self, limit: int) -> list[object]:
        out: list[object] = []
        for seg in self.col.segments:
            live = seg.live_mask()
            for offset in live.nonzero()[0][: limit - len(out)]:
                out.append(seg.payload_at(int(offset)))
            if len(out) >= limit:
                break
        return out


def _timeout(strict: StrictMode, timeout: float | None) -> None:
    if timeout is not None:
        check_limit(int(timeout), strict.max_timeout, "timeout")


def _check_one(strict: StrictMode, col: Collection, request: ReadRequest) -> int:
    """Check one read request; its rate cost."""
    schema = col.payload_schema
    config = col.config
    match request:
        case QueryRequest():
            check_query(strict, config, schema, request)
            return query_cost(request)
        case GroupsRequest(query=query, group_by=group_by, group_size=size):
            check_grouping_field(strict, group_by, schema)
            check_query(strict, config, schema, query, limit=query.limit * size)
            return query_cost(query)
        case MatrixRequest(filter=flt, sample=sample, limit=limit):
            check_limit(sample * limit, strict.max_query_limit, "limit")
            check_read_filter(strict, flt, schema)
            return sample + filter_cost(flt)
        case ScrollRequest(filter=flt, limit=limit):
            check_limit(limit, strict.max_query_limit, "limit")
            check_read_filter(strict, flt, schema)
            return filter_cost(flt)
        case CountRequest(filter=flt, exact=exact):
            check_read_filter(strict, flt, schema)
            check_allowed(exact, strict.search_allow_exact, "Exact search", "exact")
            return filter_cost(flt)
        case FacetRequest(filter=flt, limit=limit, exact=exact):
            check_limit(limit, strict.max_query_limit, "limit")
            check_read_filter(strict, flt, schema)
            check_allowed(exact, strict.search_allow_exact, "Exact search", "exact")
            return filter_cost(flt)


def check_read(col: Collection, request: ReadRequest, timeout: float | None = None) -> None:
    """Refuse a read that strict mode forbids (400) or that the read rate limit cannot take (429)."""
    strict = active(col.config)
    if strict is None:
        return
    cost = _check_one(strict, col, request)
    _timeout(strict, timeout)
    rate_limit.consume(col, "Read", strict.read_rate_limit, cost)


def check_reads(col: Collection, requests: Sequence[QueryRequest], timeout: float | None = None) -> None:
    """A batch of searches: the batch size limit, then each search, charged together."""
    strict = active(col.config)
    if strict is None:
        return
    check_limit(len(requests), strict.search_max_batchsize, "search batch size")
    cost = sum(_check_one(strict, col, r) for r in requests)
    _timeout(strict, timeout)
    rate_limit.consume(col, "Read", strict.read_rate_limit, cost)


def check_retrieve(col: Collection, count: int, timeout: float | None = None) -> None:
    """Retrieval by id: only the rate limit (1 per id) and the timeout apply."""
    strict = active(col.config)
    if strict is None:
        return
    _timeout(strict, timeout)
    rate_limit.consume(col, "Read", strict.read_rate_limit, max(1, count))


def check_write(col: Collection, ops: Sequence[Operation], timeout: float | None = None) -> None:
    """Refuse an update (or a batch of them) that strict mode forbids or the write rate limit cannot take."""
    strict = active(col.config)
    if strict is None:
        return
    sizes = _Sizes(col)
    for op in ops:
        check_update(strict, op, col.payload_schema, sizes)
    _timeout(strict, timeout)
    rate_limit.consume(col, "Write", strict.write_rate_limit, sum(write_cost(op) for op in ops))
