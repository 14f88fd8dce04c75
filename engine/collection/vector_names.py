"""Creating and deleting named vectors (Qdrant 1.19's `PUT/DELETE /collections/{c}/vectors/{name}`):
the checks Qdrant makes before the operation goes to the shard, with its error texts.

The shard applies the operation (engine/shard/shard.py): the config gains or loses the vector and
every segment gains an empty column or drops it. Creating a vector that exists with the same
schema is a no-op that still answers an operation; with another schema it is refused. Deleting a
vector that does not exist is a no-op too (as Qdrant's `remove_vector_from_config`)."""

from __future__ import annotations

from engine.errors import BadInput
from engine.types.config import CollectionParams, SparseVectorParams, VectorParams
from engine.types.operations import CreateVectorName

MAX_NAME_BYTES = 200
INVALID_NAME_CHARS = ("<", ">", ":", '"', "/", "\\", "|", "?", "*", "\0", "\x1f")
"""Vector names become file names in Qdrant, hence its rules: at most 200 bytes, none of these."""


def name_problem(name: str) -> str | None:
    """What is wrong with a vector name, in Qdrant's words (None: nothing)."""
    if len(name.encode()) > MAX_NAME_BYTES:
        return f"vector name must be at most {MAX_NAME_BYTES} bytes long"
    for char in INVALID_NAME_CHARS:
        if char in name:
            return f'vector name cannot contain "{char}" char'
    return None


def check_name(name: str) -> None:
    problem = name_problem(name)
    if problem is not None:
        raise BadInput(f"Invalid vector name `{name}`: {problem}")


def _dense_matches(existing: VectorParams, new: VectorParams) -> bool:
    """Only the schema counts: HNSW, quantization and placement may have been tuned since."""
    return (existing.size, existing.distance, existing.multivector_config, existing.datatype) == \
        (new.size, new.distance, new.multivector_config, new.datatype)


def _sparse_matches(existing: SparseVectorParams, new: SparseVectorParams) -> bool:
    def datatype(p: SparseVectorParams) -> object:
        return None if p.index is None else p.index.datatype

    return existing.modifier == new.modifier and datatype(existing) == datatype(new)


def check_create(params: CollectionParams, op: CreateVectorName) -> None:
    """Refuse a name taken by a vector of another schema or kind (Qdrant's `add_vector_to_config`)."""
    check_name(op.name)
    name, dense, sparse = op.name, params.vectors.get(op.name), params.sparse(op.name)
    if op.dense is not None:
        if dense is not None and not _dense_matches(dense, op.dense):
            raise BadInput(f"Vector `{name}` already exists with a different configuration")
        if sparse is not None:
            raise BadInput(f"Vector `{name}` already exists as a sparse vector")
    elif op.sparse is not None:
        if sparse is not None and not _sparse_matches(sparse, op.sparse):
            raise BadInput(f"Sparse vector `{name}` already exists with a different configuration")
        if dense is not None:
            raise BadInput(f"Vector `{name}` already exists as a dense vector")
