"""Collection create/update bodies → engine config; engine config and info → Qdrant's JSON."""

from __future__ import annotations

import copy
from dataclasses import asdict
from typing import Any

from engine.collection import CollectionInfo
from engine.errors import ValidationError
from engine.toc import AliasOperation, CreateAlias, DeleteAlias, RenameAlias
from engine.types.config import (
    HNSW_FIELDS,
    OPTIMIZER_FIELDS,
    WAL_FIELDS,
    CollectionConfig,
    CollectionParams,
    Datatype,
    Distance,
    HnswConfig,
    Modifier,
    MultiVectorConfig,
    OptimizersConfig,
    SparseIndexParams,
    SparseVectorParams,
    VectorParams,
    WalConfig,
    apply_diff,
)
from server.convert.config_diff import HNSW_DIFF, OPTIMIZERS_DIFF, WAL_DIFF, checked_diff
from server.convert.json_fields import aliased, expect_object, format_error, req
from server.convert.payload_schema import payload_schema_to_json

_DISTANCES = {d.value: d for d in Distance}
_MEMORY = ("cold", "cached", "pinned")


def _datatype(raw: Any) -> Datatype | None:
    if raw is None:
        return None
    try:
        return Datatype(raw)
    except ValueError:
        raise format_error(f"unknown variant `{raw}`, expected one of `float32`, `uint8`, `float16`, `turbo4`") from None


def _multivector(raw: Any) -> MultiVectorConfig | None:
    if raw is None:
        return None
    obj = expect_object(raw, "multivector_config")
    if obj.get("comparator") != "max_sim":
        raise format_error(f"unknown variant `{obj.get('comparator')}`, expected `max_sim`")
    return MultiVectorConfig()


