"""Payload indexes: answers come from numpy columns (no payload reads), stay right under
updates, re-check values they cannot hold, and honour schema params."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_filters_support import MemoryTarget

from engine.filters import compile_filter
from engine.payload_index import create_payload_index
from engine.types.filters import FieldMatch, FieldRange, Filter, MatchValue, Range
from engine.types.payload_schema import IndexParams, PayloadSchema
from server.convert.filters import filter_from_json


class IndexOnlyTarget(MemoryTarget):
    """Refuses payload reads, so any answer must come from an index."""

    def payload_at(self, offset: int) -> dict[str, Any] | None:
        raise AssertionError(f"payload of {offset} was read")


def run(target: MemoryTarget, flt: dict[str, Any]) -> list[int]:
    parsed = filter_from_json(flt)
    assert parsed is not None
    return np.flatnonzero(compile_filter(parsed).mask(target)).tolist()


def big_target(n: int = 100_000) -> IndexOnlyTarget:
    payloads: list[dict[str, Any] | None] = [
        {"city": f"c{i % 100}", "n": i, "price": i / 10, "ok": i % 2 == 0} for i in range(n)
    ]
    target = IndexOnlyTarget(payloads)
    for key, kind in (("city", "keyword"), ("n", "integer"), ("price", "float"), ("ok", "bool")):
        target.create_index(key, PayloadSchema(kind))  # type: ignore[arg-type]
    return target


def test_indexed_conditions_over_100k_points_read_no_payload() -> None:
    target = big_target()
    got = run(target, {"must": [{"key": "city", "match": {"value": "c7"}}, {"key": "n", "range": {"lt": 1000}}]})
    assert got == list(range(7, 1000, 100))
    got = run(target, {"must": [{"key": "n", "match": {"any": [5, 99_999, 123_456]}}]})
    assert got == [5, 99_999]
    got = run(target, {"must": [{"key": "price", "range": {"gte": 9999.85}}], "must_not": [{"key": "ok", "match": {"value": True}}]})
    assert got == [99_999]
    assert len(run(target, {"must": [{"key": "city", "match": {"except": ["c1", "c2"]}}]})) == 98_000
    flt = filter_from_json({"must": [{"key": "city", "match": {"value": "c3"}}]})
    assert flt is not None
    card = compile_filter(flt).estimate(target)
    assert (card.min, card.expected, card.max) == (1000, 1000, 1000)


def test_updates_are_visible() -> None:
    index = create_payload_index("k", PayloadSchema("keyword"))
    index.add(0, ["a", "b"])
    index.add(1, ["a"])
    cond = FieldMatch("k", MatchValue("a"))
    assert np.flatnonzero(index.condition_mask(cond, 3)).tolist() == [0, 1]  # type: ignore[arg-type]
    index.remove(0)
    index.add(2, ["a"])
    index.add(1, ["b"])  # replaces
    assert np.flatnonzero(index.condition_mask(cond, 3)).tolist() == [2]  # type: ignore[arg-type]
    assert index.points_count == 2
    assert index.values_at(1) == ["b"]
    index.add(1, [5, None])  # nothing indexable left
    assert index.points_count == 1 and index.unsure_offsets().tolist() == [1]


def test_integer_range_bounds_are_exact() -> None:
    index = create_payload_index("n", PayloadSchema("integer"))
    for i, v in enumerate([-3, -2, 0, 2, 3, 2**62]):
        index.add(i, [v])
    def hits(**bounds: float) -> list[int]:
        mask = index.condition_mask(FieldRange("n", Range(**bounds)), 6)
        assert mask is not None
        return np.flatnonzero(mask).tolist()
    assert hits(gt=-2.5, lt=2.5) == [1, 2, 3]
    assert hits(gte=-2.0, lte=2.0) == [1, 2, 3]
    assert hits(gt=2.0) == [4, 5]
    assert hits(lt=float("-inf")) == []
    assert hits(gte=float("-inf"), lt=float("inf")) == [0, 1, 2, 3, 4, 5]
    assert hits(gt=float("nan")) == []


def test_unrepresentable_values_are_rechecked() -> None:
    payloads: list[dict[str, Any] | None] = [{"n": 1}, {"n": 1.5}, {"n": "x"}, {"n": [2, 2.5]}, {"n": True}]
    target = MemoryTarget(payloads)
    target.create_index("n", PayloadSchema("integer"))
    assert run(target, {"must": [{"key": "n", "range": {"gt": 1.2}}]}) == [1, 3]
    assert run(target, {"must": [{"key": "n", "match": {"except": [1, 2]}}]}) == [1, 2, 3, 4]


def test_integer_lookup_disabled_falls_back_to_payload() -> None:
    payloads: list[dict[str, Any] | None] = [{"n": 1}, {"n": 2}]
    target = IndexOnlyTarget(payloads)
    target.create_index("n", PayloadSchema("integer", IndexParams(lookup=False)))
    assert run(target, {"must": [{"key": "n", "range": {"gte": 2}}]}) == [1]
    with pytest.raises(AssertionError, match="payload"):
        run(target, {"must": [{"key": "n", "match": {"value": 2}}]})


def test_datetime_geo_uuid_bool_indexes() -> None:
    payloads: list[dict[str, Any] | None] = [
        {"d": "2023-01-01T00:00:00Z", "g": {"lat": 52.5, "lon": 13.4}, "u": "550e8400-e29b-41d4-a716-446655440000", "b": True},
        {"d": "2023-01-01T03:00:00+02:00", "g": {"lat": 48.8, "lon": 2.35}, "u": "550e8400-e29b-41d4-a716-446655440001", "b": False},
        {"d": "2024-06-01", "g": [{"lat": 0, "lon": 0}], "u": "550e8400-e29b-41d4-a716-446655440000", "b": [False, True]},
    ]
    target = IndexOnlyTarget(payloads)
    for key, kind in (("d", "datetime"), ("g", "geo"), ("u", "uuid"), ("b", "bool")):
        target.create_index(key, PayloadSchema(kind))  # type: ignore[arg-type]
    assert run(target, {"must": [{"key": "d", "range": {"gt": "2023-01-01T00:30:00Z", "lt": "2024-01-01"}}]}) == [1]
    near_berlin = {"key": "g", "geo_radius": {"center": {"lat": 52.0, "lon": 13.0}, "radius": 100_000}}
    assert run(target, {"must": [near_berlin]}) == [0]
    box = {"top_left": {"lat": 60, "lon": 0}, "bottom_right": {"lat": 40, "lon": 20}}
    assert run(target, {"must": [{"key": "g", "geo_bounding_box": box}]}) == [0, 1]
    assert run(target, {"must": [{"key": "u", "match": {"value": "550e8400-e29b-41d4-a716-446655440000"}}]}) == [0, 2]
    assert run(target, {"must": [{"key": "b", "match": {"value": False}}]}) == [1, 2]


def text_target(params: IndexParams | None) -> IndexOnlyTarget:
    payloads: list[dict[str, Any] | None] = [
        {"t": "The Quick brown fox"},
        {"t": "quickly, the lazy dog"},
        {"t": ["brown dog", "quick fox"]},
        {"t": "a fox-terrier"},
    ]
    target = IndexOnlyTarget(payloads)
    target.create_index("t", PayloadSchema("text", params))
    return target


def text(target: MemoryTarget, kind: str, query: str) -> list[int]:
    return run(target, {"must": [{"key": "t", "match": {kind: query}}]})


def test_text_index_default_word_tokenizer() -> None:
    target = text_target(None)
    assert text(target, "text", "brown FOX") == [0]  # all tokens within one value
    assert text(target, "text_any", "lazy terrier") == [1, 3]
    assert text(target, "phrase", "brown fox") == [0]
    assert text(target, "phrase", "fox brown") == []
    assert text(target, "text", "") == []


def test_text_index_options() -> None:
    assert text(text_target(IndexParams(tokenizer="prefix")), "text", "qui") == [0, 1, 2]
    assert text(text_target(IndexParams(tokenizer="whitespace")), "text", "fox") == [0, 2]
    assert text(text_target(IndexParams(lowercase=False)), "text", "quick") == [2]
    assert text(text_target(IndexParams(min_token_len=5)), "text_any", "lazy terrier") == [3]
    assert text(text_target(IndexParams(stopwords="english")), "text", "the lazy") == [1]
    assert text(text_target(IndexParams(max_token_len=4)), "text", "quickly dog") == [1, 2]


def test_empty_filter_and_empty_segment() -> None:
    target = IndexOnlyTarget([])
    assert compile_filter(Filter()).mask(target).shape == (0,)
    target = IndexOnlyTarget([None, None])
    assert compile_filter(Filter()).mask(target).tolist() == [True, True]
