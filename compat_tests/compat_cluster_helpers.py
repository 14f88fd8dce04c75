"""Helpers for the cluster suite: waiting, raw cluster API calls, answer comparison."""

from __future__ import annotations

import itertools
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from qdrant_client import QdrantClient, models

T = TypeVar("T")
SCORE_TOLERANCE = 1e-4
CLIENT_TIMEOUT_S = 60
_names = itertools.count()


def unique_name(prefix: str) -> str:
    """A collection name no other test of the session uses."""
    return f"{prefix}_{next(_names)}_{uuid.uuid4().hex[:8]}"


def url_client(url: str, grpc_port: int, transport: str) -> QdrantClient:
    """The stock client for one server, on REST or gRPC."""
    if transport == "grpc":
        return QdrantClient(url=url, grpc_port=grpc_port, prefer_grpc=True, timeout=CLIENT_TIMEOUT_S)
    return QdrantClient(url=url, prefer_grpc=False, timeout=CLIENT_TIMEOUT_S)


def wait_until(check: Callable[[], T], timeout: float, what: str, interval: float = 0.2) -> T:
    """Poll `check` until it returns a truthy value (returned) or `timeout` passes (AssertionError)."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        try:
            value = check()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 (a node restarting answers errors for a while)
            last_error = exc
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last error: {last_error!r})")
        time.sleep(interval)


def collection_cluster(url: str, name: str) -> dict[str, Any]:
    """GET /collections/{name}/cluster on one node (its `result`)."""
    answer = httpx.get(f"{url}/collections/{name}/cluster", timeout=30)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()["result"]
    return result


def placement(url: str, name: str) -> dict[int, dict[int, str]]:
    """shard id -> {peer id: replica state} as one node reports it."""
    view = collection_cluster(url, name)
    shards: dict[int, dict[int, str]] = {}
    for shard in view["local_shards"]:
        shards.setdefault(shard["shard_id"], {})[view["peer_id"]] = shard["state"]
    for shard in view["remote_shards"]:
        shards.setdefault(shard["shard_id"], {})[shard["peer_id"]] = shard["state"]
    return shards


def norm_id(point_id: Any) -> Any:
    return point_id if isinstance(point_id, int) else str(point_id)


def scroll_all(client: QdrantClient, name: str, flt: models.Filter | None = None, page: int = 64,
               **kwargs: Any) -> list[tuple[Any, Any]]:
    """Every (id, payload) a scroll returns, page by page in id order."""
    seen: list[tuple[Any, Any]] = []
    offset = None
    for _ in range(1000):
        records, offset = client.scroll(name, scroll_filter=flt, limit=page, offset=offset,
                                        with_payload=True, **kwargs)
        seen.extend((norm_id(r.id), r.payload or None) for r in records)
        if offset is None:
            return seen
    raise AssertionError("scroll did not terminate after 1000 pages")


def compare_hits(expected: list[models.ScoredPoint], actual: list[models.ScoredPoint], limit: int) -> str | None:
    """Tie-tolerant comparison: scores pairwise, ids per group of equal scores, then payloads."""
    if len(expected) != len(actual):
        return f"{len(actual)} hits, expected {len(expected)}"
    for position, (want, got) in enumerate(zip(expected, actual, strict=True)):
        if abs(want.score - got.score) > SCORE_TOLERANCE:
            return f"score at {position}: {got.score} (id {got.id}), expected {want.score} (id {want.id})"
    start = 0
    while start < len(expected):
        end = start + 1
        while end < len(expected) and abs(expected[end].score - expected[start].score) <= SCORE_TOLERANCE:
            end += 1
        if not (end == len(expected) == limit):  # the last tie group may be cut differently at the limit
            want_ids = sorted(str(norm_id(h.id)) for h in expected[start:end])
            got_ids = sorted(str(norm_id(h.id)) for h in actual[start:end])
            if want_ids != got_ids:
                return f"ids at {start}..{end}: {got_ids}, expected {want_ids}"
        start = end
    payloads = {norm_id(h.id): h.payload or None for h in expected}
    for hit in actual:
        if norm_id(hit.id) in payloads and payloads[norm_id(hit.id)] != (hit.payload or None):
            return f"payload of {hit.id}: {hit.payload}, expected {payloads[norm_id(hit.id)]}"
    return None
