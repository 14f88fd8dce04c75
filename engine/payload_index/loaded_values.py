"""The indexed values per offset of an index loaded from a base, without a Python dict entry and
list per point: the state's flat value list with numpy arrays saying which offsets own which run
of it. Writes after the load (a delete, a payload change) hide a base entry and keep the new one
in a dict. Only `PayloadIndex._values`' mapping operations are served."""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import numpy as np


class CodedValues:
    """A flat value list held as an array of codes: slicing decodes just the values asked for."""

    __slots__ = ("_length", "_decode")

    def __init__(self, length: int, decode: Callable[[slice], list[Any]]) -> None:
        self._length = length
        self._decode = decode

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, part: slice) -> list[Any]:
        return self._decode(part)


class LoadedValues(MutableMapping[int, list[Any]]):
    __slots__ = ("_offsets", "_starts", "_counts", "_flat", "_live", "_live_count", "_extra")

    def __init__(self, offsets: np.ndarray, counts: np.ndarray, flat: list[Any] | CodedValues) -> None:
        offsets = np.asarray(offsets, dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        self._flat = flat
        self._starts: np.ndarray | None = None
        self._counts: np.ndarray | None = None
        if bool((counts == 1).all()) and bool((offsets[1:] > offsets[:-1]).all()):
            self._offsets = offsets  # the usual state: one value per offset, in offset order (entry i = flat[i])
        else:
            order = np.argsort(offsets, kind="stable")
            self._offsets = offsets[order]
            self._starts = (np.cumsum(counts) - counts)[order]
            self._counts = counts[order]
        self._live = np.ones(offsets.shape[0], dtype=bool)
        self._live_count = int(offsets.shape[0])
        self._extra: dict[int, list[Any]] = {}

    def _find(self, offset: int) -> int:
        """Position of `offset` among the live base entries, or -1."""
        offsets = self._offsets
        i = int(offsets.searchsorted(np.int64(offset)))  # an int64 needle: no conversion of the array
        if i < offsets.shape[0] and int(offsets[i]) == offset and self._live[i]:
            return i
        return -1

    def _run(self, i: int) -> list[Any]:
        if self._starts is None or self._counts is None:
            return self._flat[i: i + 1]
        start = int(self._starts[i])
        return self._flat[start: start + int(self._counts[i])]

    def __getitem__(self, offset: int) -> list[Any]:
        found = self._extra.get(offset)
        if found is not None:
            return found
        i = self._find(offset)
        if i < 0:
            raise KeyError(offset)
        return self._run(i)

    def __setitem__(self, offset: int, values: list[Any]) -> None:
        self._hide(offset)
        self._extra[offset] = values

    def __delitem__(self, offset: int) -> None:
        if self._extra.pop(offset, None) is None and not self._hide(offset):
            raise KeyError(offset)

    def _hide(self, offset: int) -> bool:
        i = self._find(offset)
        if i < 0:
            return False
        self._live[i] = False
        self._live_count -= 1
        return True

    def __iter__(self) -> Iterator[int]:
        yield from self._offsets[self._live].tolist()
        yield from list(self._extra)

    def __len__(self) -> int:
        return self._live_count + len(self._extra)
