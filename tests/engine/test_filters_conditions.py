"""Semantics of each condition kind on small hand-made payloads (scan path, no index)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from test_filters_support import MemoryTarget

from engine.errors import BadInput
from engine.filters import compile_filter
from server.convert.filters import filter_from_json


def matching(payloads: list[dict[str, Any] | None], flt: dict[str, Any], **kw: Any) -> list[int]:
    target = MemoryTarget(payloads, **kw)
    compiled = filter_from_json(flt)
    assert compiled is not None
    mask = compile_filter(compiled).mask(target)
    return np.flatnonzero(mask).tolist()


def must(cond: dict[str, Any]) -> dict[str, Any]:
    return {"must": [cond]}


EMPTINESS = [{"a": 1}, {}, {"a": None}, {"a": []}, {"a": [None]}, {"a": [1, None]}, None, {"a": {}}]


def test_is_empty() -> None:
    assert matching(EMPTINESS, must({"is_empty": {"key": "a"}})) == [1, 2, 3, 6]
    assert matching(EMPTINESS, must({"key": "a", "is_empty": False})) == [0, 4, 5, 7]


def test_is_null() -> None:
    assert matching(EMPTINESS, must({"is_null": {"key": "a"}})) == [2, 4, 5]


def test_values_count_counts_array_elements() -> None:
    payloads: list[dict[str, Any] | None] = [{"a": [1, 2, 3]}, {"a": 1}, {}, {"a": []}, {"a": None}]
    assert matching(payloads, must({"key": "a", "values_count": {"gte": 2}})) == [0]
    assert matching(payloads, must({"key": "a", "values_count": {"lt": 1}})) == [2, 3, 4]
    assert matching(payloads, must({"key": "a", "values_count": {"gt": 0, "lte": 1}})) == [1]


def test_match_types_are_strict() -> None:
    payloads: list[dict[str, Any] | None] = [{"a": 1}, {"a": 1.0}, {"a": True}, {"a": "1"}, {"a": [0, 1]}]
    assert matching(payloads, must({"key": "a", "match": {"value": 1}})) == [0, 4]
    assert matching(payloads, must({"key": "a", "match": {"value": True}})) == [2]
    assert matching(payloads, must({"key": "a", "match": {"value": "1"}})) == [3]
    assert matching(payloads, must({"key": "a", "match": {"any": [1, 5]}})) == [0, 4]


def test_except_needs_a_present_value() -> None:
    payloads: list[dict[str, Any] | None] = [{"a": "x"}, {"a": "y"}, {}, {"a": None}, {"a": ["x", "z"]}, {"a": 3}]
    assert matching(payloads, must({"key": "a", "match": {"except": ["x"]}})) == [1, 4, 5]


def test_range_ints_floats_not_bools() -> None:
    payloads: list[dict[str, Any] | None] = [{"n": 1}, {"n": 1.5}, {"n": True}, {"n": "2"}, {"n": [0, 3]}]
    assert matching(payloads, must({"key": "n", "range": {"gt": 0.5, "lte": 2}})) == [0, 1]
    assert matching(payloads, must({"key": "n", "range": {"gte": 3}})) == [4]


def test_datetime_range_compares_instants() -> None:
    payloads: list[dict[str, Any] | None] = [
        {"d": "2023-01-01T10:00:00Z"},
        {"d": "2023-01-01T11:00:00+02:00"},  # 09:00Z
        {"d": "2023-01-01"},
        {"d": 1672567200},
        {"d": "not a date"},
    ]
    got = matching(payloads, must({"key": "d", "range": {"gte": "2023-01-01T09:30:00Z"}}))
    assert got == [0]
    got = matching(payloads, must({"key": "d", "range": {"lt": "2023-01-01T12:00:00+02:00"}}))
    assert got == [1, 2]


def test_text_without_index_is_substring_match() -> None:
    # Qdrant 1.19 without a full-text index: case-sensitive substring (`stored.contains(text)`);
    # qdrant-client's local mode tokenizes instead (it differs from the server here).
    payloads: list[dict[str, Any] | None] = [{"t": "The quick brown fox"}, {"t": "quickly"}, {"t": ["fox", "quick"]}]
    assert matching(payloads, must({"key": "t", "match": {"text": "quick"}})) == [0, 1, 2]
    assert matching(payloads, must({"key": "t", "match": {"text": "quick FOX"}})) == []
    assert matching(payloads, must({"key": "t", "match": {"text": "ick bro"}})) == [0]
    assert matching(payloads, must({"key": "t", "match": {"text_any": "dog ickl"}})) == [1]
    assert matching(payloads, must({"key": "t", "match": {"phrase": "brown fox"}})) == [0]
    assert matching(payloads, must({"key": "t", "match": {"phrase": "fox brown"}})) == []


def test_prefix_is_case_sensitive() -> None:
    payloads: list[dict[str, Any] | None] = [{"k": "Apple"}, {"k": "apple"}, {"k": ["x", "apricot"]}, {"k": 5}]
    assert matching(payloads, must({"key": "k", "match": {"prefix": "ap"}})) == [1, 2]


def test_must_not_should_min_should() -> None:
    payloads: list[dict[str, Any] | None] = [{"a": 1, "b": 1}, {"a": 1}, {"b": 1}, {}]
    a = {"key": "a", "match": {"value": 1}}
    b = {"key": "b", "match": {"value": 1}}
    assert matching(payloads, {"must_not": [a]}) == [2, 3]
    assert matching(payloads, {"should": [a, b]}) == [0, 1, 2]
    assert matching(payloads, {"should": []}) == [0, 1, 2, 3]
    assert matching(payloads, {"must": [a], "should": [b]}) == [0]
    assert matching(payloads, {"min_should": {"conditions": [a, b], "min_count": 2}}) == [0]
    assert matching(payloads, {"min_should": {"conditions": [a, b], "min_count": 3}}) == []


def test_nested_requires_one_element() -> None:
    payloads: list[dict[str, Any] | None] = [
        {"arr": [{"x": 1, "y": "a"}, {"x": 2, "y": "b"}]},
        {"arr": [{"x": 1, "y": "b"}]},
        {"arr": {"x": 1, "y": "b"}},  # an object, not an array: no elements
    ]
    inner = {"must": [{"key": "x", "match": {"value": 1}}, {"key": "y", "match": {"value": "b"}}]}
    assert matching(payloads, must({"nested": {"key": "arr", "filter": inner}})) == [1]
    assert matching(payloads, must({"nested": {"key": "arr[]", "filter": inner}})) == [1]
    # without nested, the two conditions may hold on different elements
    flat = {"must": [{"key": "arr[].x", "match": {"value": 1}}, {"key": "arr[].y", "match": {"value": "b"}}]}
    assert matching(payloads, flat) == [0, 1]


def test_has_id_and_has_vector() -> None:
    payloads: list[dict[str, Any] | None] = [{}, {}, {}]
    ids: list[Any] = [10, "550e8400-e29b-41d4-a716-446655440000", 12]
    got = matching(payloads, must({"has_id": [12, "550E8400-E29B-41D4-A716-446655440000", 99]}), ids=ids)
    assert got == [1, 2]
    vectors = {"": [True, False, True], "img": [False, True, False]}
    assert matching(payloads, must({"has_vector": "img"}), vectors=vectors) == [1]
    assert matching(payloads, must({"has_vector": ""}), vectors=vectors) == [0, 2]
    assert matching(payloads, must({"has_vector": "nope"}), vectors=vectors) == []


def test_geo_conditions() -> None:
    berlin = {"lat": 52.52, "lon": 13.405}
    moscow = {"lat": 55.7558, "lon": 37.6173}
    fiji = {"lat": -17.7, "lon": 178.0}
    payloads: list[dict[str, Any] | None] = [{"g": berlin}, {"g": moscow}, {"g": fiji}, {"g": [{"lat": 1}, berlin]}]
    radius = {"key": "g", "geo_radius": {"center": berlin, "radius": 1_000_000}}
    assert matching(payloads, must(radius)) == [0, 3]
    box = {"top_left": {"lat": 0, "lon": 170}, "bottom_right": {"lat": -30, "lon": -170}}  # across 180°
    assert matching(payloads, must({"key": "g", "geo_bounding_box": box})) == [2]
    square = [{"lat": 50, "lon": 10}, {"lat": 60, "lon": 10}, {"lat": 60, "lon": 40}, {"lat": 50, "lon": 40}]
    hole = [{"lat": 55, "lon": 35}, {"lat": 56, "lon": 35}, {"lat": 56, "lon": 40}, {"lat": 55, "lon": 40}]
    poly = {"exterior": {"points": [*square, square[0]]}}
    assert matching(payloads, must({"key": "g", "geo_polygon": poly})) == [0, 1, 3]
    poly["interiors"] = [{"points": [*hole, hole[0]]}]
    assert matching(payloads, must({"key": "g", "geo_polygon": poly})) == [0, 3]


def test_slice_partitions_ids() -> None:
    payloads: list[dict[str, Any] | None] = [{}] * 40
    seen: list[int] = []
    for index in range(3):
        seen += matching(payloads, must({"slice": {"total": 3, "index": index}}))
    assert sorted(seen) == list(range(40))


def test_candidates_limit_the_scan() -> None:
    target = MemoryTarget([{"a": 1}] * 5)
    flt = filter_from_json(must({"key": "a", "match": {"value": 1}}))
    assert flt is not None
    mask = compile_filter(flt).mask(target, np.array([3, 1, 3]))
    assert np.flatnonzero(mask).tolist() == [1, 3]


def test_check_and_estimate() -> None:
    target = MemoryTarget([{"a": i % 3} for i in range(30)])
    flt = filter_from_json({"must": [{"key": "a", "match": {"value": 0}}], "must_not": [{"has_id": [0, 3]}]})
    assert flt is not None
    compiled = compile_filter(flt)
    assert [o for o in range(30) if compiled.check(target, o)] == np.flatnonzero(compiled.mask(target)).tolist()
    card = compiled.estimate(target)
    assert card.min <= 8 <= card.max and card.min <= card.expected <= card.max


def test_bad_key_in_engine_filter() -> None:
    from engine.types.filters import Filter, IsEmpty

    with pytest.raises(BadInput):
        compile_filter(Filter(must=(IsEmpty("a..b"),)))
