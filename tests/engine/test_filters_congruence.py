"""Random payloads × random filters: our mask equals qdrant_client local mode's check_filter.

Filters are generated as REST JSON and read by both sides (our converter, qdrant_client's
models), so the converter is exercised too. Each scenario runs with no payload index, with
indexes of the matching types, with deliberately mismatched index types (mostly re-checked
values), and with automatic indexes for unindexed keys; it also checks `check`, `candidates`
under a live mask, candidate restriction and estimate bounds.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from qdrant_client.http import models
from test_filters_support import (
    FIELD_KEYS,
    AutoTarget,
    MemoryTarget,
    check_filter_as_server,
    rand_condition,
    rand_filter,
    rand_payload,
)

from engine.filters import compile_filter
from engine.types.payload_schema import IndexParams, PayloadSchema
from server.convert.filters import filter_from_json

MATCHING = {
    "k": PayloadSchema("keyword"),
    "n": PayloadSchema("integer"),
    "f": PayloadSchema("float"),
    "b": PayloadSchema("bool"),
    "g": PayloadSchema("geo"),
    "d": PayloadSchema("datetime"),
    "t": PayloadSchema("text"),
    "u": PayloadSchema("uuid"),
    "obj.a.b": PayloadSchema("keyword", IndexParams(is_tenant=True)),
    "arr[].x": PayloadSchema("integer", IndexParams(lookup=True, range=True)),
    "arr[].y": PayloadSchema("keyword"),
}
MISMATCHED = {
    "k": PayloadSchema("text"),
    "n": PayloadSchema("float"),
    "f": PayloadSchema("integer"),
    "b": PayloadSchema("keyword"),
    "d": PayloadSchema("keyword"),
    "t": PayloadSchema("keyword"),
    "u": PayloadSchema("datetime"),
    "g": PayloadSchema("bool"),
    "obj.a.b": PayloadSchema("uuid"),
    "arr[].x": PayloadSchema("integer", IndexParams(lookup=False)),
}


def _oracle(f: models.Filter, target: MemoryTarget, text_indexed: frozenset[str] = frozenset()) -> np.ndarray:
    out = np.zeros(target.size, dtype=bool)
    for i, payload in enumerate(target.payloads):
        has_vector = {name: True for name, mask in target.vectors.items() if mask[i]}
        out[i] = check_filter_as_server(f, payload or {}, target.ids[i], has_vector, text_indexed)
    return out


def _scenario(seed: int, n_points: int = 150, auto: bool = False) -> MemoryTarget:
    rng = random.Random(seed)
    payloads = [rand_payload(rng) for _ in range(n_points)]
    ids: list[Any] = [i * 7 if rng.random() < 0.9 else f"00000000-0000-0000-0000-{i:012d}" for i in range(n_points)]
    vectors = {"": [rng.random() < 0.8 for _ in ids], "img": [rng.random() < 0.4 for _ in ids]}
    return (AutoTarget if auto else MemoryTarget)(payloads, ids, vectors)


MODES = {"scan": (None, False), "indexed": (MATCHING, False), "mismatched": (MISMATCHED, False),
         "auto": (None, True), "auto+indexed": ({"k": MATCHING["k"], "f": MISMATCHED["f"]}, True)}


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("seed", range(6))
def test_random_filters_match_local_mode(seed: int, mode: str) -> None:
    indexes, auto = MODES[mode]
    target = _scenario(seed, auto=auto)
    for key, schema in (indexes or {}).items():
        target.create_index(key, schema)
    text_keys = frozenset(k for k, schema in (indexes or {}).items() if schema.type == "text")
    rng = random.Random(1000 + seed)
    checked = 0
    while checked < 60:
        raw = rand_filter(rng, depth=2)
        theirs = models.Filter.model_validate(raw)
        ours = filter_from_json(raw)
        assert ours is not None
        expected = _oracle(theirs, target, text_keys)
        compiled = compile_filter(ours)
        got = compiled.mask(target)
        assert np.array_equal(got, expected), (raw, np.flatnonzero(got ^ expected))

        candidates = np.flatnonzero(np.random.default_rng(checked).random(target.size) < 0.3)
        restricted = compiled.mask(target, candidates)
        assert not restricted[np.setdiff1d(np.arange(target.size), candidates)].any()
        assert np.array_equal(restricted[candidates], expected[candidates]), raw

        live = np.random.default_rng(checked + 1).random(target.size) < 0.7
        found = compiled.candidates(target, live)
        assert np.array_equal(found, np.flatnonzero(expected & live)), (raw, found)
        assert np.array_equal(compiled.candidates(target), np.flatnonzero(expected)), raw

        bound = compiled.bind(target)
        for offset in rng.sample(range(target.size), 10):
            assert bound.check(offset) == expected[offset], (raw, offset)

        card = compiled.estimate(target)
        assert card.min <= int(expected.sum()) <= card.max, (raw, card, int(expected.sum()))
        checked += 1


@pytest.mark.parametrize("mode", list(MODES))
def test_random_single_conditions_match_local_mode(mode: str) -> None:
    """One leaf per filter (alone and negated): every condition kind against every field kind."""
    indexes, auto = MODES[mode]
    target = _scenario(99, n_points=200, auto=auto)
    for key, schema in (indexes or {}).items():
        target.create_index(key, schema)
    text_keys = frozenset(k for k, schema in (indexes or {}).items() if schema.type == "text")
    rng = random.Random(7)
    informative = 0
    for _ in range(300):
        cond = rand_condition(rng, depth=1, keys=FIELD_KEYS)
        for raw in ({"must": [cond]}, {"must_not": cond}):
            expected = _oracle(models.Filter.model_validate(raw), target, text_keys)
            ours = filter_from_json(raw)
            assert ours is not None
            got = compile_filter(ours).mask(target)
            assert np.array_equal(got, expected), (raw, np.flatnonzero(got ^ expected))
            assert np.array_equal(compile_filter(ours).candidates(target), np.flatnonzero(expected)), raw
        informative += 0 < expected.sum() < target.size
    assert informative > 150  # the generator really discriminates between points
