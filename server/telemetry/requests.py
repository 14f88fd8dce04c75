"""Request statistics, the one place both transports record into (REST middleware, gRPC
interceptor) and /metrics and /telemetry read from. Everything runs on the event loop thread."""

from __future__ import annotations

import bisect
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DURATION_BUCKETS_S = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0, 10.0)
"""Upper bounds of the response-duration histogram (seconds)."""


@dataclass(slots=True)
class OperationStats:
    count: int = 0
    fail_count: int = 0
    total_s: float = 0.0
    min_s: float = float("inf")
    max_s: float = 0.0
    last: float = 0.0
    buckets: list[int] = field(default_factory=lambda: [0] * len(DURATION_BUCKETS_S))
    """Non-cumulative counts per bucket; the +Inf bucket is `count`."""

    def add(self, duration_s: float, failed: bool, now: float | None = None) -> None:
        """One response; `now` (time.time()) when the caller already has it."""
        self.count += 1
        self.fail_count += failed
        self.total_s += duration_s
        if duration_s < self.min_s:
            self.min_s = duration_s
        if duration_s > self.max_s:
            self.max_s = duration_s
        self.last = time.time() if now is None else now
        index = bisect.bisect_left(DURATION_BUCKETS_S, duration_s)
        if index < len(self.buckets):
            self.buckets[index] += 1

    @property
    def avg_s(self) -> float:
        return self.total_s / self.count if self.count else 0.0

    def cumulative_buckets(self) -> list[tuple[float, int]]:
        out, running = [], 0
        for bound, n in zip(DURATION_BUCKETS_S, self.buckets, strict=True):
            running += n
            out.append((bound, running))
        return out

    def to_json(self) -> dict[str, Any]:
        """Qdrant's OperationDurationStatistics."""
        out: dict[str, Any] = {"count": self.count}
        if self.fail_count:
            out["fail_count"] = self.fail_count
        if self.count:
            out.update(avg_duration_micros=self.avg_s * 1e6, min_duration_micros=self.min_s * 1e6,
                       max_duration_micros=self.max_s * 1e6, total_duration_micros=int(self.total_s * 1e6),
                       last_responded=datetime.fromtimestamp(self.last, UTC).isoformat().replace("+00:00", "Z"))
        return out


# endpoint → status → stats
Responses = dict[str, dict[str, OperationStats]]


def _stats(responses: Responses, endpoint: str, status: str) -> OperationStats:
    """The entry of (endpoint, status), made on first use (not one new OperationStats per request,
    as `setdefault` would build: this runs for every request)."""
    by_status = responses.get(endpoint)
    if by_status is None:
        by_status = responses[endpoint] = {}
    stats = by_status.get(status)
    if stats is None:
        stats = by_status[status] = OperationStats()
    return stats


@dataclass(slots=True)
class TransportStats:
    responses: Responses = field(default_factory=dict)
    per_collection: dict[str, Responses] = field(default_factory=dict)

    def record(self, endpoint: str, status: str, duration_s: float, failed: bool, collection: str | None) -> None:
        now = time.time()
        _stats(self.responses, endpoint, status).add(duration_s, failed, now)
        if collection:
            by_endpoint = self.per_collection.get(collection)
            if by_endpoint is None:
                by_endpoint = self.per_collection[collection] = {}
            _stats(by_endpoint, endpoint, status).add(duration_s, failed, now)

    def forget_collection(self, name: str) -> None:
        self.per_collection.pop(name, None)


@dataclass(slots=True)
class RequestStats:
    rest: TransportStats = field(default_factory=TransportStats)
    grpc: TransportStats = field(default_factory=TransportStats)
    started: float = field(default_factory=time.time)
