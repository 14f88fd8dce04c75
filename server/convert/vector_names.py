"""Named-vector creation/deletion (`PUT/DELETE /collections/{c}/vectors/{name}`, gRPC
CreateVectorName/DeleteVectorName) → engine operations, with Qdrant 1.19's reading of the body.

The body is Qdrant's untagged `VectorNameConfig`: `{"dense": DenseVectorConfig}` is tried first,
then `{"sparse": SparseVectorConfig}`; a body neither reads as is serde's untagged error (any
malformed field of `dense` makes the dense variant fail). Unknown fields are ignored. Then the
validator: `dense.size` from 1 to 65536, no `turbo4` for sparse vectors (422)."""

from __future__ import annotations

from typing import Any

from engine.collection.vector_names import name_problem
from engine.errors import ValidationError
from engine.types.config import (
    Comparator,
    Datatype,
    Distance,
    Modifier,
    MultiVectorConfig,
    SparseIndexParams,
    SparseVectorParams,
    VectorParams,
)
from engine.types.operations import CreateVectorName, DeleteVectorName
from server.convert.json_fields import format_error

MAX_SIZE = 65536
_UNTAGGED = "data did not match any variant of untagged enum VectorNameConfig"


class _NoMatch(Exception):
    """This variant does not read the body (serde then tries the next one)."""


def _optional_enum(obj: dict[str, Any], key: str, kind: type[Any]) -> Any:
    raw = obj.get(key)
    if raw is None:
        return None
    try:
        return kind(raw)
    except ValueError:
        raise _NoMatch from None


def _dense(raw: Any) -> VectorParams:
    if not isinstance(raw, dict):
        raise _NoMatch
    size = raw.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise _NoMatch
    distance = raw.get("distance")
    if distance not in {d.value for d in Distance}:
        raise _NoMatch
    multivector = raw.get("multivector_config")
    if multivector is not None and (not isinstance(multivector, dict)
                                    or multivector.get("comparator") != Comparator.MAX_SIM.value):
        raise _NoMatch
    return VectorParams(size=size, distance=Distance(distance), datatype=_optional_enum(raw, "datatype", Datatype),
                        multivector_config=None if multivector is None else MultiVectorConfig())


def _sparse(raw: Any) -> SparseVectorParams:
    if not isinstance(raw, dict):
        raise _NoMatch
    modifier = _optional_enum(raw, "modifier", Modifier)
    datatype = _optional_enum(raw, "datatype", Datatype)
    return SparseVectorParams(index=None if datatype is None else SparseIndexParams(datatype=datatype),
                              modifier=modifier)


def _read(body: Any) -> tuple[VectorParams | None, SparseVectorParams | None]:
    if isinstance(body, dict) and "dense" in body:
        try:
            return _dense(body["dense"]), None
        except _NoMatch:
            pass
    if isinstance(body, dict) and "sparse" in body:
        try:
            return None, _sparse(body["sparse"])
        except _NoMatch:
            pass
    raise format_error(_UNTAGGED)


def check_config(dense: VectorParams | None, sparse: SparseVectorParams | None, where: str, prefix: str) -> None:
    """Qdrant's validator over a read config; `where` labels the fields (`dense.`/`sparse.` in REST)."""
    if dense is not None and not 1 <= dense.size <= MAX_SIZE:
        raise ValidationError(f"{prefix}: [{where}size: value {dense.size} invalid, must be from 1 to {MAX_SIZE}]")
    if sparse is not None and sparse.index is not None and sparse.index.datatype is Datatype.TURBO4:
        raise ValidationError(f"{prefix}: [{where}datatype: sparse vectors do not support the `turbo4` datatype]")


def check_path_name(name: str) -> None:
    """The REST path's validator (before the body is read): 422 in Qdrant's path-parameter form."""
    problem = name_problem(name)
    if problem is not None:
        raise ValidationError(f"Validation error in path parameters: [vector_name: {problem}]")


def create_vector_name_from_json(name: str, body: Any) -> CreateVectorName:
    if body is None:
        raise format_error("EOF while parsing a value at line 1 column 0")
    dense, sparse = _read(body)
    check_config(dense, sparse, "dense." if dense is not None else "sparse.", "Validation error in JSON body")
    return CreateVectorName(name=name, dense=dense, sparse=sparse)


def delete_vector_name(name: str) -> DeleteVectorName:
    return DeleteVectorName(name=name)
