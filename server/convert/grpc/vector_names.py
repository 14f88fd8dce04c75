"""gRPC CreateVectorName / DeleteVectorName → the engine operations REST builds too
(server/convert/vector_names.py), with Qdrant's gRPC checks: the message validator first
(`size` from 1 to 65536, no `turbo4` for sparse), then the conversion (a missing config, an
unknown distance or datatype), then the vector name (a BadInput in the engine)."""

from __future__ import annotations

from typing import Any

from engine.errors import MalformedRequest
from engine.types.config import (
    Datatype,
    Distance,
    Modifier,
    MultiVectorConfig,
    SparseIndexParams,
    SparseVectorParams,
    VectorParams,
)
from engine.types.operations import CreateVectorName, DeleteVectorName
from server.convert.vector_names import check_config

_DISTANCES = {1: Distance.COSINE, 2: Distance.EUCLID, 3: Distance.DOT, 4: Distance.MANHATTAN}
_DATATYPES = {1: Datatype.FLOAT32, 2: Datatype.UINT8, 3: Datatype.FLOAT16, 4: Datatype.TURBO4}
_MODIFIERS = {0: Modifier.NONE, 1: Modifier.IDF}


def _datatype(message: Any) -> Datatype | None:
    if not message.HasField("datatype") or message.datatype == 0:  # `Default`: the storage's default
        return None
    found = _DATATYPES.get(message.datatype)
    if found is None:
        raise MalformedRequest(f"Cannot convert datatype: {message.datatype}")
    return found


def create_vector_name_from_pb(request: Any) -> CreateVectorName:
    which = request.WhichOneof("vector_config")
    if which == "dense_config":
        raw = request.dense_config
        size = int(raw.size)
        check_config(VectorParams(size=size, distance=Distance.COSINE), None, "vector_config.",
                     "Validation error in body")
        if raw.distance == 0:
            raise MalformedRequest("Malformed distance parameter: UnknownDistance")
        distance = _DISTANCES.get(raw.distance)
        if distance is None:
            raise MalformedRequest(f"Malformed distance parameter, unexpected value: {raw.distance}")
        multivector = MultiVectorConfig() if raw.HasField("multivector_config") else None
        dense = VectorParams(size=size, distance=distance, datatype=_datatype(raw), multivector_config=multivector)
        return CreateVectorName(name=request.vector_name, dense=dense)
    if which == "sparse_config":
        raw = request.sparse_config
        datatype = _datatype(raw)
        sparse = SparseVectorParams(index=None if datatype is None else SparseIndexParams(datatype=datatype))
        check_config(None, sparse, "vector_config.", "Validation error in body")
        if raw.HasField("modifier"):
            modifier = _MODIFIERS.get(raw.modifier)
            if modifier is None:
                raise MalformedRequest(f"Cannot convert sparse modifier: {raw.modifier}")
            sparse.modifier = modifier
        return CreateVectorName(name=request.vector_name, sparse=sparse)
    raise MalformedRequest("vector_config is required (dense_config or sparse_config)")


def delete_vector_name_from_pb(request: Any) -> DeleteVectorName:
    return DeleteVectorName(name=request.vector_name)
