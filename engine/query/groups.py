"""`group_by`: rank points with a query, then keep the best `group_size` hits of each of the first
`limit` groups, keyed by the payload value at `group_by` (strings and integers; a point with any
other value there joins no group). `with_lookup` attaches the point of another collection whose id
is the group id."""

from __future__ import annotations

from typing import Any

from engine.deadline import Deadline
from engine.errors import BadInput
from engine.json_path import extract_values, parse_path
from engine.point_id import parse_point_id
from engine.query.candidates import Found, to_points
from engine.query.execute import run_stage, with_limit
from engine.query.resolve import Collections, resolve
from engine.shard.holder import ShardView
from engine.shard.search import to_record
from engine.types.points import PointGroup
from engine.types.requests import GroupsRequest, WithLookup


def _group_keys(payload: dict[str, Any] | None, path: Any) -> list[str | int] | None:
    values = extract_values(payload or {}, path)
    if not values or any(isinstance(v, bool) or not isinstance(v, str | int) for v in values):
        return None
    return list(dict.fromkeys(values))


def groups(col: ShardView, request: GroupsRequest, collections: Collections,
           deadline: Deadline | None = None) -> list[PointGroup]:
    q = request.query
    path = parse_path(request.group_by)
    stage = resolve(col, q, collections)
    stage = with_limit(stage, max(col.points_count(), 1))
    found = run_stage(col, stage, None, deadline)  # checks `deadline` per stage and segment
    chosen: dict[Any, list[Found]] = {}
    for f in found:
        keys = _group_keys(f.seg.payload_at(f.offset), path)
        for key in keys or ():
            tagged = (type(key) is int, key)
            if tagged not in chosen and len(chosen) >= q.limit:
                continue  # only the first `limit` groups are returned
            hits = chosen.setdefault(tagged, [])
            if len(hits) < request.group_size:
                hits.append(f)
        if len(chosen) >= q.limit and all(len(h) >= request.group_size for h in chosen.values()):
            break  # every returned group is full: the rest cannot change the answer
    out = [PointGroup(id=key[1], hits=to_points(hits, q.with_payload, q.with_vector))
           for key, hits in list(chosen.items())[: q.limit]]
    if request.with_lookup is not None:
        _attach_lookups(out, request.with_lookup, collections)
    return out


def _attach_lookups(out: list[PointGroup], lookup: WithLookup, collections: Collections) -> None:
    """Read the other collection under its own read locks (readers never block each other)."""
    other = collections(lookup.collection)
    with other.reading() as view:
        for group in out:
            try:
                pid = parse_point_id(group.id)
            except BadInput:
                continue
            found = view.locate(pid)
            if found is not None:
                group.lookup = to_record(found[0], found[1], lookup.with_payload, lookup.with_vector)
