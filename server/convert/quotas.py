"""`/quotas` bodies: Qdrant's `QuotaConfig` read from JSON (validated as its serde/validator types
do) and `QuotaStatus` rendered (config, and this node's usage; `peers` only in cluster mode)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from engine.errors import MalformedRequest, ValidationError
from engine.quotas import QuotaConfig

_LIMITS = {"max_resident_memory_percent": 1, "max_disk_usage_percent": 1, "release_margin_percent": 0}


def quota_config_from_json(body: Any) -> QuotaConfig:
    if body is None:
        raise MalformedRequest("Format error in JSON body: EOF while parsing a value at line 1 column 0")
    if not isinstance(body, dict):
        raise MalformedRequest("Format error in JSON body: invalid type: expected struct QuotaConfig")
    enabled = body.get("enabled", False)
    if not isinstance(enabled, bool):
        raise MalformedRequest(f"Format error in JSON body: invalid type: {enabled!r}, expected a boolean")
    values: dict[str, int | None] = {}
    errors = []
    for key, low in _LIMITS.items():
        value = body.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 255):
            raise MalformedRequest(f"Format error in JSON body: invalid value: {value!r}, expected u8 for `{key}`")
        if value is not None and not low <= value <= 100:
            errors.append(f"{key}: value {value} invalid, must be from {low} to 100")
        values[key] = value
    if errors:
        raise ValidationError(f"Validation error in JSON body: [{', '.join(errors)}]")
    return QuotaConfig(enabled, values["max_resident_memory_percent"], values["max_disk_usage_percent"],
                       values["release_margin_percent"])


def _percent(used: float, total: float) -> int | None:
    return min(100, round(100 * used / total)) if total > 0 else None


def _memory_limit() -> int | None:
    try:  # a cgroup v2 limit applies first, as in Qdrant
        raw = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        if raw.isdigit():
            return int(raw)
    except OSError:
        pass
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None


def _resident_bytes() -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def usage(storage_path: str) -> dict[str, int | None]:
    rss, limit = _resident_bytes(), _memory_limit()
    memory = _percent(rss, limit) if rss is not None and limit else None
    try:
        disk_stat = shutil.disk_usage(storage_path if Path(storage_path).exists() else ".")
        disk = _percent(disk_stat.used, disk_stat.total)
    except OSError:
        disk = None
    return {"resident_memory_percent": memory, "disk_usage_percent": disk}


def quota_status_to_json(config: QuotaConfig, storage_path: str) -> dict[str, Any]:
    shown: dict[str, Any] = {"enabled": config.enabled}
    for key in _LIMITS:
        value = getattr(config, key)
        if value is not None:  # unset limits are left out, as Qdrant serialises them
            shown[key] = value
    return {"config": shown, "usage": usage(storage_path)}
