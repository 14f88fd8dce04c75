"""Settings with Qdrant's names: environment `QDRANT__SECTION__KEY`, then an optional YAML config file.
Every setting has a default that works on a laptop."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

_ENV = {
    "host": "QDRANT__SERVICE__HOST",
    "http_port": "QDRANT__SERVICE__HTTP_PORT",
    "grpc_port": "QDRANT__SERVICE__GRPC_PORT",
    "api_key": "QDRANT__SERVICE__API_KEY",
    "read_only_api_key": "QDRANT__SERVICE__READ_ONLY_API_KEY",
    "max_request_size_mb": "QDRANT__SERVICE__MAX_REQUEST_SIZE_MB",
    "storage_path": "QDRANT__STORAGE__STORAGE_PATH",
    "snapshots_path": "QDRANT__STORAGE__SNAPSHOTS_PATH",
    "log_level": "QDRANT__LOG_LEVEL",
    "workers": "QDRANT__STORAGE__PERFORMANCE__MAX_SEARCH_THREADS",
    "fsync": "QDRANT__STORAGE__WAL_FSYNC",
}
_YAML = {
    "host": ("service", "host"),
    "http_port": ("service", "http_port"),
    "grpc_port": ("service", "grpc_port"),
    "api_key": ("service", "api_key"),
    "read_only_api_key": ("service", "read_only_api_key"),
    "max_request_size_mb": ("service", "max_request_size_mb"),
    "storage_path": ("storage", "storage_path"),
    "snapshots_path": ("storage", "snapshots_path"),
    "log_level": ("log_level",),
    "fsync": ("storage", "wal_fsync"),
}


@dataclass(slots=True)
class Settings:
    host: str = "127.0.0.1"
    http_port: int = 6333
    grpc_port: int | None = 6334
    api_key: str | None = None
    read_only_api_key: str | None = None
    max_request_size_mb: int = 32
    storage_path: str = "./storage"
    snapshots_path: str = "./snapshots"
    log_level: str = "INFO"
    workers: int = 0
    """Threads for engine work; 0 = number of CPUs."""
    fsync: str = "always"
    """WAL fsync policy (a Quiver setting): always | interval | never — see README "Durability"."""

    @property
    def max_request_bytes(self) -> int:
        return self.max_request_size_mb * 1024 * 1024


def _coerce(name: str, raw: Any) -> Any:
    if name in ("http_port", "grpc_port", "max_request_size_mb", "workers"):
        return None if raw in (None, "", "null") and name == "grpc_port" else int(raw)
    return raw


def load_settings(config_path: str | None = None, env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ) if env is None else env
    values: dict[str, Any] = {}
    if config_path:
        data = yaml.safe_load(Path(config_path).read_text()) or {}
        for name, path in _YAML.items():
            node: Any = data
            for part in path:
                node = node.get(part) if isinstance(node, dict) else None
            if node is not None:
                values[name] = _coerce(name, node)
    for name, var in _ENV.items():
        if var in env:
            values[name] = _coerce(name, env[var])
    known = {f.name for f in fields(Settings)}
    return Settings(**{k: v for k, v in values.items() if k in known})
