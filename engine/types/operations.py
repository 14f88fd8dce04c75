"""Update operations: what goes into the WAL and is applied to segments, each with an operation number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from engine.point_id import PointId
from engine.types.config import SparseVectorParams, VectorParams
from engine.types.filters import Filter
from engine.types.payload_schema import PayloadSchema
from engine.types.points import Payload, PointStruct, Vectors

UpdateMode = Literal["upsert", "insert_only", "update_only"]
UPDATE_MODES: tuple[UpdateMode, ...] = ("upsert", "insert_only", "update_only")


@dataclass(slots=True)
class UpsertPoints:
    points: list[PointStruct]
    update_filter: Filter | None = None
    update_mode: UpdateMode = "upsert"
    """Qdrant 1.19's conditional upsert: `insert_only` skips ids that exist, `update_only` skips
    ids that do not (both still honour `update_filter` for the existing ones)."""


@dataclass(slots=True)
class DeletePoints:
    ids: list[PointId] | None = None
    filter: Filter | None = None


@dataclass(slots=True)
class SetPayload:
    payload: Payload
    ids: list[PointId] | None = None
    filter: Filter | None = None
    key: str | None = None


@dataclass(slots=True)
class OverwritePayload:
    payload: Payload
    ids: list[PointId] | None = None
    filter: Filter | None = None


@dataclass(slots=True)
class DeletePayload:
    keys: list[str]
    ids: list[PointId] | None = None
    filter: Filter | None = None


@dataclass(slots=True)
class ClearPayload:
    ids: list[PointId] | None = None
    filter: Filter | None = None


@dataclass(slots=True)
class UpdateVectors:
    points: list[tuple[PointId, Vectors]]
    update_filter: Filter | None = None


@dataclass(slots=True)
class DeleteVectors:
    vector_names: list[str]
    ids: list[PointId] | None = None
    filter: Filter | None = None


@dataclass(slots=True)
class CreateFieldIndex:
    key: str
    schema: PayloadSchema


@dataclass(slots=True)
class DeleteFieldIndex:
    key: str


@dataclass(slots=True)
class CreateVectorName:
    """Qdrant 1.19's named-vector creation: the collection gains the vector space `name` (exactly
    one of `dense`/`sparse`); every segment gains an empty column, existing points have no value."""

    name: str
    dense: VectorParams | None = None
    sparse: SparseVectorParams | None = None


@dataclass(slots=True)
class DeleteVectorName:
    """The collection loses the vector space `name`: its column goes from every segment."""

    name: str


VectorNameOperation = CreateVectorName | DeleteVectorName

PointOperation = (UpsertPoints | DeletePoints | SetPayload | OverwritePayload | DeletePayload | ClearPayload
                  | UpdateVectors | DeleteVectors)
Operation = PointOperation | CreateFieldIndex | DeleteFieldIndex | CreateVectorName | DeleteVectorName
