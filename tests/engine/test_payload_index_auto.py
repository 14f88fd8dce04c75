"""Automatic indexes for keys without a payload index: built once, kept up to date by writes,
answering exactly like the payload predicate, without reading payloads per query."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from qdrant_client.http import models
from test_filters_support import FIELD_KEYS, AutoTarget, check_filter_as_server, rand_condition, rand_payload

from engine.filters import compile_filter
from engine.payload_index.auto import MAX_AUTO_INDEXES, AutoIndexes, auto_kind
from engine.segment import Segment
from engine.types.config import Distance, VectorParams
from engine.types.filters import FieldMatch, FieldRange, Filter, MatchText, MatchValue, Range
from engine.types.payload_schema import PayloadSchema
from server.convert.filters import filter_from_json


class CountingTarget(AutoTarget):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads = 0

    def payload_at(self, offset: int) -> dict[str, Any] | None:
        self.reads += 1
        return super().payload_at(offset)


def _expected(raw: dict[str, Any], target: AutoTarget) -> np.ndarray:
    f = models.Filter.model_validate(raw)
    return np.flatnonzero([check_filter_as_server(f, p or {}, target.ids[i], {}) for i, p in enumerate(target.payloads)])


def test_keyword_filter_on_unindexed_key_reads_no_payload_after_the_build() -> None:
    target = CountingTarget([{"city": f"c{i % 100}", "n": i} for i in range(20_000)])
    flt = compile_filter(Filter(must=(FieldMatch("city", MatchValue("c7")),)))
    first = flt.candidates(target)
    built_reads, target.reads = target.reads, 0
    again = compile_filter(Filter(must=(FieldMatch("city", MatchValue("c8")),))).candidates(target)
    ranged = compile_filter(Filter(must=(FieldRange("n", Range(gte=100, lt=300)),))).candidates(target)
    assert first.tolist() == list(range(7, 20_000, 100))
    assert again.tolist() == list(range(8, 20_000, 100))
    assert ranged.tolist() == list(range(100, 300))
    assert built_reads == 0 and target.reads == 0  # the build walks the payload list, not payload_at
    assert len(target.auto) == 2  # keyword on city, float on n


def test_mixed_types_are_rechecked_like_the_predicate() -> None:
    payloads: list[dict[str, Any] | None] = [
        {"v": "a"}, {"v": 1}, {"v": ["a", 2]}, {"v": None}, {"v": [[1]]}, {"v": 1.0}, {"v": True}, {}, None,
        {"v": [{"x": 1}, "b"]}, {"v": 2**60}, {"v": "2023-01-01T00:00:00Z"},
    ]
    target = AutoTarget(payloads)
    for raw in ({"must": [{"key": "v", "match": {"value": "a"}}]},
                {"must": [{"key": "v", "match": {"except": ["a"]}}]},
                {"must": [{"key": "v", "match": {"any": [1, 2]}}]},
                {"must": [{"key": "v", "match": {"value": True}}]},
                {"must": [{"key": "v", "range": {"gte": 1}}]},
                {"must_not": [{"key": "v", "range": {"lt": 2}}]},
                {"must": [{"key": "v", "range": {"gte": "2022-01-01T00:00:00Z"}}]}):
        ours = filter_from_json(raw)
        assert ours is not None
        assert compile_filter(ours).candidates(target).tolist() == _expected(raw, target).tolist(), raw


def test_writes_keep_automatic_indexes_current_in_a_segment() -> None:
    seg = Segment({"": VectorParams(size=2, distance=Distance.DOT)})
    for i in range(50):
        seg.upsert(i, 1, {"": np.array([1.0, 0.0], dtype=np.float32)}, {"tag": "a" if i % 2 else "b"})
    is_a = compile_filter(Filter(must=(FieldMatch("tag", MatchValue("a")),)))
    assert seg.matching(is_a).size == 25 and len(seg.auto_indexes) == 1
    seg.set_payload(1, 2, {"tag": "b"})
    seg.delete(3)
    seg.upsert(4, 2, {"": np.array([0.0, 1.0], dtype=np.float32)}, {"tag": ["x", "a"]})
    seg.upsert(50, 2, {"": np.array([0.0, 1.0], dtype=np.float32)}, {"tag": "a"})
    got = {seg.point_id(int(o)) for o in seg.matching(is_a)}
    assert got == ({i for i in range(1, 50, 2)} - {1, 3}) | {4, 50}
    seg.create_index("tag", PayloadSchema("keyword"))
    assert len(seg.auto_indexes) == 0  # the user's index answers from now on
    assert {seg.point_id(int(o)) for o in seg.matching(is_a)} == got


def test_text_conditions_and_counts_keep_the_scan() -> None:
    assert auto_kind(FieldMatch("t", MatchText("fox"))) is None
    assert auto_kind(FieldRange("n", Range(gt=1))) == "float"


def test_the_number_of_automatic_indexes_is_bounded() -> None:
    target = AutoTarget([{f"k{j}": "x" for j in range(MAX_AUTO_INDEXES + 4)} for _ in range(10)])
    for j in range(MAX_AUTO_INDEXES + 4):
        flt = compile_filter(Filter(must=(FieldMatch(f"k{j}", MatchValue("x")),)))
        assert flt.candidates(target).size == 10
    assert len(target.auto) == MAX_AUTO_INDEXES
    assert isinstance(target.auto, AutoIndexes)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.lists(st.tuples(st.integers(0, 59), st.booleans()), max_size=40))
def test_random_writes_then_filters_match_the_predicate(seed: int, writes: list[tuple[int, bool]]) -> None:
    """Random payload rewrites and clears after the automatic indexes exist: answers stay exact."""
    rng = random.Random(seed)
    target = AutoTarget([rand_payload(rng) for _ in range(60)])
    conditions = [{"must": [rand_condition(rng, depth=0, keys=FIELD_KEYS)]} for _ in range(6)]
    compiled = []
    for raw in conditions:
        ours = filter_from_json(raw)
        assert ours is not None
        compiled.append(compile_filter(ours))
        compiled[-1].candidates(target)  # builds the automatic index this condition uses
    for offset, clear in writes:
        target.set_payload(offset, None if clear else rand_payload(rng))
    for raw, flt in zip(conditions, compiled, strict=True):
        assert flt.candidates(target).tolist() == _expected(raw, target).tolist(), raw
