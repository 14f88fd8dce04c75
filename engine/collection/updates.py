"""Applying point operations to segments. Every point lives in one segment; new copies go to the
appendable one and the old copy elsewhere is removed. Versions guard against replaying old ops."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np

from engine.json_path import delete_path, parse_path, set_by_key
from engine.point_id import PointId
from engine.segment import Segment
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
from engine.types.points import Payload

if TYPE_CHECKING:
    from engine.collection.collection import Collection


def apply_point_operation(col: Collection, op_num: int, op: PointOperation) -> None:
    match op:
        case UpsertPoints(points=points, update_filter=flt):
            # update_filter: existing points are replaced only if they match; new ids are inserted.
            allowed = _matching_among(col, flt, [point.id for point in points])
            for point in points:
                found = col.locate(point.id)
                if found is not None:
                    segment, offset = found
                    if segment.version_at(offset) > op_num:
                        continue
                    if allowed is not None and point.id not in allowed:
                        continue
                    if segment is not col.appendable:
                        segment.delete(point.id)
                col.appendable.upsert(point.id, op_num, point.vectors, copy.deepcopy(point.payload))
        case DeletePoints(ids=ids, filter=flt):
            for segment, offset in list(col.select(ids, flt)):
                if segment.version_at(offset) <= op_num:
                    segment.delete(segment.point_id(offset))
        case SetPayload(payload=payload, ids=ids, filter=flt, key=key):
            for segment, offset in list(col.select(ids, flt)):
                current = copy.deepcopy(segment.payload_at(offset) or {})
                if key is None:
                    current.update(copy.deepcopy(payload))
                else:
                    set_by_key(current, parse_path(key), copy.deepcopy(payload))
                _write_payload(segment, offset, op_num, current)
        case OverwritePayload(payload=payload, ids=ids, filter=flt):
            for segment, offset in list(col.select(ids, flt)):
                _write_payload(segment, offset, op_num, copy.deepcopy(payload))
        case DeletePayload(keys=keys, ids=ids, filter=flt):
            paths = [parse_path(k) for k in keys]
            for segment, offset in list(col.select(ids, flt)):
                current = copy.deepcopy(segment.payload_at(offset) or {})
                for path in paths:
                    delete_path(current, path)
                _write_payload(segment, offset, op_num, current)
        case ClearPayload(ids=ids, filter=flt):
            for segment, offset in list(col.select(ids, flt)):
                _write_payload(segment, offset, op_num, None)
        case UpdateVectors(points=points, update_filter=flt):
            allowed = _matching_among(col, flt, [pid for pid, _ in points])
            for pid, vectors in points:
                found = col.locate(pid)
                if found is None or (allowed is not None and pid not in allowed):
                    continue
                segment, offset = found
                if segment.version_at(offset) <= op_num:
                    segment, offset = _writable(col, segment, offset)
                    segment.set_vectors(offset, op_num, vectors)
        case DeleteVectors(vector_names=names, ids=ids, filter=flt):
            for segment, offset in list(col.select(ids, flt)):
                if segment.version_at(offset) <= op_num:
                    segment, offset = _writable(col, segment, offset)
                    segment.unset_vectors(offset, op_num, names)


def _writable(col: Collection, segment: Segment, offset: int) -> tuple[Segment, int]:
    """Vectors of a sealed segment never change: move the point to the appendable segment first."""
    if not segment.sealed:
        return segment, offset
    pid = segment.point_id(offset)
    target = col.appendable
    new_offset = target.upsert(pid, segment.version_at(offset), segment.vectors_at(offset),
                               copy.deepcopy(segment.payload_at(offset)))
    segment.delete(pid)
    return target, new_offset


def _write_payload(segment: Segment, offset: int, op_num: int, payload: Payload | None) -> None:
    if segment.version_at(offset) <= op_num:
        segment.set_payload(offset, op_num, payload)


def _matching_among(col: Collection, flt: Filter | None, ids: list[PointId]) -> set[PointId] | None:
    """Which of `ids` (existing points of this batch) satisfy `update_filter` — evaluated for
    those points only, not the whole collection. None when there is no filter."""
    if flt is None:
        return None
    compiled = col.compile(flt)
    by_segment: dict[int, tuple[Segment, list[int]]] = {}
    for pid in ids:
        found = col.locate(pid)
        if found is not None:
            by_segment.setdefault(id(found[0]), (found[0], []))[1].append(found[1])
    allowed: set[PointId] = set()
    for segment, offsets in by_segment.values():
        candidates = np.asarray(sorted(set(offsets)), dtype=np.int64)
        mask = compiled.mask(segment, candidates) if compiled is not None else None
        for offset in candidates[mask[candidates]] if mask is not None else candidates:
            allowed.add(segment.point_id(int(offset)))
    return allowed
