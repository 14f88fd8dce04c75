"""Generic protobuf ⇄ REST-shaped dict for the config messages (HNSW, WAL, optimizers,
quantization, strict mode, sparse vectors), whose REST twins use the same field names.

Only fields that were set are read (proto3 `optional` gives presence), so a diff message becomes a
REST diff object. Enum values map by name: `OneAndHalfBits` ⇄ "one_and_half_bits", `Int8` ⇄ "int8".
"""

from __future__ import annotations

import re
from typing import Any

from google.protobuf.descriptor import FieldDescriptor  # type: ignore[import-untyped]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def enum_to_str(descriptor: Any, number: int) -> str:
    value = descriptor.values_by_number.get(number)
    return str(number) if value is None else _CAMEL.sub("_", value.name).lower()


def enum_from_str(descriptor: Any, text: Any) -> int | None:
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    for value in descriptor.values:
        if _CAMEL.sub("_", value.name).lower() == str(text).lower():
            return int(value.number)
    return None


def _is_repeated(fd: Any) -> bool:
    # protobuf 7 spells it `is_repeated`; older runtimes only have `label`
    flag = getattr(fd, "is_repeated", None)
    return bool(flag) if flag is not None else fd.label == FieldDescriptor.LABEL_REPEATED


def to_dict(message: Any) -> dict[str, Any]:
    """The set fields of `message` as a REST-shaped dict (recursively)."""
    out: dict[str, Any] = {}
    for fd, value in message.ListFields():
        out[fd.name] = _field_to_py(fd, value)
    return out


def _field_to_py(fd: Any, value: Any) -> Any:
    if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
        value_fd = fd.message_type.fields_by_name["value"]
        return {k: _scalar_to_py(value_fd, v) for k, v in value.items()}
    if _is_repeated(fd):
        return [_scalar_to_py(fd, v) for v in value]
    return _scalar_to_py(fd, value)


def _scalar_to_py(fd: Any, value: Any) -> Any:
    if fd.type == FieldDescriptor.TYPE_MESSAGE:
        return to_dict(value)
    if fd.type == FieldDescriptor.TYPE_ENUM:
        return enum_to_str(fd.enum_type, value)
    return value


def fill(message: Any, data: dict[str, Any] | None) -> Any:
    """Set the fields of `message` from a REST-shaped dict; unknown keys and None are skipped."""
    for key, value in (data or {}).items():
        fd = message.DESCRIPTOR.fields_by_name.get(key)
        if fd is None or value is None:
            continue
        if fd.message_type is not None and fd.message_type.GetOptions().map_entry:
            target = getattr(message, key)
            value_fd = fd.message_type.fields_by_name["value"]
            for k, v in value.items():
                if value_fd.type == FieldDescriptor.TYPE_MESSAGE:
                    fill(target[k], v)
                else:
                    target[k] = v
        elif _is_repeated(fd):
            target = getattr(message, key)
            for item in value:
                if fd.type == FieldDescriptor.TYPE_MESSAGE:
                    fill(target.add(), item)
                else:
                    target.append(item)
        elif fd.type == FieldDescriptor.TYPE_MESSAGE:
            if isinstance(value, dict):
                sub = getattr(message, key)
                sub.SetInParent()
                fill(sub, value)
        elif fd.type == FieldDescriptor.TYPE_ENUM:
            number = enum_from_str(fd.enum_type, value)
            if number is not None:
                setattr(message, key, number)
        else:
            try:
                setattr(message, key, value)
            except (TypeError, ValueError):
                continue  # a REST value with no gRPC equivalent (e.g. "auto") is left unset
    return message
