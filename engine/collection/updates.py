"""Applying point operations to segments. Every point lives in one segment; new copies go to the
appendable one and the old copy elsewhere is removed. Versions guard against replaying old ops."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

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
            allowed = _matching_ids(col, flt)
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
            allowed = _matching_ids(col, flt)
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


def _matching_ids(col: Collection, flt: Filter | None) -> set[PointId] | None:
    if flt is None:
        return None
    return {seg.point_id(int(o)) for seg, o in col.select(None, flt)}
