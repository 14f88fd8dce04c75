"""Qdrant JSON paths into payloads: parsing, reading, nested set and delete.

Syntax: keys joined by `.`; a key is letters, digits, `_` and `-`, or any text in double quotes
(`"a.b"` is one key); each key may be followed by `[]` (every array element) or `[N]` (element N).
Examples: `a`, `a.b`, `a[].b`, `a[0][1]`, `"x.y".z`.

Reading follows Qdrant: a key step only looks into objects and an index step only into arrays
(`a.b` does not look through an array at `a`; write `a[].b`); an array found at the end of the
path contributes its elements (flattened one level).
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any

from engine.errors import BadInput

U64_MAX = 2**64 - 1


@dataclass(frozen=True, slots=True)
class Key:
    name: str


@dataclass(frozen=True, slots=True)
class Index:
    index: int


@dataclass(frozen=True, slots=True)
class Wildcard:
    pass


PathItem = Key | Index | Wildcard


@dataclass(frozen=True, slots=True)
class JsonPath:
    """A parsed path; `raw` is the text it came from. It always starts with a `Key`."""

    items: tuple[PathItem, ...]
    raw: str

    def __str__(self) -> str:
        return self.raw


def _bad(raw: str) -> BadInput:
    return BadInput(f"Invalid JSON path: {raw!r}")


def _is_key_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_-"


@functools.lru_cache(maxsize=4096)
def parse_path(raw: str) -> JsonPath:
    """Parse `raw`; BadInput when it is empty or malformed. Cached: every filter compiles its keys
    on every query, and a path is immutable (frozen items; a malformed one raises, uncached)."""
    items: list[PathItem] = []
    pos, end = 0, len(raw)
    if end == 0:
        raise _bad(raw)
    while True:
        # one key: quoted or bare
        if raw[pos] == '"':
            close = raw.find('"', pos + 1)
            if close == -1:
                raise _bad(raw)
            items.append(Key(raw[pos + 1 : close]))
            pos = close + 1
        else:
            start = pos
            while pos < end and _is_key_char(raw[pos]):
                pos += 1
            if pos == start:
                raise _bad(raw)
            items.append(Key(raw[start:pos]))
        # any number of [] / [N]
        while pos < end and raw[pos] == "[":
            close = raw.find("]", pos + 1)
            if close == -1:
                raise _bad(raw)
            inner = raw[pos + 1 : close]
            if inner == "":
                items.append(Wildcard())
            elif inner.isascii() and inner.isdigit() and int(inner) <= U64_MAX:
                items.append(Index(int(inner)))
            else:
                raise _bad(raw)
            pos = close + 1
        if pos == end:
            return JsonPath(tuple(items), raw)
        if raw[pos] != "." or pos + 1 == end:
            raise _bad(raw)
        pos += 1


def _as_path(path: JsonPath | str) -> JsonPath:
    return parse_path(path) if isinstance(path, str) else path


def extract_values(payload: Any, path: JsonPath | str, flat: bool = True) -> list[Any]:
    """Every value `path` reaches in `payload` ([] when none).

    With `flat` (filters), an array reached by a final key contributes its elements; without it
    (values_count, is_empty) it stays one value.
    """
    items = _as_path(path).items
    out: list[Any] = []
    _collect(payload, items, 0, flat, out)
    return out


def _collect(data: Any, items: tuple[PathItem, ...], i: int, flat: bool, out: list[Any]) -> None:
    item = items[i]
    last = i == len(items) - 1
    match item:
        case Key(name):
            if not isinstance(data, dict) or name not in data:
                return
            value = data[name]
            if not last:
                _collect(value, items, i + 1, flat, out)
            elif flat and isinstance(value, list):
                out.extend(value)
            else:
                out.append(value)
        case Index(index):
            if not isinstance(data, list) or index >= len(data):
                return
            if last:
                out.append(data[index])
            else:
                _collect(data[index], items, i + 1, flat, out)
        case Wildcard():
            if not isinstance(data, list):
                return
            if last:
                out.extend(data)
            else:
                for element in data:
                    _collect(element, items, i + 1, flat, out)


# ---- set_payload with `key` ---------------------------------------------------------------------


def set_by_key(payload: dict[str, Any], path: JsonPath | str, value: dict[str, Any]) -> None:
    """Merge `value` into the object(s) at `path`, creating objects on the way (Qdrant's rules).

    A missing key gets a new object; a non-object met by a key step is replaced by an object; a
    non-array met by an index step is replaced by an empty array (nothing more is written); an
    index past the end writes nothing; `[]` writes into every element (each gets its own copy).
    """
    items = _as_path(path).items
    _set(payload, items, 0, value, None, None)


def _merge_into(container: Any, slot: str | int, value: dict[str, Any]) -> None:
    current = container[slot]
    if isinstance(current, dict):
        current.update(copy.deepcopy(value))
    else:
        container[slot] = copy.deepcopy(value)


def _set(
    data: Any,
    items: tuple[PathItem, ...],
    i: int,
    value: dict[str, Any],
    parent: Any,
    slot: str | int | None,
) -> None:
    item = items[i]
    last = i == len(items) - 1
    match item:
        case Key(name):
            if not isinstance(data, dict):
                # replace the non-object in its parent with a fresh object
                if parent is None or slot is None:
                    return
                data = {}
                parent[slot] = data
            if name not in data:
                data[name] = {}
            if last:
                _merge_into(data, name, value)
            else:
                _set(data[name], items, i + 1, value, data, name)
        case Index(index):
            if not isinstance(data, list):
                if parent is not None and slot is not None:
                    parent[slot] = []
                return
            if index >= len(data):
                return
            if last:
                _merge_into(data, index, value)
            else:
                _set(data[index], items, i + 1, value, data, index)
        case Wildcard():
            if not isinstance(data, list):
                if parent is not None and slot is not None:
                    parent[slot] = []
                return
            for pos in range(len(data)):
                if last:
                    _merge_into(data, pos, value)
                else:
                    _set(data[pos], items, i + 1, value, data, pos)


# ---- delete_payload keys ------------------------------------------------------------------------


def delete_path(payload: dict[str, Any], path: JsonPath | str) -> None:
    """Remove what `path` points at; a path that resolves to nothing is a no-op.

    A final `[]` empties the array; a final `[N]` deletes nothing (as Qdrant: not idempotent).
    """
    items = _as_path(path).items
    _delete(payload, items, 0)


def _delete(data: Any, items: tuple[PathItem, ...], i: int) -> None:
    item = items[i]
    last = i == len(items) - 1
    match item:
        case Key(name):
            if not isinstance(data, dict):
                return
            if last:
                data.pop(name, None)
            elif name in data:
                _delete(data[name], items, i + 1)
        case Index(index):
            if not last and isinstance(data, list) and index < len(data):
                _delete(data[index], items, i + 1)
        case Wildcard():
            if not isinstance(data, list):
                return
            if last:
                data.clear()
            else:
                for element in data:
                    _delete(element, items, i + 1)
