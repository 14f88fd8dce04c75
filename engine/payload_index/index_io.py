"""Payload indexes ⇄ plain arrays, so that a sealed segment's indexes are loaded, not rebuilt.

Covers the value indexes (keyword, uuid, integer, float, bool, datetime): their sorted column of
(code, offset) pairs, the indexed values per offset, the unsure offsets and, for strings, the term
list. Geo and text indexes are not exported (`export_state` returns None): they are rebuilt from
payloads on load. The state is a dict of numpy arrays and plain lists (msgpack-able); a change of
these classes' internals must keep `import_state` able to read states written before it.

State format 2 keeps the indexed values of keyword, uuid, integer, bool and float indexes as one
array ("flat_codes": term numbers, int64, bool or float64 with "flat_int" marking the ints) instead
of a list of 1M Python values: msgpack reads an array as one bytes object, and the loaded index
decodes a point's values when they are asked for (engine/payload_index/loaded_values.py). Format 1
states (a "flat" list) still load; datetime values keep the list (their code drops the text).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.payload_index import create_payload_index
from engine.payload_index.base import PayloadIndex
from engine.payload_index.loaded_values import CodedValues, LoadedValues
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

STATE_FORMAT = 2
_READABLE = (1, 2)
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
            "offsets": offsets, "counts": counts, "unsure": np.array(sorted(index._unsure), dtype=np.int64),
        }
        state.update(_flat_state(index, [v for vs in values.values() for v in vs]))
        if isinstance(index, KeywordIndex):
            state["terms"] = list(index._term_list)
    return state


def _flat_state(index: _CodedIndex, flat: list[Any]) -> dict[str, Any]:
    """The indexed values in `values` order: an array of codes where the code gives the value back."""
    n = len(flat)
    if isinstance(index, KeywordIndex):  # uuid too; every value has its term
        dtype = np.int32 if len(index._term_list) < 2**31 else np.int64
        return {"flat_codes": np.fromiter(map(index._terms.__getitem__, flat), dtype=dtype, count=n)}
    if isinstance(index, IntegerIndex):
        return {"flat_codes": np.array(flat, dtype=np.int64).reshape(n)}
    if isinstance(index, BoolIndex):
        return {"flat_codes": np.array(flat, dtype=bool).reshape(n)}
    if isinstance(index, FloatIndex):  # ints and floats: the ints are marked to come back as ints
        return {"flat_codes": np.array(flat, dtype=np.float64).reshape(n),
                "flat_int": np.fromiter((type(v) is int for v in flat), dtype=bool, count=n)}
    return {"flat": flat}


def import_state(key: str, schema: PayloadSchema, state: dict[str, Any]) -> PayloadIndex | None:
    """An index on `key` restored from `state`; None when the state does not fit `schema`."""
    if state.get("f") not in _READABLE or state.get("type") != schema.type:
        return None
    index = create_payload_index(key, schema)
    if not isinstance(index, _CodedIndex):
        return None
    index._column._codes = np.asarray(state["codes"], dtype=index._dtype)
    index._column._offs = np.asarray(state["offs"], dtype=np.int64)
    counts = np.asarray(state["counts"], dtype=np.int64)
    flat = _flat_values(index, state)
    if int(counts.sum()) != len(flat):
        raise ValueError(f"index state of {key!r}: {len(flat)} values for {int(counts.sum())} counted")
    index._values = LoadedValues(np.asarray(state["offsets"], dtype=np.int64), counts, flat)
    index._unsure = set(np.asarray(state["unsure"], dtype=np.int64).tolist())
    index._unsure_array = None
    return index


def _flat_values(index: _CodedIndex, state: dict[str, Any]) -> list[Any] | CodedValues:
    if isinstance(index, KeywordIndex):
        terms = list(state["terms"])
        index._term_list = terms
        index._terms = dict(zip(terms, range(len(terms)), strict=True))
    if "flat_codes" not in state:  # format 1: the values themselves
        return _canonical(index, state["flat"] if isinstance(state["flat"], list) else list(state["flat"]))
    codes = np.asarray(state["flat_codes"])
    if isinstance(index, KeywordIndex):
        term_list = index._term_list  # the index's own list: terms added later are appended to it

        def decode(part: slice) -> list[Any]:
            return list(map(term_list.__getitem__, codes[part].tolist()))
    elif isinstance(index, FloatIndex):
        is_int = np.asarray(state["flat_int"], dtype=bool)

        def decode(part: slice) -> list[Any]:
            return [int(v) if i else v for v, i in zip(codes[part].tolist(), is_int[part].tolist(), strict=True)]
    else:
        def decode(part: slice) -> list[Any]:
            return codes[part].tolist()  # integer, bool: Python ints / bools
    return CodedValues(codes.shape[0], decode)


def _canonical(index: _CodedIndex, flat: list[Any]) -> list[Any]:
    """Format 1 lists: one object per distinct term or integer instead of one decoded per value."""
    if isinstance(index, KeywordIndex):
        canonical = dict(zip(index._term_list, index._term_list, strict=True))
        return list(map(canonical.get, flat, flat))  # get(v, v), looped in C
    if isinstance(index, IntegerIndex):  # only ints (no bools, no floats): equal keys are equal values
        seen: dict[int, int] = {}
        return list(map(seen.setdefault, flat, flat))
    return flat
