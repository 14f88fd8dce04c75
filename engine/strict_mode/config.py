"""A collection's `strict_mode_config` as typed limits.

The config is stored as the user gave it (REST shape; gRPC's is converted to it, with its map
wrappers `{"multivector_config": {...}}` / `{"sparse_config": {...}}` accepted too). `active()`
is the one gate: limits apply only while `enabled` is true, as in Qdrant (every check there runs
behind `enabled.unwrap_or_default()`), and the disabled case costs one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.types.config import CollectionConfig


def _int(raw: dict[str, Any], key: str) -> int | None:
    value = raw.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _bool(raw: dict[str, Any], key: str) -> bool | None:
    value = raw.get(key)
    return value if isinstance(value, bool) else None


def _per_name(raw: Any, wrapper: str, limit_key: str) -> dict[str, int]:
    """`{name: {limit_key: n}}` (REST) or `{wrapper: {name: {...}}}` (gRPC's map message)."""
    if not isinstance(raw, dict):
        return {}
    if set(raw) == {wrapper} and isinstance(raw[wrapper], dict):
        raw = raw[wrapper]
    out: dict[str, int] = {}
    for name, item in raw.items():
        if isinstance(item, dict) and (limit := _int(item, limit_key)) is not None:
            out[str(name)] = limit
    return out


@dataclass(frozen=True, slots=True)
class StrictMode:
    max_query_limit: int | None = None
    max_timeout: int | None = None
    unindexed_filtering_retrieve: bool | None = None
    unindexed_filtering_update: bool | None = None
    search_max_hnsw_ef: int | None = None
    search_allow_exact: bool | None = None
    search_max_oversampling: float | None = None
    upsert_max_batchsize: int | None = None
    search_max_batchsize: int | None = None
    max_collection_vector_size_bytes: int | None = None
    read_rate_limit: int | None = None
    write_rate_limit: int | None = None
    max_collection_payload_size_bytes: int | None = None
    max_points_count: int | None = None
    filter_max_conditions: int | None = None
    condition_max_size: int | None = None
    max_payload_index_count: int | None = None
    multivector_max_vectors: dict[str, int] = field(default_factory=dict)
    sparse_max_length: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> StrictMode:
        oversampling = raw.get("search_max_oversampling")
        return cls(
            max_query_limit=_int(raw, "max_query_limit"),
            max_timeout=_int(raw, "max_timeout"),
            unindexed_filtering_retrieve=_bool(raw, "unindexed_filtering_retrieve"),
            unindexed_filtering_update=_bool(raw, "unindexed_filtering_update"),
            search_max_hnsw_ef=_int(raw, "search_max_hnsw_ef"),
            search_allow_exact=_bool(raw, "search_allow_exact"),
            search_max_oversampling=float(oversampling)
            if isinstance(oversampling, int | float) and not isinstance(oversampling, bool) else None,
            upsert_max_batchsize=_int(raw, "upsert_max_batchsize"),
            search_max_batchsize=_int(raw, "search_max_batchsize"),
            max_collection_vector_size_bytes=_int(raw, "max_collection_vector_size_bytes"),
            read_rate_limit=_int(raw, "read_rate_limit"),
            write_rate_limit=_int(raw, "write_rate_limit"),
            max_collection_payload_size_bytes=_int(raw, "max_collection_payload_size_bytes"),
            max_points_count=_int(raw, "max_points_count"),
            filter_max_conditions=_int(raw, "filter_max_conditions"),
            condition_max_size=_int(raw, "condition_max_size"),
            max_payload_index_count=_int(raw, "max_payload_index_count"),
            multivector_max_vectors=_per_name(raw.get("multivector_config"), "multivector_config", "max_vectors"),
            sparse_max_length=_per_name(raw.get("sparse_config"), "sparse_config", "max_length"),
        )


_CACHE: dict[int, tuple[dict[str, Any], StrictMode]] = {}
"""Parsed configs by the identity of the stored dict (a config change stores a new dict)."""


def active(config: CollectionConfig) -> StrictMode | None:
    """The collection's limits while strict mode is enabled, else None."""
    raw = config.strict_mode_config
    if not raw or raw.get("enabled") is not True:
        return None
    cached = _CACHE.get(id(raw))
    if cached is not None and cached[0] is raw:
        return cached[1]
    parsed = StrictMode.from_dict(raw)
    if len(_CACHE) > 1024:
        _CACHE.clear()
    _CACHE[id(raw)] = (raw, parsed)
    return parsed
