"""Small typed readers for REST JSON bodies; every shape error becomes a 422 with a clear message."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from engine.errors import BadInput, BadRequest, MalformedRequest, ValidationError
from engine.point_id import PointId, parse_point_id
from engine.types.points import PayloadSelector, SparseVector, Vectors, VectorSelector, VectorValue
from engine.types.requests import DEFAULT_LIMIT
from server.convert.nesting import check_payload_value

U32_MAX = 2**32 - 1


def format_error(message: str) -> MalformedRequest:
    return MalformedRequest(f"Format error in JSON body: {message}")


def expect_object(obj: Any, what: str = "body") -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise format_error(f"invalid type: expected {what} to be a JSON object")
    return obj


def check_fields(obj: dict[str, Any], allowed: Iterable[str]) -> None:
    """Reject unknown keys with serde's wording. Only for the models Qdrant marks
    `deny_unknown_fields` (`Filter`, payload `include`/`exclude`): every other Qdrant request model
    ignores unknown fields, and so do our readers of them."""
    known = set(allowed)
    for key in obj:
        if key not in known:
            expected = ", ".join(f"`{k}`" for k in sorted(known))
            raise format_error(f"unknown field `{key}`, expected one of {expected}")


U64_MAX = 2**64 - 1


@contextmanager
def in_model(prefix: str) -> Iterator[None]:
    """Validation errors raised inside name their field under `prefix`: Qdrant's REST models flatten
    an inner struct into the body (`QueryRequest.internal`, `SearchRequest.search_request`, ...) and
    the validator names fields by the struct path (`[internal.limit: ...]`, `[searches[0]...]`)."""
    try:
        yield
    except ValidationError as exc:
        raise ValidationError(_prefixed(exc.message, prefix)) from None


def _prefixed(message: str, prefix: str) -> str:
    head, bracket, rest = message.partition(": [")
    if not bracket:
        return message
    return f"{head}: [{prefix}{rest}"


WITH_VECTORS = {"with_vectors": "with_vector"}
"""The serde alias most of Qdrant's read requests accept (query, search, recommend, scroll, retrieve)."""


