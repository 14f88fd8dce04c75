"""An appendable segment: points stored in numpy columns and searched exactly.

A segment owns a slice of a collection's points. Every point lives in exactly one segment; the
collection routes updates. Each point carries a version (the operation number that last wrote it):
an operation older than the point's version is ignored, which makes WAL replay idempotent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, cast

import numpy as np

from engine.filters import CompiledFilter
from engine.json_path import extract_values, parse_path
from engine.payload_index import AutoIndexes, PayloadIndex, create_payload_index, values_by_offset
from engine.point_id import PointId
from engine.quantization import Quantized
from engine.segment.column_image import ColumnImage
from engine.segment.hnsw_index import HnswIndex
from engine.segment.id_tracker import IdTracker
from engine.segment.multi_column import MultiColumn
from engine.segment.payload_store import PayloadStore
from engine.segment.rwlock import RWLock
from engine.segment.sparse_column import SparseColumn
from engine.segment.vector_column import VectorColumn
from engine.types.config import SparseVectorParams, VectorParams
from engine.types.filters import FieldCondition
from engine.types.payload_schema import PayloadSchema
from engine.types.points import Payload, SparseVector, Vectors, VectorValue

Column = VectorColumn | MultiColumn | SparseColumn


class Segment:
    def __init__(self, vectors: dict[str, VectorParams],
                 sparse: dict[str, SparseVectorParams] | None = None) -> None:
        self.ids = IdTracker()
        self.dense: dict[str, VectorColumn] = {
            name: VectorColumn(p.size, p.distance, p.storage_type)
            for name, p in vectors.items() if p.multivector_config is None
        }
        self.multi: dict[str, MultiColumn] = {
            name: MultiColumn(p.size, p.distance, p.storage_type)
            for name, p in vectors.items() if p.multivector_config is not None
        }
        self.sparse: dict[str, SparseColumn] = {name: SparseColumn() for name in sparse or {}}
        self.columns: dict[str, Column] = {**self.dense, **self.multi, **self.sparse}
        """Every named vector of any kind (same objects as in `dense`, `multi`, `sparse`)."""
        self.payloads = PayloadStore()
        """Payload by offset (None: no payload); packed bytes for a segment loaded from a base."""
        self.alive = np.zeros(64, dtype=bool)
        self.indexes: dict[str, PayloadIndex] = {}
        self.auto_indexes = AutoIndexes()
        """Hidden indexes for filters on keys without a payload index (engine/payload_index/auto.py)."""
        self.hnsw: dict[str, HnswIndex] = {}
        self.quantized: dict[str, Quantized] = {}
        """Quantized codes of dense vectors, built with the graphs of a sealed segment (rows = offsets)."""
        self.lock = RWLock()
        """Readers share it, the shard's writer takes it alone (protocol: engine/shard/holder.py)."""
        self.sealed = False
        self.indexing = False
        """A sealed segment takes no new points and no vector changes (its graph would go stale);
        payload changes and deletes still apply in place."""

    # ---- FilterTarget protocol -------------------------------------------------------------
    @property
    def size(self) -> int:
        return self.ids.size

    def payload_at(self, offset: int) -> dict[str, Any] | None:
        return self.payloads[offset]

    def payloads_at(self, offsets: list[int]) -> Iterator[dict[str, Any] | None]:
        """`payload_at` of many ascending offsets: packed payloads are decoded in runs."""
        return self.payloads.many(offsets)

    def offsets_for_ids(self, ids: Iterable[PointId]) -> np.ndarray:
        return self.ids.offsets_for(ids)

    def vector_mask(self, name: str) -> np.ndarray:
        column = self.columns.get(name)
        if column is None:
            return np.zeros(self.size, dtype=bool)
        column.ensure_capacity(self.size)
        return column.present[: self.size].copy()

    def payload_index(self, key: str) -> PayloadIndex | None:
        return self.indexes.get(key)

    def auto_index(self, cond: FieldCondition) -> PayloadIndex | None:
        """The optional HasAutoIndexes protocol: a hidden index answering `cond` (unindexed key)."""
        return self.auto_indexes.get(cond, self.payloads, self.size)

    def point_id_at(self, offset: int) -> PointId | None:
        """External id of a live offset (the optional HasPointIds protocol, used by `slice`)."""
        return self.ids.point_id(offset) if self.alive[offset] else None

    # ---- reads -----------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.ids)

    def live_mask(self) -> np.ndarray:
        return self.alive[: self.size].copy()

    def matching(self, flt: CompiledFilter | None) -> np.ndarray:
        """Offsets of live points that satisfy `flt` (all live points when None)."""
        live = self.live_mask()
        if flt is None:
            return np.flatnonzero(live)
        return flt.candidates(self, live)

    def offset_of(self, pid: PointId) -> int | None:
        return self.ids.offset_of(pid)

    def version_at(self, offset: int) -> int:
        return int(self.ids.versions[offset])

    def versions_at(self, offsets: list[int] | np.ndarray) -> list[int]:
        """`version_at` of many offsets in one gather."""
        out: list[int] = self.ids.versions[offsets].tolist()
        return out

    def point_id(self, offset: int) -> PointId:
        return self.ids.point_id(offset)

    def point_ids(self, offsets: list[int]) -> list[PointId]:
        """`point_id` of many offsets."""
        return self.ids.point_ids(offsets)

    def vectors_at(self, offset: int, names: Iterable[str] | None = None) -> Vectors:
        wanted = self.columns if names is None else names
        out: Vectors = {}
        for name in wanted:
            column = self.columns.get(name)
            if column is not None:
                vec = column.get(offset)
                if vec is not None:
                    out[name] = vec
        return out

    # ---- vector spaces ---------------------------------------------------------------------
    def add_vector(self, name: str, dense: VectorParams | None, sparse: SparseVectorParams | None) -> None:
        """A new named vector (Qdrant 1.19's create_vector_name): an empty column, so existing points
        have no value for it. Idempotent. The dicts are replaced, not mutated (the caller holds the
        segment's write lock; code that took a dict before keeps a consistent one)."""
        if name in self.columns:
            return
        column: Column
        if dense is not None and dense.multivector_config is None:
            column = VectorColumn(dense.size, dense.distance, dense.storage_type)
            self.dense = {**self.dense, name: column}
        elif dense is not None:
            column = MultiColumn(dense.size, dense.distance, dense.storage_type)
            self.multi = {**self.multi, name: column}
        elif sparse is not None:
            column = SparseColumn()
            self.sparse = {**self.sparse, name: column}
        else:
            raise TypeError("a new vector needs dense or sparse params")
        column.ensure_capacity(self.alive.shape[0])  # readers slice any column to [: size]
        self.columns = {**self.dense, **self.multi, **self.sparse}

    def drop_vector(self, name: str) -> None:
        """The named vector goes with its graph and codes (Qdrant 1.19's delete_vector_name). Idempotent."""
        if name not in self.columns:
            return
        self.dense = {k: v for k, v in self.dense.items() if k != name}
        self.multi = {k: v for k, v in self.multi.items() if k != name}
        self.sparse = {k: v for k, v in self.sparse.items() if k != name}
        self.hnsw = {k: v for k, v in self.hnsw.items() if k != name}
        self.quantized = {k: v for k, v in self.quantized.items() if k != name}
        self.columns = {**self.dense, **self.multi, **self.sparse}

    # ---- writes ----------------------------------------------------------------------------
    def _grow(self, capacity: int) -> None:
        """Room for `capacity` offsets in the live mask and in every column, so that readers can
        slice `[: size]` of any of them without growing anything themselves."""
        if capacity > self.alive.shape[0]:
            grown = np.zeros(max(capacity, self.alive.shape[0] * 2), dtype=bool)
            grown[: self.alive.shape[0]] = self.alive
            self.alive = grown
        for column in self.columns.values():
            column.ensure_capacity(capacity)

    def upsert(self, pid: PointId, version: int, vectors: Vectors, payload: Payload | None) -> int:
        """Insert or fully replace a point (all vectors and the payload); returns its offset."""
        offset = self.ids.offset_of(pid)
        if offset is None:
            offset = self.ids.allocate(pid)
            self._grow(offset + 1)
            self.payloads.append(None)
        for name, column in self.columns.items():
            vec = vectors.get(name)
            if vec is None:
                column.unset(offset)
            else:
                self._set_vector(name, offset, vec)
        self.alive[offset] = True
        self.ids.versions[offset] = version
        self._write_payload(offset, payload)
        return offset

    def _set_vector(self, name: str, offset: int, vec: VectorValue) -> None:
        """Store one validated vector in the column of its kind."""
        match self.columns[name], vec:
            case SparseColumn() as sparse, SparseVector():
                sparse.set(offset, vec)
            case (VectorColumn() | MultiColumn()) as column, np.ndarray():
                column.set(offset, vec)
            case _:
                raise TypeError(f"vector {name!r} of the wrong kind reached the segment")

    def append_new(self, ids: list[PointId], version: int, vectors: list[Vectors],
                   payloads: list[Payload | None]) -> None:
        """Insert points that are in no segment yet (an ingest batch; ids distinct): each dense
        column gets its rows in one slice assignment instead of one row per point."""
        start = self.ids.allocate_many(ids)
        end = self.size
        self._grow(end)
        for name, column in self.columns.items():
            having = [i for i, v in enumerate(vectors) if name in v]
            if isinstance(column, VectorColumn) and len(having) == len(vectors) and having:
                column.set_rows(start, np.stack([cast(np.ndarray, v[name]) for v in vectors]).astype(np.float32, copy=False))
                continue
            for i in having:
                self._set_vector(name, start + i, vectors[i][name])
        self.ids.versions[start:end] = version
        self.payloads.extend(p if p else None for p in payloads)
        for key, index in self.indexes.items():
            path = parse_path(key)
            for i, payload in enumerate(payloads):
                values = extract_values(payload, path) if payload else None
                if values:
                    index.add(start + i, values)
        # the hidden indexes too: a filter on an unindexed key must find the new points (a
        # delete by such a filter missed them, and the points it should have deleted stayed)
        self.auto_indexes.write_new(start, payloads)
        self.alive[start:end] = True  # last: the new points are complete when they appear

    def bulk_insert(self, ids: list[PointId], versions: np.ndarray, vectors: dict[str, ColumnImage],
                    payloads: list[Payload | None]) -> None:
        """Append many new points at once (optimizer rebuilds); vectors are copied column images
        (stored form) aligned with `ids`."""
        start = self.size
        for pid in ids:
            self.ids.allocate(pid)
        end = self.size
        self._grow(end)
        self.alive[start:end] = True
        self.ids.versions[start:end] = versions
        self.payloads.extend(payloads)
        for name, image in vectors.items():
            self.columns[name].load(start, image)
        for key in list(self.indexes):
            self.create_index(key, self.indexes[key].schema)
        self.auto_indexes.clear()

    def delete(self, pid: PointId) -> bool:
        offset = self.ids.remove(pid)
        if offset is None:
            return False
        self.alive[offset] = False
        for index in self.hnsw.values():
            index.mark_deleted(offset)
        # Dense rows of a sealed segment stay (its graph refers to them); multi and sparse vectors
        # have no graph, and sparse posting lists must drop the point (they count for IDF).
        columns: list[Column] = [*self.multi.values(), *self.sparse.values()]
        if not self.sealed:
            columns.extend(self.dense.values())
        for column in columns:
            column.unset(offset)
        self._write_payload(offset, None)
        return True

    def set_payload(self, offset: int, version: int, payload: Payload | None) -> None:
        self.ids.versions[offset] = version
        self._write_payload(offset, payload)

    def set_vectors(self, offset: int, version: int, vectors: Vectors) -> None:
        for name, vec in vectors.items():
            if name in self.columns:  # a WAL record replayed after its vector was deleted
                self._set_vector(name, offset, vec)
        self.ids.versions[offset] = version

    def unset_vectors(self, offset: int, version: int, names: Iterable[str]) -> None:
        for name in names:
            column = self.columns.get(name)
            if column is not None:
                column.unset(offset)
        self.ids.versions[offset] = version

    def _write_payload(self, offset: int, payload: Payload | None) -> None:
        stored = payload if payload else None
        self.payloads[offset] = stored
        self.auto_indexes.write(offset, stored)
        for key, index in self.indexes.items():
            index.remove(offset)
            if payload:
                values = extract_values(payload, parse_path(key))
                if values:
                    index.add(offset, values)

    # ---- payload indexes -------------------------------------------------------------------
    def create_index(self, key: str, schema: PayloadSchema) -> None:
        index = create_payload_index(key, schema)
        live = np.flatnonzero(self.live_mask()).tolist()
        index.add_many(values_by_offset(self.payloads, parse_path(key), live))
        self.indexes[key] = index
        self.auto_indexes.drop_key(key)

    def drop_index(self, key: str) -> None:
        self.indexes.pop(key, None)

    def indexed_vectors(self) -> int:
        return sum(index.count for index in self.hnsw.values())

    def vector_bytes(self) -> int:
        """Size of the live vectors, the measure of Qdrant's `indexing_threshold` (KB)."""
        live = len(self.ids)
        return sum(live * column.row_bytes for column in self.dense.values())

    def index_points(self, key: str) -> int:
        index = self.indexes.get(key)
        return 0 if index is None else int(index.points_count)
