"""Wire scalars shared by every gRPC message: payload `Value`/`Struct` maps, `PointId`, vectors,
payload/vector selectors.

Payload values keep Qdrant's int/double distinction: a Python int travels as `integer_value`
(int64), a float as `double_value`; ints outside int64 (REST accepts u64) degrade to double, as
serde_json → prost does in Qdrant.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from engine.errors import BadInput, BadRequest, ValidationError
from engine.point_id import PointId, parse_point_id
from engine.types.points import PayloadSelector, SparseVector, Vectors, VectorSelector, VectorValue
from server.pb import json_with_int_pb2 as jpb
from server.pb import points_pb2 as ppb
from server.pb import qdrant_common_pb2 as cpb

I64_MIN, I64_MAX = -(2**63), 2**63 - 1


class GrpcInputError(BadInput):
    """A message that cannot be read as Qdrant reads it (gRPC INVALID_ARGUMENT, as any BadInput)."""


def invalid(detail: str) -> ValidationError:
    """Qdrant's validation failure on a gRPC message (INVALID_ARGUMENT)."""
    return ValidationError(f"Validation error in body: [{detail}]")


# ---- payload values --------------------------------------------------------------------------


def value_from_pb(value: Any) -> Any:
    """`qdrant.Value` → plain JSON-like Python (dict/list/str/int/float/bool/None)."""
    kind = value.WhichOneof("kind")
    match kind:
        case "null_value" | None:
            return None
        case "double_value":
            number = value.double_value
            if not math.isfinite(number):
                raise GrpcInputError("payload contains a non-finite number")
            return number
        case "integer_value":
            return value.integer_value
        case "string_value":
            return value.string_value
        case "bool_value":
            return value.bool_value
        case "struct_value":
            return struct_from_pb(value.struct_value.fields)
        case "list_value":
            return [value_from_pb(v) for v in value.list_value.values]
    raise GrpcInputError(f"unknown payload value kind {kind!r}")