def aliased(obj: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    """`obj` with serde aliases renamed to their field (alias → field). As serde, giving a field
    and its alias together is a `duplicate field` error. Copies only when an alias is present."""
    renamed = obj
    for alias, name in aliases.items():
        if alias in obj:
            if name in obj:
                raise format_error(f"duplicate field `{name}`")
            if renamed is obj:
                renamed = dict(obj)
            renamed[name] = renamed.pop(alias)
    return renamed


def opt_int(obj: dict[str, Any], key: str, *, minimum: int = 0, default: int | None = None) -> int | None:
    """An unsigned integer field (every integer of the request models is a usize or u64): a
    negative number is serde's format error (400), one below `minimum` the validator's 422."""
    value = obj.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise format_error(f"invalid type for `{key}`: expected an integer, got {value!r}")
    if value < 0:
        raise format_error(f"invalid value: integer `{value}`, expected usize")
    if value < minimum:
        raise ValidationError(f"Validation error in JSON body: [{key}: value {value} invalid, must be {minimum} or larger]")
    if value > U64_MAX:  # every integer of the schema is at most a u64 (Python's would be unbounded)
        raise format_error(f"invalid value: integer `{value}` for `{key}`, expected u64")
    return value


def opt_limit(obj: dict[str, Any]) -> int:
    """`limit` of a read request: at least 1, Qdrant's default when absent."""
    return opt_int(obj, "limit", minimum=1, default=DEFAULT_LIMIT) or DEFAULT_LIMIT


def opt_float(obj: dict[str, Any], key: str) -> float | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise format_error(f"invalid type for `{key}`: expected a number, got {value!r}")
    return float(value)


def opt_bool(obj: dict[str, Any], key: str, default: bool | None = None) -> bool | None:
    value = obj.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise format_error(f"invalid type for `{key}`: expected a boolean, got {value!r}")
    return value


def opt_str(obj: dict[str, Any], key: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise format_error(f"invalid type for `{key}`: expected a string, got {value!r}")
    return value


def req(obj: dict[str, Any], key: str) -> Any:
    if key not in obj or obj[key] is None:
        raise format_error(f"missing field `{key}`")
    return obj[key]


def point_id(raw: Any) -> PointId:
    """An id inside a JSON body: anything but u64 or UUID is a format error, as serde reports it."""
    try:
        return parse_point_id(raw)
    except BadInput as exc:
        raise format_error(f"data did not match any variant of untagged enum ExtendedPointId ({exc.message})") from None


def point_ids(raw: Any, key: str = "points") -> list[PointId]:
    if not isinstance(raw, list):
        raise format_error(f"invalid type for `{key}`: expected a list of point ids")
    return [point_id(x) for x in raw]


def dense_vector(raw: Any) -> np.ndarray:
    """A list of numbers → float32 array. Non-numbers are a format error; NaN/inf are caught later."""
    if not isinstance(raw, list) or not raw:
        raise format_error("invalid type: expected a non-empty list of numbers as vector")
    try:
        arr = np.asarray(raw, dtype=np.float32)
    except (TypeError, ValueError, OverflowError):
        raise format_error("invalid type: expected a list of numbers as vector") from None
    if arr.ndim != 1 or bool in set(map(type, raw)):  # C-level scan: no Python call per element
        raise format_error("invalid type: expected a flat list of numbers as vector")
    return arr


def multi_vector(raw: list[Any]) -> np.ndarray:
    """A list of equally long lists of numbers → 2-D float32 (one row per vector)."""
    rows = [dense_vector(r) for r in raw]
    if len({r.shape[0] for r in rows}) != 1:
        raise ValidationError("Validation error in JSON body: [vector: all vectors of a multivector must have "
                              "the same dimension]")
    return np.stack(rows)


def sparse_vector(raw: dict[str, Any]) -> SparseVector:
    """`{"indices": [u32...], "values": [f32...]}` with Qdrant's checks: indices are u32 (else a format
    error, as serde), lengths match and indices are unique (else a validation error, 422)."""
    indices, values = req(raw, "indices"), req(raw, "values")
    if not isinstance(indices, list) or not isinstance(values, list):
        raise format_error("invalid type: expected `indices` and `values` to be lists")
    for i in indices:
        if isinstance(i, bool) or not isinstance(i, int):
            raise format_error(f"invalid type: {i!r}, expected u32")
        if not 0 <= i <= U32_MAX:
            raise format_error(f"invalid value: integer `{i}`, expected u32")
    if any(isinstance(v, bool) or not isinstance(v, int | float) for v in values):
        raise format_error("invalid type: expected `values` to be a list of numbers")
    if len(indices) != len(values):
        raise ValidationError("Validation error in JSON body: [values: must be the same length as indices]")
    if len(set(indices)) != len(indices):
        raise ValidationError("Validation error in JSON body: [indices: must be unique]")
    return SparseVector(np.asarray(indices, dtype=np.uint32), np.asarray(values, dtype=np.float32))


def vector_value(raw: Any) -> VectorValue:
    """One vector of any kind: a list of numbers (dense), a list of lists (multivector) or
    {indices, values} (sparse). Documents/images/objects would need inference, which we lack."""
    match raw:
        case [list(), *_]:
            return multi_vector(raw)
        case list():
            return dense_vector(raw)
        case {"indices": _, "values": _}:
            return sparse_vector(raw)
        case {"text": _} | {"image": _} | {"object": _}:
            raise BadRequest("inference is not supported by this server: send vectors")
    raise format_error("invalid type: expected a vector (list of numbers, list of vectors or {indices, values})")


def query_vector(raw: Any) -> VectorValue:
    """A query vector of any kind (for `query`/`nearest`/legacy search inputs): dense list, list of
    lists (multivector) or {indices, values} (sparse). Point ids are the caller's to resolve."""
    return vector_value(raw)


def vector_struct(raw: Any) -> Vectors:
    """`vector` of a point: a plain list or list of lists (the unnamed vector) or {name: vector}."""
    if isinstance(raw, list):
        return {"": vector_value(raw)}
    if isinstance(raw, dict):
        return {name: vector_value(v) for name, v in raw.items()}
    raise format_error("invalid type: expected a vector (list of numbers) or an object of named vectors")


_FLAT = frozenset({str, int, bool, type(None)})
"""Payload value types that need no check (a one-level payload of them is always storable)."""


def payload(raw: Any, key: str = "payload") -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise format_error(f"invalid type for `{key}`: expected a JSON object")
    if _FLAT.issuperset(map(type, raw.values())):
        return raw  # no nesting and no float: nothing `check_payload_value` could refuse
    problem = check_payload_value(raw, "payload")
    if problem is not None:
        raise format_error(problem)
    return raw


def with_payload(raw: Any, default: bool) -> PayloadSelector:
    match raw:
        case None:
            return PayloadSelector(default)
        case bool():
            return PayloadSelector(raw)
        case list():
            if not all(isinstance(k, str) for k in raw):
                raise format_error("invalid type for `with_payload`: expected a list of strings")
            return PayloadSelector(True, include=list(raw))
        case {"include": list() as keys, **rest} if not rest:
            return PayloadSelector(True, include=[str(k) for k in keys])
        case {"exclude": list() as keys, **rest} if not rest:
            return PayloadSelector(True, exclude=[str(k) for k in keys])
    raise format_error("invalid value for `with_payload`: expected bool, list of keys, {include} or {exclude}")


def with_vector(raw: Any) -> VectorSelector:
    match raw:
        case None:
            return False
        case bool():
            return raw
        case list() if all(isinstance(k, str) for k in raw):
            return list(raw)
    raise format_error("invalid value for `with_vector`: expected bool or a list of vector names")
