"""How deeply a payload or a filter may nest: one limit for every reader and writer.

Deeper values are refused at the door (400, nothing applied) because every later stage has a
limit of its own: orjson renders at most 255 levels (a stored deeper payload made every read of
the collection fail), Python's recursion limit bounds the filter compiler and the payload index,
msgpack (the WAL codec) packs at most 511. 100 levels fit all of them with room for the response
envelope, and equal the protobuf decoder's limit, so REST and gRPC accept the same depth.
"""

from __future__ import annotations

import math
from typing import Any

MAX_NESTING = 100


def check_payload_value(value: Any, what: str) -> str | None:
    """Why `value` (JSON-like) cannot be stored, or None: nested deeper than MAX_NESTING, or a
    non-finite number. Iterative, so a hostile depth cannot exhaust the stack while checking."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            if isinstance(item, float) and not math.isfinite(item):
                return f"{what} contains a non-finite number"
            continue
        if depth > MAX_NESTING:
            return f"{what} is nested deeper than {MAX_NESTING} levels"
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list, float)))
    return None
