"""`with_payload` selection: include / exclude by JSON path, applied only to the points returned."""

from __future__ import annotations

import copy
from typing import Any

from engine.json_path import Key, PathItem, Wildcard, delete_path, parse_path
from engine.types.points import Payload, PayloadSelector


def select_payload(payload: Payload | None, selector: PayloadSelector) -> Payload | None:
    if not selector.enabled:
        return None
    payload = payload or {}
    if selector.include is not None:
        return _include(payload, [parse_path(key).items for key in selector.include])
    if selector.exclude is not None:
        out = copy.deepcopy(payload)
        for key in selector.exclude:
            delete_path(out, parse_path(key))
        return out
    return copy.deepcopy(payload)


def _include(payload: Payload, patterns: list[tuple[PathItem, ...]]) -> Payload:
    """Qdrant's include walk (`JsonPath::value_filter`): every key and array level on the way is
    kept when its path and some pattern agree on their common prefix. So `a[].b` keeps only `b` in
    each element of the array `a`, while `a.b` keeps an array at `a` but none of its elements (an
    element's path is `a[]`, not `a.b`), and a kept object whose keys all fall away stays as `{}`."""
    path: list[PathItem] = []
    out: Payload = {}
    for key, value in payload.items():
        path.append(Key(key))
        if _agrees(path, patterns):
            out[key] = _filtered(path, value, patterns)
        path.pop()
    return out


def _agrees(path: list[PathItem], patterns: list[tuple[PathItem, ...]]) -> bool:
    return any(all(a == b for a, b in zip(path, pattern, strict=False)) for pattern in patterns)


def _filtered(path: list[PathItem], value: Any, patterns: list[tuple[PathItem, ...]]) -> Any:
    if isinstance(value, list):
        path.append(Wildcard())
        kept = [_filtered(path, v, patterns) for v in value] if _agrees(path, patterns) else []
        path.pop()
        return kept
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            path.append(Key(key))
            if _agrees(path, patterns):
                out[key] = _filtered(path, item, patterns)
            path.pop()
        return out
    return value  # JSON scalars are immutable: shared, not copied
