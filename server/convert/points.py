"""REST bodies of point updates → engine operations (upsert, delete, payload and vector ops, batch)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from engine.errors import BadRequest, MalformedRequest
from engine.types.operations import (
    UPDATE_MODES,
    ClearPayload,
    CreateFieldIndex,
    DeletePayload,
    DeletePoints,
    DeleteVectors,
    OverwritePayload,
    PointOperation,
    SetPayload,
    UpdateVectors,
    UpsertPoints,
)
from engine.types.points import PointStruct, VectorValue
from server.convert.filters import filter_from_json
from server.convert.json_fields import (
    aliased,
    expect_object,
    format_error,
    payload,
    point_id,
    point_ids,
    req,
    vector_struct,
    vector_value,
)
from server.convert.payload_schema import payload_schema_from_json

VECTOR_ALIAS = {"vectors": "vector"}
"""Qdrant's serde alias in PointStruct, PointVectors and DeleteVectors."""


def upsert_from_json(body: Any) -> UpsertPoints:
    obj = expect_object(body)
    if "batch" in obj:
        points = _batch_points(expect_object(obj["batch"], "batch"))
    else:
        raw_points = req(obj, "points")
        if not isinstance(raw_points, list):
            raise format_error("invalid type for `points`: expected a list")
        plain = _plain_points(raw_points)
        points = plain if plain is not None else [_point(p) for p in raw_points]
    mode = obj.get("update_mode")
    if mode is not None and mode not in UPDATE_MODES:
        raise format_error(f"unknown variant `{mode}`, expected one of `upsert`, `insert_only`, `update_only`")
    return UpsertPoints(points=points, update_filter=filter_from_json(obj.get("update_filter")),
                        update_mode=mode or "upsert")


def _point(raw: Any) -> PointStruct:
    obj = aliased(expect_object(raw, "point"), VECTOR_ALIAS)
    vectors = vector_struct(obj["vector"]) if obj.get("vector") is not None else {}
    return PointStruct(id=point_id(req(obj, "id")), vectors=vectors, payload=payload(obj.get("payload")))


def _plain_points(raw: list[Any]) -> list[PointStruct] | None:
    """`_point` of every item at once when every item is the plain shape (an object whose `vector`
    is a flat list of numbers, of one length for all): one `np.asarray` for the whole batch instead
    of one per point, and the check that no number is a JSON `true`/`false` (which numpy would read
    as 1.0/0.0) only on the rows that hold an exact 0 or 1. None when any item is of another shape
    or any vector is not valid: the caller then reads the items one by one, so errors are reported
    as `_point` reports them. With every vector valid, ids and payloads are read in `_point`'s order
    (item by item, the id before the payload), so their errors are the same as well."""
    vectors = []
    for p in raw:
        if type(p) is not dict or "vectors" in p:
            return None
        vector = p.get("vector")
        if type(vector) is not list or not vector or type(vector[0]) not in (float, int):
            return None
        vectors.append(vector)
    if not vectors:
        return None
    try:
        matrix = np.asarray(vectors, dtype=np.float32)
    except (TypeError, ValueError, OverflowError):
        return None  # ragged, nested or not numbers: `_point` says which item and why
    if matrix.ndim != 2:
        return None
    for i in np.flatnonzero(((matrix == 0.0) | (matrix == 1.0)).any(axis=1)):
        if bool in set(map(type, vectors[i])):
            return None
    return [PointStruct(id=point_id(req(p, "id")), vectors={"": row}, payload=payload(p.get("payload")))
            for p, row in zip(raw, matrix, strict=True)]


def _batch_points(batch: dict[str, Any]) -> list[PointStruct]:
    ids = point_ids(req(batch, "ids"), "ids")
    raw_vectors = req(batch, "vectors")
    columns: dict[str, list[VectorValue]]
    if isinstance(raw_vectors, list):
        columns = {"": [vector_value(v) for v in raw_vectors]}
    elif isinstance(raw_vectors, dict):
        columns = {name: [vector_value(v) for v in vs] for name, vs in raw_vectors.items()}
    else:
        raise format_error("invalid type for `batch.vectors`")
    payloads = batch.get("payloads")
    if payloads is not None and (not isinstance(payloads, list) or len(payloads) != len(ids)):
        raise format_error("`batch.payloads` must be a list with one entry per id")
    for name, column in columns.items():
        if len(column) != len(ids):
            raise format_error(f"`batch.vectors` {name or 'default'} must have one vector per id")
    return [
        PointStruct(id=pid, vectors={name: column[i] for name, column in columns.items()},
                    payload=payload(payloads[i]) if payloads is not None else None)
        for i, pid in enumerate(ids)
    ]


