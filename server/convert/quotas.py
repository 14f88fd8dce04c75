"""`/quotas` bodies: Qdrant's `QuotaConfig` read from JSON (validated as its serde/validator types
do) and `QuotaStatus` rendered (config, and this node's usage; `peers` only in cluster mode)."""

from __future__ import annotations

from typing import Any

from engine.errors import MalformedRequest, ValidationError
from engine.quotas import QuotaConfig, QuotaUsage

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


def quota_status_to_json(config: QuotaConfig, usage: QuotaUsage) -> dict[str, Any]:
    shown: dict[str, Any] = {"enabled": config.enabled}
    for key in _LIMITS:
        value = getattr(config, key)
        if value is not None:  # unset limits are left out, as Qdrant serialises them
            shown[key] = value
    return {"config": shown, "usage": {"resident_memory_percent": usage.resident_memory_percent,
                                       "disk_usage_percent": usage.disk_usage_percent}}
