"""Strict mode's building blocks: Qdrant's condition counting, the unindexed-key extractor and the
token bucket (the request-level behaviour is checked end to end in compat_tests)."""

from __future__ import annotations

import pytest

from engine.errors import RateLimited
from engine.strict_mode.config import StrictMode, active
from engine.strict_mode.filters import conditions_count, max_condition_size, unindexed_key
from engine.strict_mode.rate_limit import TokenBucket
from engine.types.config import CollectionConfig, CollectionParams
from engine.types.payload_schema import IndexParams, PayloadSchema
from server.convert.filters import filter_from_json


def flt(raw: dict[str, object]):  # type: ignore[no-untyped-def]
    parsed = filter_from_json(raw)
    assert parsed is not None
    return parsed


def test_counts_follow_nested_filters_and_list_sizes() -> None:
    f = flt({"must": [{"key": "a", "match": {"any": ["x", "y"]}}, {"has_id": [1, 2, 3]}],
             "should": [{"must": [{"key": "b", "match": {"value": 1}}, {"is_empty": {"key": "c"}}]}],
             "must_not": [{"nested": {"key": "arr", "filter": {"must": [{"key": "x", "range": {"gt": 1}}]}}}]})
    assert conditions_count(f) == 5
    assert max_condition_size(f) == 3


def test_unindexed_key_uses_index_capabilities() -> None:
    prefix = flt({"must": [{"key": "k", "match": {"prefix": "ab"}}]})
    assert unindexed_key(prefix, {}) == ("k", ["keyword (with prefix: true)"])
    assert unindexed_key(prefix, {"k": PayloadSchema("keyword")}) is not None
    assert unindexed_key(prefix, {"k": PayloadSchema("keyword", IndexParams(prefix=True))}) is None
    ranged = flt({"must": [{"key": "n", "range": {"gte": 1}}]})
    assert unindexed_key(ranged, {"n": PayloadSchema("integer", IndexParams(range=False, lookup=True))}) == (
        "n", ["float", "integer"])
    nested = flt({"must": [{"nested": {"key": "arr", "filter": {"must": [{"key": "x", "match": {"value": 1}}]}}}]})
    assert unindexed_key(nested, {}) == ("arr[].x", ["integer"])
    assert unindexed_key(nested, {"arr[].x": PayloadSchema("integer")}) is None
    assert unindexed_key(flt({"must": [{"has_id": [1]}, {"key": "a", "match": {"any": []}}]}), {}) is None


def test_only_an_enabled_config_is_active() -> None:
    params = CollectionParams(vectors={}, unnamed=False)
    assert active(CollectionConfig(params=params, strict_mode_config={"max_query_limit": 1})) is None
    on = active(CollectionConfig(params=params, strict_mode_config={
        "enabled": True, "max_query_limit": 1, "sparse_config": {"sparse_config": {"s": {"max_length": 4}}}}))
    assert on == StrictMode(max_query_limit=1, sparse_max_length={"s": 4})


def test_token_bucket_starts_full_and_refuses_with_a_wait() -> None:
    bucket = TokenBucket(6)  # 0.1 token per second
    bucket.consume(6, "Read")
    with pytest.raises(RateLimited) as refused:
        bucket.consume(1, "Read")
    assert refused.value.retry_after == 10
    assert "Operation requires 1 tokens but only 0.0 were available. Retry after 10s" in refused.value.message
    with pytest.raises(RateLimited) as never:
        bucket.consume(7, "Write")
    assert never.value.retry_after is None
    assert never.value.message.startswith("Write rate limit exceeded, request larger than rate limiter capacity")
