"""Recreate a collection's definition on the target: vector and sparse-vector params, HNSW /
optimizer / WAL / quantization config, payload indexes (with their params) and aliases."""

from __future__ import annotations

from typing import Any

from qdrant_client import QdrantClient, models


def _diff(model: Any, diff_type: type[Any]) -> Any:
    """A config object as the matching *Diff model (only the fields the diff knows), or None."""
    if model is None:
        return None
    known = diff_type.model_fields
    return diff_type(**{k: v for k, v in model.model_dump().items() if k in known and v is not None})


def create_collection_like(source: QdrantClient, target: QdrantClient, name: str) -> None:
    info = source.get_collection(name)
    config = info.config
    params = config.params
    target.create_collection(
        name,
        vectors_config=params.vectors if params.vectors is not None else {},
        sparse_vectors_config=params.sparse_vectors,
        shard_number=params.shard_number,
        replication_factor=params.replication_factor,
        write_consistency_factor=params.write_consistency_factor,
        on_disk_payload=params.on_disk_payload,
        hnsw_config=_diff(config.hnsw_config, models.HnswConfigDiff),
        optimizers_config=_diff(config.optimizer_config, models.OptimizersConfigDiff),
        wal_config=_diff(config.wal_config, models.WalConfigDiff),
        quantization_config=config.quantization_config,
    )
    for field_name, index in (info.payload_schema or {}).items():
        schema: Any = index.params if index.params is not None else index.data_type
        target.create_payload_index(name, field_name=field_name, field_schema=schema, wait=True)


def copy_aliases(source: QdrantClient, target: QdrantClient, names: list[str]) -> list[str]:
    """Create on the target every source alias that points at a migrated collection (replacing a
    same-named alias there, in one atomic change); returns the alias names."""
    wanted = [a for a in source.get_aliases().aliases if a.collection_name in names]
    existing = {a.alias_name for a in target.get_aliases().aliases}
    actions: list[Any] = []
    for alias in wanted:
        if alias.alias_name in existing:
            actions.append(models.DeleteAliasOperation(delete_alias=models.DeleteAlias(alias_name=alias.alias_name)))
        actions.append(models.CreateAliasOperation(create_alias=models.CreateAlias(
            collection_name=alias.collection_name, alias_name=alias.alias_name)))
    if actions:
        target.update_collection_aliases(change_aliases_operations=actions)
    return [a.alias_name for a in wanted]