def struct_from_pb(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A `map<string, Value>` (payload, Struct.fields) → dict."""
    return {key: value_from_pb(v) for key, v in fields.items()}


def value_to_pb(obj: Any) -> Any:
    """Plain Python → `qdrant.Value` (bool before int: a bool is never an integer_value)."""
    match obj:
        case None:
            return jpb.Value(null_value=jpb.NULL_VALUE)
        case bool():
            return jpb.Value(bool_value=obj)
        case int():
            if I64_MIN <= obj <= I64_MAX:
                return jpb.Value(integer_value=obj)
            return jpb.Value(double_value=float(obj))
        case float():
            return jpb.Value(double_value=obj)
        case str():
            return jpb.Value(string_value=obj)
        case dict():
            return jpb.Value(struct_value=jpb.Struct(fields=struct_to_pb(obj)))
        case list() | tuple():
            return jpb.Value(list_value=jpb.ListValue(values=[value_to_pb(v) for v in obj]))
    return jpb.Value(string_value=str(obj))


def struct_to_pb(obj: Mapping[str, Any] | None) -> dict[str, Any]:
    """dict → the value of a `map<string, Value>` field (assignable in a message constructor)."""
    return {} if not obj else {str(k): value_to_pb(v) for k, v in obj.items()}


# ---- point ids -------------------------------------------------------------------------------


def point_id_from_pb(pid: Any) -> PointId:
    kind = pid.WhichOneof("point_id_options")
    if kind == "num":
        return int(pid.num)
    if kind == "uuid":
        return parse_point_id(pid.uuid)
    raise GrpcInputError("Unable to parse point id: empty PointId (set `num` or `uuid`)")


def point_ids_from_pb(ids: Iterable[Any]) -> list[PointId]:
    return [point_id_from_pb(p) for p in ids]


def point_id_to_pb(pid: PointId) -> Any:
    return cpb.PointId(num=pid) if isinstance(pid, int) else cpb.PointId(uuid=pid)


# ---- vectors ---------------------------------------------------------------------------------


def dense(data: Any) -> np.ndarray:
    """Repeated float → float32 array; an empty vector is wrong input (REST: a format error)."""
    arr = np.asarray(data, dtype=np.float32)
    if arr.size == 0:
        raise GrpcInputError("Empty vector: expected a non-empty list of numbers")
    return arr


def sparse_from_pb(indices: Any, values: Any) -> SparseVector:
    """Repeated uint32 indices (u32 by the wire type) and float values; Qdrant's other checks."""
    if len(indices) != len(values):
        raise invalid("values: must be the same length as indices")
    if len(set(indices)) != len(indices):
        raise invalid("indices: must be unique")
    return SparseVector(np.asarray(indices, dtype=np.uint32), np.asarray(values, dtype=np.float32))


def multi_from_pb(vectors: Any) -> np.ndarray:
    rows = [dense(v.data) for v in vectors]
    if not rows:
        raise GrpcInputError("Empty multivector: expected at least one vector")
    if len({r.shape[0] for r in rows}) != 1:
        raise invalid("all vectors of a multivector must have the same dimension")
    return np.stack(rows)


def _flat_multi(data: Any, count: int) -> np.ndarray:
    """The deprecated flat form: `data` holds `vectors_count` rows end to end."""
    flat = dense(data)
    if count < 1 or flat.shape[0] % count:
        raise invalid(f"vectors_count {count} does not divide the {flat.shape[0]} values of the multivector")
    return flat.reshape(count, -1)


def vector_from_pb(vector: Any) -> VectorValue:
    """`qdrant.Vector` / `VectorInput`-like messages: dense, sparse or multi_dense (also the
    deprecated flat `data` + `indices` / `vectors_count` form)."""
    kind = vector.WhichOneof("vector")
    match kind:
        case "dense":
            return dense(vector.dense.data)
        case "sparse":
            return sparse_from_pb(vector.sparse.indices, vector.sparse.values)
        case "multi_dense":
            return multi_from_pb(vector.multi_dense.vectors)
        case None:
            if vector.HasField("indices"):
                return sparse_from_pb(vector.indices.data, vector.data)
            if vector.HasField("vectors_count"):
                return _flat_multi(vector.data, vector.vectors_count)
            return dense(vector.data)
    raise BadRequest(f"inference ({kind}) is not supported by this server: send vectors")


def vectors_from_pb(vectors: Any) -> Vectors:
    """`qdrant.Vectors`: one unnamed vector (stored under "") or named vectors."""
    kind = vectors.WhichOneof("vectors_options")
    if kind == "vector":
        return {"": vector_from_pb(vectors.vector)}
    if kind == "vectors":
        return {name: vector_from_pb(v) for name, v in vectors.vectors.vectors.items()}
    return {}


def vector_to_pb(vector: VectorValue) -> Any:
    """Engine vector → `VectorOutput` (dense, sparse or multi_dense variant)."""
    match vector:
        case SparseVector(indices=indices, values=values):
            return ppb.VectorOutput(sparse=ppb.SparseVector(indices=indices.tolist(), values=values.tolist()))
        case np.ndarray() if vector.ndim == 2:
            return ppb.VectorOutput(multi_dense=ppb.MultiDenseVector(
                vectors=[ppb.DenseVector(data=row.tolist()) for row in vector]))
    return ppb.VectorOutput(dense=ppb.DenseVector(data=vector.tolist()))


def vectors_to_pb(vectors: Mapping[str, VectorValue], unnamed: bool) -> Any:
    """Engine vectors → `VectorsOutput`: the unnamed vector alone as `vector`, else a name map
    (as REST, see `results.vectors_to_json`)."""
    if set(vectors) == {""}:  # also in a collection whose unnamed vector became "" next to named ones
        return ppb.VectorsOutput(vector=vector_to_pb(vectors[""]))
    return ppb.VectorsOutput(vectors=ppb.NamedVectorsOutput(vectors={
        name: vector_to_pb(v) for name, v in vectors.items()
    }))


# ---- selectors -------------------------------------------------------------------------------


def with_payload_from_pb(selector: Any, present: bool, default: bool) -> PayloadSelector:
    """`WithPayloadSelector`; `present` says whether the (optional) field was sent at all."""
    kind = selector.WhichOneof("selector_options") if present else None
    match kind:
        case "enable":
            return PayloadSelector(selector.enable)
        case "include":
            return PayloadSelector(True, include=list(selector.include.fields))
        case "exclude":
            return PayloadSelector(True, exclude=list(selector.exclude.fields))
    return PayloadSelector(default)


def with_vectors_from_pb(selector: Any, present: bool) -> VectorSelector:
    kind = selector.WhichOneof("selector_options") if present else None
    match kind:
        case "enable":
            return bool(selector.enable)
        case "include":
            return list(selector.include.names)
    return False
