"""gRPC collection messages ⇄ engine config.

`CreateCollection` / `UpdateCollection` are mapped onto the REST body shape field by field and
then read by the one REST reader (`config_from_create`, `apply_update`), so defaults and
validation cannot drift between transports. `CollectionInfo` is rendered from the engine config.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.collection import CollectionInfo
from engine.toc import AliasOperation, CreateAlias, DeleteAlias, RenameAlias
from engine.types.config import CollectionConfig, VectorParams
from server.convert.collections import apply_update, check_update, config_from_create, config_to_json
from server.convert.grpc.messages import enum_to_str, fill, to_dict
from server.convert.grpc.payload_schema import payload_schema_info_to_pb
from server.convert.grpc.values import GrpcInputError, struct_from_pb, struct_to_pb
from server.pb import collections_pb2 as cpb

_DISTANCES = {1: "Cosine", 2: "Euclid", 3: "Dot", 4: "Manhattan"}
_DISTANCE_NUM: dict[str, Any] = {v: k for k, v in _DISTANCES.items()}
_DATATYPES = {1: "float32", 2: "uint8", 3: "float16", 4: "turbo4"}
_DATATYPE_NUM: dict[str, Any] = {v: k for k, v in _DATATYPES.items()}
_STATUS = {"green": cpb.Green, "yellow": cpb.Yellow, "red": cpb.Red, "grey": cpb.Grey}
_MEMORY = {1: "cold", 2: "cached", 3: "pinned"}  # 0: MemoryUnknown, as if absent
_MEMORY_NUM: dict[str, Any] = {v: k for k, v in _MEMORY.items()}
_HNSW_DROP = ("memory",)
"""HNSW memory placement has no engine equivalent (the graph always lives in RAM)."""


def _hnsw(message: Any) -> dict[str, Any]:
    return {k: v for k, v in to_dict(message).items() if k not in _HNSW_DROP}


def _optimizers(message: Any) -> dict[str, Any]:
    diff = to_dict(message)
    legacy = diff.pop("deprecated_max_optimization_threads", None)
    threads = diff.pop("max_optimization_threads", None)
    if threads is not None:
        diff["max_optimization_threads"] = threads.get("value")  # `setting: auto` → null (automatic)
    elif legacy is not None:
        diff["max_optimization_threads"] = legacy
    return diff


def _vector_params(p: Any) -> dict[str, Any]:
    if p.distance not in _DISTANCES:
        raise GrpcInputError("Unknown distance: set `distance` to Cosine, Euclid, Dot or Manhattan")
    out: dict[str, Any] = {"size": int(p.size), "distance": _DISTANCES[p.distance]}
    if p.HasField("hnsw_config"):
        out["hnsw_config"] = _hnsw(p.hnsw_config)
    if p.HasField("quantization_config"):
        out["quantization_config"] = to_dict(p.quantization_config)
    if p.HasField("on_disk"):
        out["on_disk"] = p.on_disk
    if p.HasField("datatype") and p.datatype != 0:
        if p.datatype not in _DATATYPES:
            raise GrpcInputError(f"datatype {enum_to_str(cpb.Datatype.DESCRIPTOR, p.datatype)} is not supported")
        out["datatype"] = _DATATYPES[p.datatype]
    if p.HasField("multivector_config"):
        out["multivector_config"] = to_dict(p.multivector_config) or {"comparator": "max_sim"}
    if p.HasField("memory") and p.memory in _MEMORY:
        out["memory"] = _MEMORY[p.memory]
    return out


def _vectors_config(vc: Any) -> Any:
    match vc.WhichOneof("config"):
        case "params":
            return _vector_params(vc.params)
        case "params_map":
            return {name: _vector_params(p) for name, p in vc.params_map.map.items()}
    return None


def create_from_pb(request: Any) -> CollectionConfig:
    body: dict[str, Any] = {}
    if request.HasField("vectors_config"):
        body["vectors"] = _vectors_config(request.vectors_config)
    for name in ("shard_number", "replication_factor", "write_consistency_factor", "on_disk_payload"):
        if request.HasField(name):
            body[name] = getattr(request, name)
    if request.HasField("sharding_method"):
        body["sharding_method"] = enum_to_str(cpb.ShardingMethod.DESCRIPTOR, request.sharding_method)
    if request.HasField("hnsw_config"):
        body["hnsw_config"] = _hnsw(request.hnsw_config)
    if request.HasField("wal_config"):
        body["wal_config"] = to_dict(request.wal_config)
    if request.HasField("optimizers_config"):
        body["optimizers_config"] = _optimizers(request.optimizers_config)
    if request.HasField("quantization_config"):
        body["quantization_config"] = to_dict(request.quantization_config)
    if request.HasField("sparse_vectors_config"):
        body["sparse_vectors"] = _sparse_config(request.sparse_vectors_config)
    if request.HasField("strict_mode_config"):
        body["strict_mode_config"] = to_dict(request.strict_mode_config)
    if request.metadata:
        body["metadata"] = struct_from_pb(request.metadata)
    return config_from_create(body)


def _sparse_config(message: Any) -> dict[str, Any]:
    """`SparseVectorConfig` → REST `sparse_vectors`; enum zero values (`Default` datatype,
    `MemoryUnknown`) mean "not set"."""
    out: dict[str, Any] = {}
    for name, params in to_dict(message).get("map", {}).items():
        index = params.get("index")
        if index is not None:
            params = {**params, "index": {k: v for k, v in index.items()
                                          if not (k == "datatype" and v == "default")
                                          and not (k == "memory" and v == "memory_unknown")}}
        out[name] = params
    return out


def update_body_from_pb(request: Any) -> dict[str, Any]:
    """The REST PATCH body equivalent of an `UpdateCollection` request."""
    body: dict[str, Any] = {}
    if request.HasField("vectors_config"):
        vc = request.vectors_config
        match vc.WhichOneof("config"):
            case "params":
                body["vectors"] = {"": _vector_diff(vc.params)}
            case "params_map":
                body["vectors"] = {name: _vector_diff(d) for name, d in vc.params_map.map.items()}
    if request.HasField("optimizers_config"):
        body["optimizers_config"] = _optimizers(request.optimizers_config)
    if request.HasField("params"):
        body["params"] = {k: v for k, v in to_dict(request.params).items() if k != "payload"}
    if request.HasField("hnsw_config"):
        body["hnsw_config"] = _hnsw(request.hnsw_config)
    if request.HasField("quantization_config"):
        q = request.quantization_config
        body["quantization_config"] = "Disabled" if q.WhichOneof("quantization") == "disabled" else to_dict(q)
    if request.HasField("sparse_vectors_config"):
        body["sparse_vectors"] = _sparse_config(request.sparse_vectors_config)
    if request.HasField("strict_mode_config"):
        body["strict_mode_config"] = to_dict(request.strict_mode_config)
    if request.metadata:
        body["metadata"] = struct_from_pb(request.metadata)
    return body


def _vector_diff(d: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if d.HasField("hnsw_config"):
        out["hnsw_config"] = _hnsw(d.hnsw_config)
    if d.HasField("quantization_config"):
        q = d.quantization_config
        out["quantization_config"] = None if q.WhichOneof("quantization") == "disabled" else to_dict(q)
    if d.HasField("on_disk"):
        out["on_disk"] = d.on_disk
    return out


def update_from_pb(request: Any) -> Callable[[CollectionConfig], CollectionConfig]:
    """The config change of an `UpdateCollection` request, applied by the service under its lock."""
    body = update_body_from_pb(request)
    check_update(body)  # before the collection is looked up, as Qdrant
    return lambda config: apply_update(config, body)


# ---- rendering -------------------------------------------------------------------------------


def _vector_params_to_pb(p: VectorParams) -> Any:
    out = cpb.VectorParams(size=p.size, distance=_DISTANCE_NUM[p.distance.value])
    if p.hnsw_config:
        fill(out.hnsw_config, p.hnsw_config)
    if p.quantization_config is not None:
        fill(out.quantization_config, p.quantization_config)
    if p.on_disk is not None:
        out.on_disk = p.on_disk
    if p.datatype is not None:
        out.datatype = _DATATYPE_NUM[p.datatype.value]
    if p.multivector_config is not None:
        out.multivector_config.SetInParent()  # the only comparator, max_sim, is the enum's zero value
    if p.memory is not None:
        out.memory = _MEMORY_NUM[p.memory]
    return out


def config_to_pb(config: CollectionConfig) -> Any:
    rest = config_to_json(config)  # the REST rendering decides which fields show and their values
    params = config.params
    out = cpb.CollectionConfig()
    out.params.shard_number = params.shard_number
    out.params.on_disk_payload = params.on_disk_payload
    out.params.replication_factor = params.replication_factor
    out.params.write_consistency_factor = params.write_consistency_factor
    if params.unnamed:
        out.params.vectors_config.params.CopyFrom(_vector_params_to_pb(params.vectors[""]))
    else:
        out.params.vectors_config.params_map.SetInParent()
        for name, vp in params.vectors.items():
            out.params.vectors_config.params_map.map[name].CopyFrom(_vector_params_to_pb(vp))
    if params.sharding_method is not None:
        fill(out.params, {"sharding_method": params.sharding_method})
    if params.sparse_vectors:
        fill(out.params.sparse_vectors_config, {"map": rest["params"]["sparse_vectors"]})
    fill(out.hnsw_config, rest["hnsw_config"])
    optimizer = dict(rest["optimizer_config"])
    threads = optimizer.pop("max_optimization_threads", None)
    fill(out.optimizer_config, optimizer)
    if isinstance(threads, int):
        out.optimizer_config.max_optimization_threads.value = threads
    else:
        out.optimizer_config.max_optimization_threads.setting = cpb.MaxOptimizationThreads.Auto
    fill(out.wal_config, rest["wal_config"])
    if config.quantization_config is not None:
        fill(out.quantization_config, config.quantization_config)
    fill(out.strict_mode_config, rest["strict_mode_config"])
    out.strict_mode_config.SetInParent()
    if config.metadata:
        for key, value in struct_to_pb(config.metadata).items():
            out.metadata[key].CopyFrom(value)
    return out


def info_to_pb(info: CollectionInfo) -> Any:
    out = cpb.CollectionInfo(
        status=_STATUS.get(info.status, cpb.UnknownCollectionStatus),
        optimizer_status=cpb.OptimizerStatus(ok=info.optimizer_status == "ok",
                                             error="" if info.optimizer_status == "ok" else info.optimizer_status),
        segments_count=info.segments_count,
        points_count=info.points_count,
        indexed_vectors_count=info.indexed_vectors_count,
        config=config_to_pb(info.config),
    )
    for key, (schema, points) in info.payload_schema.items():
        out.payload_schema[key].CopyFrom(payload_schema_info_to_pb(schema, points))
    out.update_queue.SetInParent()
    return out


# ---- aliases ---------------------------------------------------------------------------------


def alias_actions_from_pb(request: Any) -> list[AliasOperation]:
    actions: list[AliasOperation] = []
    for op in request.actions:
        match op.WhichOneof("action"):
            case "create_alias":
                actions.append(CreateAlias(collection_name=op.create_alias.collection_name,
                                           alias_name=op.create_alias.alias_name))
            case "delete_alias":
                actions.append(DeleteAlias(alias_name=op.delete_alias.alias_name))
            case "rename_alias":
                actions.append(RenameAlias(old_alias_name=op.rename_alias.old_alias_name,
                                           new_alias_name=op.rename_alias.new_alias_name))
            case _:
                raise GrpcInputError("empty alias operation: set create_alias, delete_alias or rename_alias")
    return actions


def aliases_to_pb(pairs: list[tuple[str, str]]) -> Any:
    return cpb.ListAliasesResponse(
        aliases=[cpb.AliasDescription(alias_name=a, collection_name=c) for a, c in pairs])
