"""Engine values ⇄ plain msgpack-able structures, for WAL records and state files.

Dataclasses of the engine's vocabulary are written as {"@": "ClassName", field: value, ...};
numpy arrays, tuples, frozensets, datetimes and enums get tags of their own. Only classes
registered here can be decoded, so a record can never name arbitrary code.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any

import msgpack
import numpy as np

from engine.types import config, filters, operations, payload_schema, points

_CLASSES: dict[str, type] = {}
for _module in (operations, filters, payload_schema, points, config):
    for _name, _obj in vars(_module).items():
        if isinstance(_obj, type) and (dataclasses.is_dataclass(_obj) or issubclass(_obj, enum.Enum)):
            _CLASSES[_name] = _obj


def to_plain(value: Any) -> Any:
    match value:
        case None | bool() | int() | float() | str() | bytes():
            return value
        case np.ndarray():
            return {"@nd": value.tobytes(), "dt": value.dtype.str, "sh": list(value.shape)}
        case enum.Enum():
            return {"@en": type(value).__name__, "v": value.value}
        case datetime():
            return {"@dt": value.isoformat()}
        case tuple():
            return {"@tu": [to_plain(v) for v in value]}
        case frozenset() | set():
            return {"@fs": [to_plain(v) for v in value]}
        case list():
            return [to_plain(v) for v in value]
        case dict():
            return {"@d": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
        case _ if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out = {"@": type(value).__name__}
            for f in dataclasses.fields(value):
                out[f.name] = to_plain(getattr(value, f.name))
            return out
    raise TypeError(f"cannot encode {type(value).__name__}")


def from_plain(value: Any) -> Any:
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "@" in value:
        cls = _CLASSES[value["@"]]
        return cls(**{k: from_plain(v) for k, v in value.items() if k != "@"})
    if "@nd" in value:
        return np.frombuffer(value["@nd"], dtype=np.dtype(value["dt"])).reshape(value["sh"]).copy()
    if "@en" in value:
        return _CLASSES[value["@en"]](value["v"])
    if "@dt" in value:
        return datetime.fromisoformat(value["@dt"])
    if "@tu" in value:
        return tuple(from_plain(v) for v in value["@tu"])
    if "@fs" in value:
        return frozenset(from_plain(v) for v in value["@fs"])
    if "@d" in value:
        return {from_plain(k): from_plain(v) for k, v in value["@d"]}
    raise ValueError(f"unknown record shape: {sorted(value)}")


def encode(value: Any) -> bytes:
    return msgpack.packb(to_plain(value), use_bin_type=True)


def decode(data: bytes) -> Any:
    return from_plain(msgpack.unpackb(data, raw=False, strict_map_key=False))
