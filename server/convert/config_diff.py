"""Typed reading of the collection config diffs (`hnsw_config`, `optimizers_config`, `wal_config`)
of a create or PATCH body, with Qdrant 1.19's rules: serde's format error (400) for a value of the
wrong type or a negative unsigned integer, the validator's 422 for a value out of its range.

The rules are those of lib/collection/src/operations/config_diff.rs at v1.19.0 (`HnswConfigDiff`,
`OptimizersConfigDiff`, `WalConfigDiff`): `ef_construct >= 4`, `full_scan_threshold >= 10`,
`deleted_threshold` in [0, 1], `vacuum_min_vector_number >= 100`, `max_segment_size >= 1`,
`wal_capacity_mb >= 1`; every other integer is a usize/u64 without a range. Fields a diff does not
have are ignored, as serde ignores them there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.errors import ValidationError
from engine.types.requests import validator_number
from server.convert.json_fields import U64_MAX, format_error


@dataclass(frozen=True, slots=True)
class _Field:
    kind: str  # "usize" | "u64" | "f64" | "bool" | "threads"
    minimum: float | None = None
    maximum: float | None = None


_USIZE = _Field("usize")
_BOOL = _Field("bool")

HNSW_DIFF: dict[str, _Field] = {
    "m": _USIZE, "ef_construct": _Field("usize", 4), "full_scan_threshold": _Field("usize", 10),
    "max_indexing_threads": _USIZE, "on_disk": _BOOL, "payload_m": _USIZE, "inline_storage": _BOOL,
}
OPTIMIZERS_DIFF: dict[str, _Field] = {
    "deleted_threshold": _Field("f64", 0.0, 1.0), "vacuum_min_vector_number": _Field("usize", 100),
    "default_segment_number": _USIZE, "max_segment_size": _Field("usize", 1), "memmap_threshold": _USIZE,
    "indexing_threshold": _USIZE, "flush_interval_sec": _Field("u64"), "max_optimization_threads": _Field("threads"),
    "prevent_unoptimized": _BOOL,
}
WAL_DIFF: dict[str, _Field] = {
    "wal_capacity_mb": _Field("usize", 1), "wal_segments_ahead": _USIZE, "wal_retain_closed": _USIZE,
}


def _serde_type(value: Any) -> str:
    """How serde names an unexpected JSON value in `invalid type: ..., expected ...`."""
    match value:
        case bool():
            return f"boolean `{str(value).lower()}`"
        case int():
            return f"integer `{value}`"
        case float():
            return f"floating point `{value}`"
        case str():
            return f'string "{value}"'
        case list():
            return "sequence"
    return "map"


def _read(key: str, value: Any, spec: _Field, path: str) -> Any:
    match spec.kind:
        case "bool":
            if not isinstance(value, bool):
                raise format_error(f"invalid type: {_serde_type(value)}, expected a boolean")
            return value
        case "threads":  # MaxOptimizationThreads: "auto" or a usize (untagged)
            if value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                return value
            raise format_error("data did not match any variant of untagged enum MaxOptimizationThreads")
        case "f64":
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise format_error(f"invalid type: {_serde_type(value)}, expected f64")
            number = float(value)
            _check(path, key, number, validator_number(number), spec)
            return number
    if isinstance(value, bool) or not isinstance(value, int):
        raise format_error(f"invalid type: {_serde_type(value)}, expected {spec.kind}")
    if value < 0 or value > U64_MAX:
        raise format_error(f"invalid value: integer `{value}`, expected {spec.kind}")
    _check(path, key, value, str(value), spec)
    return value


def _bound(limit: float, like: float) -> str:
    return validator_number(limit) if isinstance(like, float) else str(int(limit))


def _check(path: str, key: str, value: float, shown: str, spec: _Field) -> None:
    low, high = spec.minimum, spec.maximum
    if (low is None or value >= low) and (high is None or value <= high):
        return
    if low is not None and high is not None:
        rule = f"must be from {_bound(low, value)} to {_bound(high, value)}"
    elif low is not None:
        rule = f"must be {_bound(low, value)} or larger"
    else:
        rule = f"must be {_bound(high or 0, value)} or smaller"
    raise ValidationError(f"Validation error in JSON body: [{path}.{key}: value {shown} invalid, {rule}]")


def checked_diff(obj: dict[str, Any], fields: dict[str, _Field], path: str) -> dict[str, Any]:
    """The known fields of a diff object (nulls dropped), each read and checked as Qdrant does."""
    out: dict[str, Any] = {}
    for key, value in obj.items():
        spec = fields.get(key)
        if spec is None or value is None:
            continue
        out[key] = _read(key, value, spec, path)
    return out