def _selector(obj: dict[str, Any]) -> tuple[list[Any] | None, Any]:
    """`points` (ids) or `filter`, exactly one (as Qdrant's PointsSelector)."""
    ids = point_ids(obj["points"]) if obj.get("points") is not None else None
    flt = filter_from_json(obj.get("filter"))
    if ids is None and flt is None:
        raise format_error("either `points` or `filter` is required")
    return ids, flt


def delete_from_json(body: Any) -> DeletePoints:
    obj = expect_object(body)
    ids, flt = _selector(obj)
    return DeletePoints(ids=ids, filter=flt if ids is None else None)


def set_payload_from_json(body: Any) -> SetPayload:
    obj = expect_object(body)
    ids, flt = _selector(obj)
    key = obj.get("key")
    if key is not None and not isinstance(key, str):
        raise format_error("invalid type for `key`: expected a string")
    return SetPayload(payload=payload(req(obj, "payload")) or {}, ids=ids, filter=flt, key=key)


OVERWRITE_KEY_UNSUPPORTED = "`key` is not supported for overwrite payload by this server"
"""Shared by REST and gRPC: refuse rather than silently overwrite the whole payload."""


def overwrite_payload_from_json(body: Any) -> OverwritePayload:
    obj = expect_object(body)
    if obj.get("key") is not None:
        raise BadRequest(OVERWRITE_KEY_UNSUPPORTED)
    ids, flt = _selector(obj)
    return OverwritePayload(payload=payload(req(obj, "payload")) or {}, ids=ids, filter=flt)


def delete_payload_from_json(body: Any) -> DeletePayload:
    obj = expect_object(body)
    keys = req(obj, "keys")
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise format_error("invalid type for `keys`: expected a list of strings")
    ids, flt = _selector(obj)
    return DeletePayload(keys=keys, ids=ids, filter=flt)


def clear_payload_from_json(body: Any) -> ClearPayload:
    obj = expect_object(body)
    ids, flt = _selector(obj)
    return ClearPayload(ids=ids, filter=flt)


def update_vectors_from_json(body: Any) -> UpdateVectors:
    obj = expect_object(body)
    raw = req(obj, "points")
    if not isinstance(raw, list) or not raw:
        raise format_error("`points` must be a non-empty list")
    points = []
    for item in raw:
        p = aliased(expect_object(item, "point vectors"), VECTOR_ALIAS)
        points.append((point_id(req(p, "id")), vector_struct(req(p, "vector"))))
    return UpdateVectors(points=points, update_filter=filter_from_json(obj.get("update_filter")))


def delete_vectors_from_json(body: Any) -> DeleteVectors:
    obj = aliased(expect_object(body), VECTOR_ALIAS)
    names = req(obj, "vector")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise format_error("`vector` must be a non-empty list of vector names")
    ids, flt = _selector(obj)
    return DeleteVectors(vector_names=names, ids=ids, filter=flt)


def create_index_from_json(body: Any) -> CreateFieldIndex:
    obj = expect_object(body)
    name = req(obj, "field_name")
    if not isinstance(name, str) or not name:
        raise format_error("`field_name` must be a non-empty string")
    if obj.get("field_schema") is None:
        raise format_error("`field_schema` is required")
    return CreateFieldIndex(key=name, schema=payload_schema_from_json(obj["field_schema"]))


_BATCH_KINDS: dict[str, Callable[[Any], PointOperation]] = {
    "upsert": upsert_from_json,
    "delete": delete_from_json,
    "set_payload": set_payload_from_json,
    "overwrite_payload": overwrite_payload_from_json,
    "delete_payload": delete_payload_from_json,
    "clear_payload": clear_payload_from_json,
    "update_vectors": update_vectors_from_json,
    "delete_vectors": delete_vectors_from_json,
}


def batch_from_json(body: Any) -> list[PointOperation]:
    obj = expect_object(body)
    raw_ops = req(obj, "operations")
    if not isinstance(raw_ops, list):
        raise format_error("`operations` must be a list")
    return [_batch_operation(expect_object(raw, "operation")) for raw in raw_ops]


def _batch_operation(op: dict[str, Any]) -> PointOperation:
    """One `operations` item, read as serde reads Qdrant's untagged `UpdateOperation`
    (src/common/update.rs): the variants in their order, the first whose key is present and whose
    body reads wins; other keys are ignored (no variant denies unknown fields)."""
    for kind, convert in _BATCH_KINDS.items():
        if kind in op:
            try:
                return convert(op[kind])
            except MalformedRequest:
                continue
    raise format_error("data did not match any variant of untagged enum UpdateOperation")
