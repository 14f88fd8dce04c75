"""Applying point operations to segments. Every point lives in one segment; new copies go to the
appendable one and the old copy elsewhere is removed. Versions guard against replaying old ops.

Each operation is applied in two steps: select the points it addresses (the caller is the shard's
one writer, so nothing changes meanwhile and selection needs no lock), then take the write locks
of just the segments it changes and change them.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

import numpy as np

from engine.json_path import delete_path, parse_path, set_by_key
from engine.point_id import PointId
from engine.segment import Segment
from engine.shard.holder import SegmentHolder, ShardView
from engine.types.filters import Filter
from engine.types.operations import (
    ClearPayload,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    OverwritePayload,
    PointOperation,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.points import Payload, PointStruct

Target = tuple[Segment, int]


def select(view: ShardView, ids: list[PointId] | None, flt: Filter | None) -> list[Target]:
    """Points addressed by an update: by ids (those that exist) or by filter."""
    if ids is not None:
        return [found for found in view.locate_many(list(ids)) if found is not None]
    compiled = view.compile(flt)
    return [(segment, int(offset)) for segment in view.segments for offset in segment.matching(compiled)]


def _segments(targets: Iterable[Target]) -> list[Segment]:
    return [segment for segment, _ in targets]


def apply_point_operation(holder: SegmentHolder, view: ShardView, op_num: int, op: PointOperation) -> None:
    appendable = holder.appendable
    match op:
        case UpsertPoints(points=points, update_filter=None, update_mode="upsert" | "insert_only") \
                if _all_new(view, points):
            # An ingest batch of new, distinct ids: one bulk append. The payload dicts are the
            # operation's own (never mutated afterwards), so they are stored without a copy.
            with holder.writing([appendable]):
                appendable.append_new([p.id for p in points], op_num, [p.vectors for p in points],
                                      [p.payload for p in points])
        case UpsertPoints(points=points, update_filter=flt, update_mode=mode):
            located = dict(zip([p.id for p in points], view.locate_many([p.id for p in points]), strict=True))
            # update_filter: existing points are replaced only if they match; new ids are inserted
            # (update_only: not inserted; insert_only: existing ones are never replaced).
            allowed = _matching_among(view, flt, located)
            done: set[PointId] = set()
            with holder.writing([appendable, *_segments(f for f in located.values() if f is not None)]):
                for point in points:
                    # an id met again in the batch is looked up again: its first write moved it
                    found = view.locate(point.id) if point.id in done else located[point.id]
                    done.add(point.id)
                    if found is None and mode == "update_only":
                        continue
                    if found is not None:
                        segment, offset = found
                        if segment.version_at(offset) > op_num or mode == "insert_only":
                            continue
                        if allowed is not None and point.id not in allowed:
                            continue
                        if segment is not appendable:
                            segment.delete(point.id)
                    appendable.upsert(point.id, op_num, point.vectors, copy.deepcopy(point.payload))
        case DeletePoints(ids=ids, filter=flt):
            targets = select(view, ids, flt)
            with holder.writing(_segments(targets)):
                for segment, offset in targets:
                    if segment.version_at(offset) <= op_num:
                        segment.delete(segment.point_id(offset))
        case SetPayload(payload=payload, ids=ids, filter=flt, key=key):
            targets = select(view, ids, flt)
            with holder.writing(_segments(targets)):
                for segment, offset in targets:
                    current = copy.deepcopy(segment.payload_at(offset) or {})
                    if key is None:
                        current.update(copy.deepcopy(payload))
                    else:
                        set_by_key(current, parse_path(key), copy.deepcopy(payload))
                    _write_payload(segment, offset, op_num, current)
        case OverwritePayload(payload=payload, ids=ids, filter=flt):
            targets = select(view, ids, flt)
            with holder.writing(_segments(targets)):
                for segment, offset in targets:
                    _write_payload(segment, offset, op_num, copy.deepcopy(payload))
        case DeletePayload(keys=keys, ids=ids, filter=flt):
            paths = [parse_path(k) for k in keys]
            targets = select(view, ids, flt)
            with holder.writing(_segments(targets)):
                for segment, offset in targets:
                    current = copy.deepcopy(segment.payload_at(offset) or {})
                    for path in paths:
                        delete_path(current, path)
                    _write_payload(segment, offset, op_num, current)
        case ClearPayload(ids=ids, filter=flt):
            targets = select(view, ids, flt)
            with holder.writing(_segments(targets)):
                for segment, offset in targets:
                    _write_payload(segment, offset, op_num, None)
        case UpdateVectors(points=points, update_filter=flt):
            located = dict(zip([pid for pid, _ in points], view.locate_many([pid for pid, _ in points]), strict=True))
            allowed = _matching_among(view, flt, located)
            moved: set[PointId] = set()
            with holder.writing([appendable, *_segments(f for f in located.values() if f is not None)]):
                for pid, vectors in points:
                    found = view.locate(pid) if pid in moved else located[pid]
                    moved.add(pid)
                    if found is None or (allowed is not None and pid not in allowed):
                        continue
                    segment, offset = found
                    if segment.version_at(offset) <= op_num:
                        segment, offset = _writable(appendable, segment, offset)
                        segment.set_vectors(offset, op_num, vectors)
        case DeleteVectors(vector_names=names, ids=ids, filter=flt):
            targets = select(view, ids, flt)
            with holder.writing([appendable, *_segments(targets)]):
                for segment, offset in targets:
                    if segment.version_at(offset) <= op_num:
                        segment, offset = _writable(appendable, segment, offset)
                        segment.unset_vectors(offset, op_num, names)


def _all_new(view: ShardView, points: list[PointStruct]) -> bool:
    ids = {p.id for p in points}
    return len(ids) == len(points) and not any(segment.ids.any_known(ids) for segment in view.segments)


def _writable(appendable: Segment, segment: Segment, offset: int) -> Target:
    """Vectors of a sealed segment never change: move the point to the appendable segment first."""
    if not segment.sealed:
        return segment, offset
    pid = segment.point_id(offset)
    new_offset = appendable.upsert(pid, segment.version_at(offset), segment.vectors_at(offset),
                                   copy.deepcopy(segment.payload_at(offset)))
    segment.delete(pid)
    return appendable, new_offset


def _write_payload(segment: Segment, offset: int, op_num: int, payload: Payload | None) -> None:
    if segment.version_at(offset) <= op_num:
        segment.set_payload(offset, op_num, payload)


def _matching_among(view: ShardView, flt: Filter | None,
                    located: dict[PointId, Target | None]) -> set[PointId] | None:
    """Which existing points of this batch satisfy `update_filter` — evaluated for those points
    only, not the whole collection. None when there is no filter."""
    if flt is None:
        return None
    compiled = view.compile(flt)
    by_segment: dict[int, tuple[Segment, list[int]]] = {}
    for found in located.values():
        if found is not None:
            by_segment.setdefault(id(found[0]), (found[0], []))[1].append(found[1])
    allowed: set[PointId] = set()
    for segment, offsets in by_segment.values():
        candidates = np.asarray(sorted(set(offsets)), dtype=np.int64)
        mask = compiled.mask(segment, candidates) if compiled is not None else None
        for offset in candidates[mask[candidates]] if mask is not None else candidates:
            allowed.add(segment.point_id(int(offset)))
    return allowed
