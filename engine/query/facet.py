"""`facet`: counts of points per value of an indexed key, best first.

Each segment answers from its payload index's postings: the (code, offset) pairs of the index,
restricted to the offsets the filter selects, counted per code with numpy — no point is visited
and no payload read. Only a segment without a usable index (none yet for this key) falls back to
reading the payloads of its matching points. A `timeout` is checked between segments.
"""

from __future__ import annotations

import uuid
from typing import Any

import numpy as np

from engine.deadline import Deadline
from engine.errors import BadRequest
from engine.filters import CompiledFilter
from engine.json_path import JsonPath, extract_values, parse_path
from engine.segment import Segment
from engine.shard.holder import ShardView
from engine.types.points import FacetHit
from engine.types.requests import FacetRequest

FACET_INDEX_TYPES = ("keyword", "integer", "bool", "uuid")

Key = tuple[int, Any]
"""A value tagged with its type (bool 0, int 1, str 2), so that True and 1 stay distinct buckets
and buckets of equal count sort by type, then value."""


def facet(view: ShardView, req: FacetRequest, deadline: Deadline | None = None) -> list[FacetHit]:
    schema = view.payload_schema.get(req.key)
    if schema is None or schema.type not in FACET_INDEX_TYPES:
        raise BadRequest(
            f"Index required but not found for \"{req.key}\" of one of the following types: "
            "[keyword, integer, bool, uuid]. Help: Create an index for this key or use a different filter."
        )
    compiled = view.compile(req.filter)
    is_uuid = schema.type == "uuid"
    path = parse_path(req.key)
    counts: dict[Key, int] = {}
    for seg in view.segments:
        if deadline is not None:
            deadline.check()
        pairs = _from_index(seg, req.key, compiled)
        if pairs is None:
            pairs = _from_payloads(seg, path, compiled, is_uuid)
        elif is_uuid:
            pairs = [(_canonical(v), n) for v, n in pairs if isinstance(v, str)]
        for value, n in pairs:
            if value is None:
                continue  # a uuid index holds strings that parse; kept for safety
            key = _key(value)
            counts[key] = counts.get(key, 0) + n
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: req.limit]
    return [FacetHit(value=key[1], count=n) for key, n in ranked]


def _from_index(seg: Segment, key: str, compiled: CompiledFilter | None) -> list[tuple[Any, int]] | None:
    index = seg.payload_index(key)
    value_counts = getattr(index, "value_counts", None)
    if value_counts is None:
        return None
    among = None
    if compiled is not None:
        among = np.zeros(seg.size, dtype=bool)
        among[seg.matching(compiled)] = True
    pairs: list[tuple[Any, int]] | None = value_counts(among)
    return pairs


def _from_payloads(seg: Segment, path: JsonPath, compiled: CompiledFilter | None,
                   is_uuid: bool) -> list[tuple[Any, int]]:
    """The payloads of the matching points, one count per distinct value per point."""
    counts: dict[Key, int] = {}
    for offset in seg.matching(compiled).tolist():
        values = extract_values(seg.payload_at(offset) or {}, path)
        if is_uuid:
            values = [c for c in (_canonical(v) for v in values if isinstance(v, str)) if c is not None]
        for key in {_key(v) for v in values if isinstance(v, str | int)}:
            counts[key] = counts.get(key, 0) + 1
    return [(key[1], n) for key, n in counts.items()]


def _canonical(value: str) -> str | None:
    """A uuid index holds parsed UUIDs (Qdrant: u128), so its facet values are the canonical
    lowercase hyphenated form, one bucket per UUID however it was written."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def _key(value: str | int) -> Key:
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, int):
        return (1, value)
    return (2, value)
