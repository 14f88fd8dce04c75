"""Payload indexes ⇄ plain arrays, so that a sealed segment's indexes are loaded, not rebuilt.

Covers the value indexes (keyword, uuid, integer, float, bool, datetime): their sorted column of
(code, offset) pairs, the indexed values per offset, the unsure offsets and, for strings, the term
list. Geo and text indexes are not exported (`export_state` returns None): they are rebuilt from
payloads on load. The state is a dict of numpy arrays and plain lists (msgpack-able); a change of
these classes' internals must keep `import_state` able to read states written before it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.payload_index import create_payload_index
from engine.payload_index.base import PayloadIndex
from engine.payload_index.loaded_values import LoadedValues
from engine.payload_index.value_indexes import (
    BoolIndex,
    DatetimeIndex,
    FloatIndex,
    IntegerIndex,
    KeywordIndex,
    UuidIndex,
    _CodedIndex,
)
from engine.types.payload_schema import PayloadSchema

STATE_FORMAT = 1
_EXPORTED = (KeywordIndex, UuidIndex, IntegerIndex, FloatIndex, BoolIndex, DatetimeIndex)


def export_state(index: PayloadIndex) -> dict[str, Any] | None:
    """The index's content as arrays, or None for a kind that is rebuilt on load instead."""
    if not isinstance(index, _EXPORTED) or not isinstance(index, _CodedIndex):
        return None
    with index._lock:
        codes, offs = index._column.arrays()
        values = index._values
        offsets = np.fromiter(values.keys(), dtype=np.int64, count=len(values))
        counts = np.fromiter((len(v) for v in values.values()), dtype=np.int64, count=len(values))
        state: dict[str, Any] = {
            "f": STATE_FORMAT, "type": index.schema.type, "codes": codes.copy(), "offs": offs.copy(),
            "offsets": offsets, "counts": counts, "flat": [v for vs in values.values() for v in vs],
            "unsure": np.array(sorted(index._unsure), dtype=np.int64),
        }
        if isinstance(index, KeywordIndex):
            state["terms"] = list(index._term_list)
    return state


def import_state(key: str, schema: PayloadSchema, state: dict[str, Any]) -> PayloadIndex | None:
    """An index on `key` restored from `state`; None when the state does not fit `schema`."""
    if state.get("f") != STATE_FORMAT or state.get("type") != schema.type:
        return None
    index = create_payload_index(key, schema)
    if not isinstance(index, _CodedIndex):
        return None
    index._column._codes = np.asarray(state["codes"], dtype=index._dtype)
    index._column._offs = np.asarray(state["offs"], dtype=np.int64)
    counts = np.asarray(state["counts"], dtype=np.int64)
    flat = state["flat"] if isinstance(state["flat"], list) else list(state["flat"])
    if int(counts.sum()) != len(flat):
        raise ValueError(f"index state of {key!r}: {len(flat)} values for {int(counts.sum())} counted")
    if isinstance(index, KeywordIndex):
        terms = list(state["terms"])
        index._term_list = terms
        index._terms = dict(zip(terms, range(len(terms)), strict=True))
        # one object per distinct term instead of one decoded string per indexed value
        canonical = dict(zip(terms, terms, strict=True))
        flat = list(map(canonical.get, flat, flat))  # get(v, v), looped in C
    elif isinstance(index, IntegerIndex):  # only ints (no bools, no floats): equal keys are equal values
        seen: dict[int, int] = {}
        flat = list(map(seen.setdefault, flat, flat))
    index._values = LoadedValues(np.asarray(state["offsets"], dtype=np.int64), counts, flat)
    index._unsure = set(np.asarray(state["unsure"], dtype=np.int64).tolist())
    index._unsure_array = None
    return index
