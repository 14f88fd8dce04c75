"""`with_payload` selection: include / exclude by JSON path, applied only to the points returned."""

from __future__ import annotations

import copy
from typing import Any

from engine.json_path import delete_path, parse_path
from engine.types.points import Payload, PayloadSelector


def select_payload(payload: Payload | None, selector: PayloadSelector) -> Payload | None:
    if not selector.enabled:
        return None
    payload = payload or {}
    if selector.include is not None:
        out: Payload = {}
        for key in selector.include:
            _copy_dotted(payload, out, key.split("."))
        return out
    if selector.exclude is not None:
        out = copy.deepcopy(payload)
        for key in selector.exclude:
            delete_path(out, parse_path(key))
        return out
    return copy.deepcopy(payload)


def _copy_dotted(src: dict[str, Any], dst: dict[str, Any], parts: list[str]) -> None:
    """Copy src[a][b]... into dst at the same place; paths through arrays keep the whole array."""
    head = parts[0].removesuffix("[]")
    if head not in src:
        return
    value = src[head]
    if len(parts) == 1 or not isinstance(value, dict):
        if len(parts) == 1 or isinstance(value, list):
            dst[head] = copy.deepcopy(value)
        return
    child = dst.setdefault(head, {})
    if isinstance(child, dict):
        _copy_dotted(value, child, parts[1:])
        if not child:
            del dst[head]
