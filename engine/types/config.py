"""Collection configuration: vectors, HNSW, optimizers, WAL, with Qdrant's defaults in one place."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, replace
from typing import Any


class Distance(enum.Enum):
    COSINE = "Cosine"
    DOT = "Dot"
    EUCLID = "Euclid"
    MANHATTAN = "Manhattan"


class Datatype(enum.Enum):
    FLOAT32 = "float32"
    FLOAT16 = "float16"
    UINT8 = "uint8"
    TURBO4 = "turbo4"
    """Dense only: each vector kept as its 4-bit TurboQuant reconstruction (lossy, as Qdrant 1.19)."""


@dataclass(slots=True)
class HnswConfig:
    m: int = 16
    ef_construct: int = 100
    full_scan_threshold: int = 10000
    max_indexing_threads: int = 0
    on_disk: bool | None = False
    payload_m: int | None = None
    inline_storage: bool | None = None


HNSW_FIELDS = ("m", "ef_construct", "full_scan_threshold", "max_indexing_threads", "on_disk", "payload_m",
               "inline_storage")


@dataclass(slots=True)
class OptimizersConfig:
    deleted_threshold: float = 0.2
    vacuum_min_vector_number: int = 1000
    default_segment_number: int = 0
    max_segment_size: int | None = None
    memmap_threshold: int | None = None
    indexing_threshold: int | None = 10000
    flush_interval_sec: int = 5
    max_optimization_threads: int | None = None
    prevent_unoptimized: bool | None = None


OPTIMIZER_FIELDS = ("deleted_threshold", "vacuum_min_vector_number", "default_segment_number",
                    "max_segment_size", "memmap_threshold", "indexing_threshold", "flush_interval_sec",
                    "max_optimization_threads", "prevent_unoptimized")


@dataclass(slots=True)
class WalConfig:
    wal_capacity_mb: int = 32
    wal_segments_ahead: int = 0
    wal_retain_closed: int = 1


WAL_FIELDS = ("wal_capacity_mb", "wal_segments_ahead", "wal_retain_closed")


class Comparator(enum.Enum):
    MAX_SIM = "max_sim"


@dataclass(slots=True)
class MultiVectorConfig:
    """A point's vector is a matrix (any number of rows); `max_sim` scores it against a query matrix."""

    comparator: Comparator = Comparator.MAX_SIM


@dataclass(slots=True)
class VectorParams:
    """One dense vector space (or multivector space when `multivector_config` is set).
    `hnsw_config` holds only the per-vector overrides (a diff)."""

    size: int
    distance: Distance
    hnsw_config: dict[str, Any] | None = None
    quantization_config: dict[str, Any] | None = None
    on_disk: bool | None = None
    datatype: Datatype | None = None
    multivector_config: MultiVectorConfig | None = None
    memory: str | None = None

    @property
    def storage_type(self) -> Datatype:
        return self.datatype or Datatype.FLOAT32


class Modifier(enum.Enum):
    NONE = "none"
    IDF = "idf"


@dataclass(slots=True)
class SparseIndexParams:
    """Echoed as given; the engine always keeps an in-memory inverted index (float32 values)."""

    full_scan_threshold: int | None = None
    on_disk: bool | None = None
    datatype: Datatype | None = None
    memory: str | None = None


@dataclass(slots=True)
class SparseVectorParams:
    index: SparseIndexParams | None = None
    modifier: Modifier | None = None


@dataclass(slots=True)
class CollectionParams:
    vectors: dict[str, VectorParams]
    """Named vector spaces; the single unnamed vector is stored under "" (see `unnamed`)."""
    unnamed: bool
    shard_number: int = 1
    replication_factor: int = 1
    write_consistency_factor: int = 1
    on_disk_payload: bool = True
    sharding_method: str | None = None
    sparse_vectors: dict[str, SparseVectorParams] | None = None
    """Named sparse vector spaces (always named); None when the collection has none."""

    def sparse(self, name: str) -> SparseVectorParams | None:
        return (self.sparse_vectors or {}).get(name)

    def is_multi(self, name: str) -> bool:
        params = self.vectors.get(name)
        return params is not None and params.multivector_config is not None


@dataclass(slots=True)
class CollectionConfig:
    params: CollectionParams
    hnsw_config: HnswConfig = field(default_factory=HnswConfig)
    optimizer_config: OptimizersConfig = field(default_factory=OptimizersConfig)
    wal_config: WalConfig = field(default_factory=WalConfig)
    quantization_config: dict[str, Any] | None = None
    strict_mode_config: dict[str, Any] | None = None
    metadata: dict[str, Any] | None = None

    def effective_hnsw(self, vector_name: str) -> HnswConfig:
        """Collection HNSW config with the vector's own overrides applied."""
        overrides = self.params.vectors[vector_name].hnsw_config or {}
        return replace(self.hnsw_config, **{k: v for k, v in overrides.items() if v is not None})


def apply_diff(target: Any, diff: dict[str, Any] | None, fields: tuple[str, ...]) -> Any:
    """A copy of dataclass `target` with the non-null entries of `diff` applied."""
    if not diff:
        return target
    return replace(target, **{k: v for k, v in diff.items() if k in fields and v is not None})


def with_vector_space(config: CollectionConfig, name: str, dense: VectorParams | None,
                      sparse: SparseVectorParams | None) -> CollectionConfig:
    """`config` with the new vector space `name` (unchanged when the name is taken). A single
    unnamed vector becomes the named vector "" next to it, as Qdrant's `VectorsConfig::insert`."""
    params = config.params
    if name in params.vectors or params.sparse(name) is not None:
        return config
    if dense is not None:
        params = replace(params, vectors={**params.vectors, name: dense}, unnamed=False)
    elif sparse is not None:
        params = replace(params, sparse_vectors={**(params.sparse_vectors or {}), name: sparse})
    return replace(config, params=params)


def without_vector_space(config: CollectionConfig, name: str) -> CollectionConfig:
    """`config` without the vector space `name` (unchanged when there is none); removing the single
    unnamed vector leaves an empty map of named vectors, as Qdrant's `VectorsConfig::remove`."""
    params = config.params
    if name in params.vectors:
        params = replace(params, vectors={k: v for k, v in params.vectors.items() if k != name}, unnamed=False)
    if params.sparse(name) is not None:
        params = replace(params, sparse_vectors={k: v for k, v in (params.sparse_vectors or {}).items() if k != name})
    return replace(config, params=params) if params is not config.params else config
