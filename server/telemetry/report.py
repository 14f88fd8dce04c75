"""GET /telemetry: Qdrant's TelemetryData at `details_level` 0..4+, from real figures.

Level 0: app name/version/start time, collection count, cluster flag, request statistics.
Level 1: + app features and system, per-collection aggregates, memory. Level 2+: per-collection
config and shard figures, snapshot counters. `anonymize` hashes names and rounds large counts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from server.convert.collections import config_to_json
from server.settings import Settings
from server.telemetry import system
from server.telemetry.anonymize import anonymize_count, anonymize_name
from server.telemetry.collections import CollectionFigures
from server.telemetry.requests import RequestStats, TransportStats
from server.version import VERSION

PROCESS_ID = str(uuid.uuid4())
APP_NAME = "qdrant"
"""The name Qdrant reports; clients and dashboards key on it."""


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def _responses(stats: TransportStats, per_collection: bool, anonymize: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"responses": {endpoint: {status: s.to_json() for status, s in by_status.items()}
                                         for endpoint, by_status in stats.responses.items()}}
    if per_collection and not anonymize:
        out["per_collection_responses"] = {
            name: {endpoint: {status: s.to_json() for status, s in by_status.items()}
                   for endpoint, by_status in by_endpoint.items()}
            for name, by_endpoint in stats.per_collection.items()}
    return out


def _app(settings: Settings, stats: RequestStats, level: int) -> dict[str, Any]:
    app: dict[str, Any] = {"name": APP_NAME, "version": VERSION, "startup": _iso(stats.started)}
    if settings.service.jwt_rbac is not None:
        app["jwt_rbac"] = settings.service.jwt_rbac
    if level >= 1:
        app["features"] = {"debug": False, "service_debug_feature": False,
                           "recovery_mode": settings.storage.recovery_mode is not None, "gpu": False,
                           "rocksdb": False, "staging": False}
        app["low_memory_mode"] = settings.storage.low_memory_mode
        app["hnsw_global_config"] = {"healing_threshold": settings.storage.hnsw_global_config.healing_threshold}
        app["system"] = system.environment(settings.storage.storage_path)
    return app


def _count(value: int, anonymize: bool) -> int:
    return anonymize_count(value) if anonymize else value


def _full_collection(fig: CollectionFigures, anonymize: bool) -> dict[str, Any]:
    config = config_to_json(fig.info.config)
    config.pop("metadata", None)  # user data
    local = {
        "variant_name": "local_shard",
        "status": fig.info.status,
        "total_optimized_points": _count(fig.optimized_points, anonymize),
        "num_points": _count(fig.info.points_count, anonymize),
        "num_vectors": _count(fig.vectors, anonymize),
        "num_vectors_by_name": {(anonymize_name(k) if anonymize else k): _count(v, anonymize)
                                for k, v in fig.vectors_by_name.items()},
    }
    return {"id": anonymize_name(fig.name) if anonymize else fig.name,
            "config": config,
            "shards": [{"id": 0, "key": None, "local": local, "remote": [], "replicate_states": {}}],
            "transfers": [], "resharding": [], "shard_clean_tasks": {}}


def _aggregated(fig: CollectionFigures, anonymize: bool) -> dict[str, Any]:
    return {"vectors": _count(fig.vectors, anonymize),
            "optimizers_status": "ok" if fig.info.optimizer_status == "ok" else {"error": fig.info.optimizer_status},
            "params": config_to_json(fig.info.config)["params"]}


def telemetry(settings: Settings, stats: RequestStats, figures: list[CollectionFigures], level: int,
              anonymize: bool, per_collection: bool) -> dict[str, Any]:
    collections: dict[str, Any] = {"number_of_collections": len(figures)}
    if settings.storage.max_collections is not None:
        collections["max_collections"] = settings.storage.max_collections
    if level >= 2:
        collections["collections"] = [_full_collection(f, anonymize) for f in figures]
        collections["snapshots"] = [{"id": anonymize_name(f.name) if anonymize else f.name,
                                     "running_snapshots": f.snapshots.running_snapshots,
                                     "running_snapshot_recovery": f.snapshots.running_snapshot_recovery,
                                     "total_snapshot_creations": f.snapshots.total_snapshot_creations}
                                    for f in figures]
    elif level >= 1:
        collections["collections"] = [_aggregated(f, anonymize) for f in figures]
        collections["snapshots"] = []
    out: dict[str, Any] = {
        "id": PROCESS_ID,
        "app": _app(settings, stats, level),
        "collections": collections,
        "cluster": {"enabled": False},
        "requests": {"rest": _responses(stats.rest, per_collection, anonymize),
                     "grpc": _responses(stats.grpc, per_collection, anonymize)},
    }
    if level >= 1:
        mem = system.memory()
        out["memory"] = {"active_bytes": mem.anonymous_bytes, "allocated_bytes": mem.anonymous_bytes,
                         "metadata_bytes": 0, "resident_bytes": mem.resident_bytes, "retained_bytes": 0}
    return out
