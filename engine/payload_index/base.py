"""What every payload index offers the segment (writes) and the filter evaluator (reads).

The segment feeds an index with the flattened values found under its key
(`engine.json_path.extract_values`). Values the index cannot represent (a string under an
integer index, a nested array, ...) are not indexed, but the offset is remembered as *unsure*:
the evaluator re-checks unsure offsets against the payload, so an index answer always equals a
payload scan whatever the data types.

Reads fold pending writes into numpy arrays, so reads mutate internal state: one lock per index
serialises writes and reads (they are short; numpy does the work).
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, MutableMapping, Sequence
from typing import Any

import numpy as np

from engine.filters.offsets import sorted_unique
from engine.json_path import JsonPath, Key, extract_values
from engine.types.filters import FieldCondition
from engine.types.payload_schema import PayloadSchema


def offsets_to_mask(offsets: np.ndarray, size: int) -> np.ndarray:
    """bool[size] with True at `offsets` (offsets at or past `size` are ignored)."""
    mask = np.zeros(size, dtype=bool)
    if offsets.size:
        mask[offsets[offsets < size]] = True
    return mask


def values_by_offset(payloads: Sequence[dict[str, Any] | None], path: JsonPath,
                     offsets: Iterable[int]) -> Iterable[tuple[int, list[Any]]]:
    """(offset, the flattened values under `path`) for each of `offsets` that has some; a
    one-key path is read with a dict lookup (the common case of a build). Payloads that offer
    `many(offsets)` (a segment's packed PayloadStore) are decoded in runs."""
    many = getattr(payloads, "many", None)
    if many is not None:
        offsets = list(offsets)
        pairs: Iterable[tuple[int, dict[str, Any] | None]] = zip(offsets, many(offsets), strict=True)
    else:
        pairs = ((offset, payloads[offset]) for offset in offsets)
    if len(path.items) == 1 and isinstance(path.items[0], Key):
        name = path.items[0].name
        for offset, payload in pairs:
            if payload and name in payload:
                value = payload[name]
                yield offset, (value if isinstance(value, list) else [value])
        return
    for offset, payload in pairs:
        if payload:
            values = extract_values(payload, path)
            if values:
                yield offset, values


class PayloadIndex(ABC):
    """An index over the values stored under one payload key in one segment."""

    foreign_values_may_match = True
    """Whether a value this index cannot hold may still satisfy a condition it answers (then
    its offset is *unsure* and re-checked)."""

    def __init__(self, key: str, schema: PayloadSchema) -> None:
        self.key = key
        self.schema = schema
        self._values: MutableMapping[int, list[Any]] = {}
        """Indexed values per offset (engine/payload_index/loaded_values.py for a loaded index)."""
        self._unsure: set[int] = set()
        self._unsure_array: np.ndarray | None = None
        self._lock = threading.RLock()

    # ---- writes ----------------------------------------------------------------------------
    def add(self, offset: int, values: list[Any]) -> None:
        """Index `values` (flattened, as found under the key) for `offset`, replacing old ones."""
        with self._lock:
            self._add(offset, values)

    def _add(self, offset: int, values: list[Any]) -> None:
        self._remove(offset)
        kept: list[Any] = []
        unsure = False
        for value in values:
            if value is None:
                continue  # null matches nothing; no need to re-check
            if self._accepts(value):
                kept.append(value)
            else:
                unsure = True
        if unsure and self.foreign_values_may_match:
            self._unsure.add(offset)
            self._unsure_array = None
        if kept:
            self._values[offset] = kept
            self._store(offset, kept)

    def add_many(self, entries: Iterable[tuple[int, list[Any]]]) -> None:
        """Bulk `add` into an index that holds none of these offsets yet (builds, rebuilds)."""
        accepts = self._accepts
        batch: list[tuple[int, list[Any]]] = []
        with self._lock:
            for offset, values in entries:
                kept = [v for v in values if v is not None and accepts(v)]
                if (len(kept) < len(values) and self.foreign_values_may_match
                        and any(v is not None and not accepts(v) for v in values)):
                    self._unsure.add(offset)
                if kept:
                    self._values[offset] = kept
                    batch.append((offset, kept))
            self._unsure_array = None
            self._store_many(batch)

    def _store_many(self, batch: list[tuple[int, list[Any]]]) -> None:
        for offset, kept in batch:
            self._store(offset, kept)

    def remove(self, offset: int) -> None:
        with self._lock:
            self._remove(offset)

    def _remove(self, offset: int) -> None:
        if offset in self._unsure:
            self._unsure.discard(offset)
            self._unsure_array = None
        if self._values.pop(offset, None) is not None:
            self._unstore(offset)

    # ---- reads -----------------------------------------------------------------------------
    @property
    def points_count(self) -> int:
        """Points with at least one indexed value."""
        return len(self._values)

    def values_at(self, offset: int) -> list[Any]:
        """The indexed values of `offset` (as given to `add`, minus the unrepresentable)."""
        return list(self._values.get(offset, ()))

    def unsure_offsets(self) -> np.ndarray:
        """Sorted offsets holding values this index could not represent."""
        with self._lock:
            if self._unsure_array is None:
                self._unsure_array = np.array(sorted(self._unsure), dtype=np.int64)
            return self._unsure_array

    def condition_offsets(self, cond: FieldCondition, size: int) -> np.ndarray | None:
        """Sorted unique offsets (< `size`) whose indexed values satisfy `cond`; None if this
        index can't say. Exact for every offset not in `unsure_offsets()`."""
        with self._lock:
            offsets = self.matching_offsets(cond)
        if offsets is None:
            return None
        if offsets.size and int(offsets.max()) >= size:
            offsets = offsets[offsets < size]
        return sorted_unique(offsets, size)

    def condition_mask(self, cond: FieldCondition, size: int) -> np.ndarray | None:
        """bool[size]: points whose indexed values satisfy `cond`; None if this index can't say.

        Exact for every offset not in `unsure_offsets()`.
        """
        with self._lock:
            offsets = self.matching_offsets(cond)
        return None if offsets is None else offsets_to_mask(offsets, size)

    def cardinality(self, cond: FieldCondition, size: int) -> int | None:
        """Number of points (not values) the index finds for `cond`, or None."""
        mask = self.condition_mask(cond, size)
        return None if mask is None else int(np.count_nonzero(mask))

    # ---- per type ----------------------------------------------------------------------------
    @abstractmethod
    def _accepts(self, value: Any) -> bool:
        """Whether `value` is of the type this index stores."""

    @abstractmethod
    def _store(self, offset: int, values: list[Any]) -> None: ...

    @abstractmethod
    def _unstore(self, offset: int) -> None: ...

    @abstractmethod
    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        """int64 offsets (possibly repeated) whose indexed values satisfy `cond`, or None.

        Callers outside the index use `condition_mask`, which holds the lock."""