def _sparse_index(raw: Any) -> SparseIndexParams | None:
    if raw is None:
        return None
    obj = expect_object(raw, "sparse index params")
    threshold = obj.get("full_scan_threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0):
        raise format_error(f"invalid value for `full_scan_threshold`: {threshold!r}, expected a non-negative integer")
    on_disk = obj.get("on_disk")
    if on_disk is not None and not isinstance(on_disk, bool):
        raise format_error(f"invalid type for `on_disk`: {on_disk!r}, expected a boolean")
    memory = obj.get("memory")
    if memory is not None and memory not in _MEMORY:
        raise format_error(f"unknown variant `{memory}`, expected one of `cold`, `cached`, `pinned`")
    return SparseIndexParams(full_scan_threshold=threshold, on_disk=on_disk, datatype=_datatype(obj.get("datatype")),
                             memory=memory)


def _sparse_params(raw: Any) -> SparseVectorParams:
    obj = expect_object(raw if raw is not None else {}, "sparse vector params")
    modifier = obj.get("modifier")
    if modifier is not None and modifier not in ("none", "idf"):
        raise format_error(f"unknown variant `{modifier}`, expected `none` or `idf`")
    return SparseVectorParams(index=_sparse_index(obj.get("index")),
                              modifier=None if modifier is None else Modifier(modifier))


def sparse_vectors_from_json(raw: Any) -> dict[str, SparseVectorParams] | None:
    if raw is None:
        return None
    obj = expect_object(raw, "sparse_vectors")
    out = {name: _sparse_params(p) for name, p in obj.items()}
    for name, params in out.items():
        if params.index is not None and params.index.datatype is Datatype.TURBO4:
            raise ValidationError(f"Validation error in JSON body: [sparse_vectors.{name}.index.datatype: "
                                  "sparse vectors do not support the `turbo4` datatype]")
    return out


def _sparse_update(current: dict[str, SparseVectorParams] | None, raw: Any) -> dict[str, SparseVectorParams]:
    """PATCH of sparse params: existing names only; given fields replace, others stay."""
    out = dict(current or {})
    for name, params in (sparse_vectors_from_json(raw) or {}).items():
        if name not in out:
            raise ValidationError(f"Wrong input: Not existing vector name error: {name}")
        old = out[name]
        out[name] = SparseVectorParams(index=params.index if params.index is not None else old.index,
                                       modifier=params.modifier if params.modifier is not None else old.modifier)
    return out


def sparse_params_to_json(p: SparseVectorParams) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if p.index is not None:
        index = {"full_scan_threshold": p.index.full_scan_threshold, "on_disk": p.index.on_disk,
                 "datatype": None if p.index.datatype is None else p.index.datatype.value, "memory": p.index.memory}
        out["index"] = {k: v for k, v in index.items() if v is not None}
    if p.modifier is not None:
        out["modifier"] = p.modifier.value
    return out


def _u32(value: Any, expected: str = "u32") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise format_error(f"invalid type: {value!r}, expected {expected}")
    if not 0 <= value < 2**32:
        raise format_error(f"invalid value: integer `{value}`, expected {expected}")
    return value


def _counts_from_one(obj: dict[str, Any], key: str) -> int:
    """`shard_number`, `replication_factor`, `write_consistency_factor` of a create: Qdrant's
    `Option<u32>` with `range(min = 1)` (a negative is serde's error, 0 the validator's 422)."""
    if obj.get(key) is None:
        return 1
    value = _u32(obj[key])
    if value < 1:
        raise ValidationError(f"Validation error in JSON body: [{key}: value {value} invalid, must be 1 or larger]")
    return value


def _nonzero_u32(value: Any) -> int:
    """The PATCH `params` factors: Qdrant's `NonZeroU32`, so 0 and negatives are serde's errors."""
    value = _u32(value, "a nonzero u32")
    if value == 0:
        raise format_error("invalid value: integer `0`, expected a nonzero u32")
    return value


def _diff(raw: Any, fields: dict[str, Any], what: str) -> dict[str, Any] | None:
    """A config diff read with Qdrant's types and ranges; unknown fields are ignored, as by Qdrant."""
    if raw is None:
        return None
    return checked_diff(expect_object(raw, what), fields, what)


def _vector_params(raw: Any) -> VectorParams:
    obj = aliased(expect_object(raw, "vector params"), _VECTOR_ALIASES)
    size = obj.get("size")
    if isinstance(size, bool) or not isinstance(size, int):
        raise format_error("missing or invalid field `size` of vector params")
    if size < 1:
        # `size` is a NonZeroU64 inside Qdrant's untagged VectorsConfig: serde fails on both variants
        raise format_error("data did not match any variant of untagged enum VectorsConfig")
    distance = _DISTANCES.get(obj.get("distance"))  # type: ignore[arg-type]
    if distance is None:
        raise format_error(
            f"unknown variant `{obj.get('distance')}`, expected one of `Cosine`, `Euclid`, `Dot`, `Manhattan`"
        )
    memory = obj.get("memory")
    if memory is not None and memory not in _MEMORY:
        raise format_error(f"unknown variant `{memory}`, expected one of `cold`, `cached`, `pinned`")
    return VectorParams(
        size=size, distance=distance, hnsw_config=_hnsw_diff(obj.get("hnsw_config")),
        quantization_config=obj.get("quantization_config"), on_disk=obj.get("on_disk"),
        datatype=_datatype(obj.get("datatype")), multivector_config=_multivector(obj.get("multivector_config")),
        memory=memory,
    )


def config_from_create(body: Any) -> CollectionConfig:
    obj = expect_object(body if body is not None else {})
    raw_vectors = obj.get("vectors")
    if raw_vectors is None:
        vectors: dict[str, VectorParams] = {}
        unnamed = False
    elif isinstance(raw_vectors, dict) and "size" in raw_vectors and "distance" in raw_vectors:
        vectors, unnamed = {"": _vector_params(raw_vectors)}, True
    elif isinstance(raw_vectors, dict):
        vectors, unnamed = {name: _vector_params(v) for name, v in raw_vectors.items()}, False
    else:
        raise format_error("invalid type for `vectors`: expected vector params or a map of named vector params")
    params = CollectionParams(
        vectors=vectors, unnamed=unnamed,
        shard_number=_counts_from_one(obj, "shard_number"),
        replication_factor=_counts_from_one(obj, "replication_factor"),
        write_consistency_factor=_counts_from_one(obj, "write_consistency_factor"),
        on_disk_payload=True if obj.get("on_disk_payload") is None else bool(obj["on_disk_payload"]),
        sharding_method=obj.get("sharding_method"),
        sparse_vectors=sparse_vectors_from_json(obj.get("sparse_vectors")),
    )
    clash = set(vectors) & set(params.sparse_vectors or {})
    if clash:
        raise ValidationError(f"Wrong input: vector name {sorted(clash)[0]} is used by a dense and a sparse vector")
    return CollectionConfig(
        params=params,
        hnsw_config=apply_diff(HnswConfig(), _hnsw_diff(obj.get("hnsw_config")), HNSW_FIELDS),
        optimizer_config=apply_diff(OptimizersConfig(), _optimizer_diff(obj.get("optimizers_config")),
                                    OPTIMIZER_FIELDS),
        wal_config=apply_diff(WalConfig(), _diff(obj.get("wal_config"), WAL_DIFF, "wal_config"), WAL_FIELDS),
        quantization_config=obj.get("quantization_config"),
        strict_mode_config=obj.get("strict_mode_config"),
        metadata=obj.get("metadata"),
    )


_OPTIMIZER_ALIASES = {f"{name}_kb": name for name in ("max_segment_size", "memmap_threshold", "indexing_threshold")}
_HNSW_ALIASES = {"full_scan_threshold_kb": "full_scan_threshold"}
_VECTOR_ALIASES = {"quantization": "quantization_config"}


def _optimizer_diff(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    return _diff(aliased(expect_object(raw, "optimizers_config"), _OPTIMIZER_ALIASES), OPTIMIZERS_DIFF,
                 "optimizers_config")


def _hnsw_diff(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return None
    return _diff(aliased(expect_object(raw, "hnsw_config"), _HNSW_ALIASES), HNSW_DIFF, "hnsw_config")


def check_update(body: Any) -> None:
    """The checks of a PATCH body that need no collection: Qdrant's extractor validates the whole
    UpdateCollection before the collection is looked up, so a bad body on a missing collection is
    its 400/422, not 404. The service's `apply_update` reads the body again against the config."""
    obj = expect_object(body if body is not None else {})
    vectors = obj.get("vectors")
    for raw in (expect_object(vectors, "vectors") if vectors is not None else {}).values():
        _hnsw_diff(aliased(expect_object(raw, "vector params diff"), _VECTOR_ALIASES).get("hnsw_config"))
    _hnsw_diff(obj.get("hnsw_config"))
    _optimizer_diff(obj.get("optimizers_config"))
    params = obj.get("params")
    if params is not None:
        params = expect_object(params, "params")
        for key in ("replication_factor", "write_consistency_factor"):
            if params.get(key) is not None:
                _nonzero_u32(params[key])
    sparse_vectors_from_json(obj.get("sparse_vectors"))
    if obj.get("metadata") is not None:
        expect_object(obj["metadata"], "metadata")


def apply_update(config: CollectionConfig, body: Any) -> CollectionConfig:
    """A new config with a PATCH body applied (the input config is left untouched)."""
    obj = expect_object(body if body is not None else {})
    new = copy.deepcopy(config)
    for name, raw in (obj.get("vectors") or {}).items():
        if name not in new.params.vectors:
            raise ValidationError(f"Wrong input: Not existing vector name error: {name}")
        diff = aliased(expect_object(raw, "vector params diff"), _VECTOR_ALIASES)
        target = new.params.vectors[name]
        if diff.get("hnsw_config") is not None:
            target.hnsw_config = {**(target.hnsw_config or {}),
                                  **(_hnsw_diff(diff["hnsw_config"]) or {})}
        if "quantization_config" in diff:
            target.quantization_config = diff["quantization_config"]
        if diff.get("on_disk") is not None:
            target.on_disk = bool(diff["on_disk"])
    new.hnsw_config = apply_diff(new.hnsw_config, _hnsw_diff(obj.get("hnsw_config")),
                                 HNSW_FIELDS)
    new.optimizer_config = apply_diff(new.optimizer_config, _optimizer_diff(obj.get("optimizers_config")),
                                      OPTIMIZER_FIELDS)
    params = obj.get("params")
    if params is not None:
        params = expect_object(params, "params")
        for key in ("replication_factor", "write_consistency_factor"):
            if params.get(key) is not None:
                setattr(new.params, key, _nonzero_u32(params[key]))
        if params.get("on_disk_payload") is not None:
            new.params.on_disk_payload = params["on_disk_payload"]
    if "quantization_config" in obj:
        new.quantization_config = None if obj["quantization_config"] == "Disabled" else obj["quantization_config"]
    if obj.get("sparse_vectors") is not None:
        new.params.sparse_vectors = _sparse_update(new.params.sparse_vectors, obj["sparse_vectors"])
    if obj.get("strict_mode_config") is not None:
        new.strict_mode_config = {**(new.strict_mode_config or {}), **obj["strict_mode_config"]}
    if obj.get("metadata") is not None:
        new.metadata = merge_metadata(new.metadata, expect_object(obj["metadata"], "metadata"))
    return new


def merge_metadata(current: dict[str, Any] | None, update: dict[str, Any]) -> dict[str, Any]:
    """Qdrant's metadata update (lib/collection/src/collection/collection_ops.rs `update_metadata`):
    merged into the stored metadata key by key, a `null` removing its key (segment's `merge_map`);
    a collection without metadata stores the first update as given, nulls included."""
    if current is None:
        return dict(update)
    merged = dict(current)
    for key, value in update.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v is not None}


def vector_params_to_json(p: VectorParams) -> dict[str, Any]:
    out: dict[str, Any] = {"size": p.size, "distance": p.distance.value}
    if p.hnsw_config:
        out["hnsw_config"] = p.hnsw_config
    if p.quantization_config is not None:
        out["quantization_config"] = p.quantization_config
    if p.on_disk is not None:
        out["on_disk"] = p.on_disk
    if p.datatype is not None:
        out["datatype"] = p.datatype.value
    if p.multivector_config is not None:
        out["multivector_config"] = {"comparator": p.multivector_config.comparator.value}
    if p.memory is not None:
        out["memory"] = p.memory  # a placement hint: echoed, no effect on where Quiver keeps vectors
    return out


def config_to_json(config: CollectionConfig) -> dict[str, Any]:
    params = config.params
    vectors: dict[str, Any]
    if params.unnamed:
        vectors = vector_params_to_json(params.vectors[""])
    else:
        vectors = {name: vector_params_to_json(p) for name, p in params.vectors.items()}
    params_json: dict[str, Any] = {
        "vectors": vectors,
        "shard_number": params.shard_number,
        "replication_factor": params.replication_factor,
        "write_consistency_factor": params.write_consistency_factor,
        "on_disk_payload": params.on_disk_payload,
    }
    if params.sharding_method is not None:
        params_json["sharding_method"] = params.sharding_method
    if params.sparse_vectors:
        params_json["sparse_vectors"] = {name: sparse_params_to_json(p) for name, p in params.sparse_vectors.items()}
    out: dict[str, Any] = {
        "params": params_json,
        "hnsw_config": _drop_none(asdict(config.hnsw_config)),
        "optimizer_config": {k: v for k, v in asdict(config.optimizer_config).items()
                             if v is not None or k in ("max_segment_size", "memmap_threshold",
                                                       "indexing_threshold", "max_optimization_threads")},
        "wal_config": asdict(config.wal_config),
        "quantization_config": config.quantization_config,
        "strict_mode_config": config.strict_mode_config or {"enabled": False},
    }
    if config.metadata is not None:  # kept once set, even when every key was removed again (as Qdrant)
        out["metadata"] = config.metadata
    return out


def info_to_json(info: CollectionInfo) -> dict[str, Any]:
    return {
        "status": info.status,
        "optimizer_status": "ok" if info.optimizer_status == "ok" else {"error": info.optimizer_status},
        "indexed_vectors_count": info.indexed_vectors_count,
        "points_count": info.points_count,
        "segments_count": info.segments_count,
        "config": config_to_json(info.config),
        "payload_schema": {key: payload_schema_to_json(schema, points)
                           for key, (schema, points) in info.payload_schema.items()},
    }


def _alias_action(raw: Any) -> AliasOperation:
    obj = expect_object(raw, "alias action")
    match obj:
        case {"create_alias": dict() as a}:
            return CreateAlias(collection_name=str(req(a, "collection_name")), alias_name=str(req(a, "alias_name")))
        case {"delete_alias": dict() as a}:
            return DeleteAlias(alias_name=str(req(a, "alias_name")))
        case {"rename_alias": dict() as a}:
            return RenameAlias(old_alias_name=str(req(a, "old_alias_name")),
                               new_alias_name=str(req(a, "new_alias_name")))
    raise format_error("unknown alias action, expected create_alias, delete_alias or rename_alias")


def aliases_from_json(body: Any) -> list[AliasOperation]:
    """`POST /collections/aliases`: the actions, applied atomically by the engine."""
    obj = expect_object(body)
    actions = req(obj, "actions")
    if not isinstance(actions, list):
        raise format_error("`actions` must be a list")
    return [_alias_action(a) for a in actions]
