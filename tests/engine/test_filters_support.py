"""Shared helpers for filter tests: an in-memory FilterTarget and seeded random payloads/filters."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable
from typing import Any

import numpy as np
from qdrant_client.http import models
from qdrant_client.local import payload_filters

from engine.json_path import extract_values, parse_path
from engine.payload_index import AutoIndexes, PayloadIndex, create_payload_index
from engine.point_id import PointId
from engine.types.filters import FieldCondition
from engine.types.payload_schema import PayloadSchema


class MemoryTarget:
    """A minimal segment: payloads, ids, vector presence and payload indexes, all in lists."""

    def __init__(
        self,
        payloads: list[dict[str, Any] | None],
        ids: list[PointId] | None = None,
        vectors: dict[str, list[bool]] | None = None,
    ) -> None:
        self.payloads = payloads
        self.ids: list[PointId] = ids if ids is not None else list(range(len(payloads)))
        self.vectors = {k: np.array(v, dtype=bool) for k, v in (vectors or {}).items()}
        self.indexes: dict[str, PayloadIndex] = {}

    @property
    def size(self) -> int:
        return len(self.payloads)

    def payload_at(self, offset: int) -> dict[str, Any] | None:
        return self.payloads[offset]

    def offsets_for_ids(self, ids: Iterable[PointId]) -> np.ndarray:
        where = {pid: i for i, pid in enumerate(self.ids)}
        return np.array([where[i] for i in ids if i in where], dtype=np.int64)

    def vector_mask(self, name: str) -> np.ndarray:
        return self.vectors.get(name, np.zeros(self.size, dtype=bool)).copy()

    def payload_index(self, key: str) -> PayloadIndex | None:
        return self.indexes.get(key)

    def point_id_at(self, offset: int) -> PointId | None:
        return self.ids[offset]

    def create_index(self, key: str, schema: PayloadSchema) -> PayloadIndex:
        index = create_payload_index(key, schema)
        path = parse_path(key)
        for offset, payload in enumerate(self.payloads):
            if payload:
                values = extract_values(payload, path)
                if values:
                    index.add(offset, values)
        self.indexes[key] = index
        return index


class AutoTarget(MemoryTarget):
    """A MemoryTarget that also offers automatic indexes for unindexed keys (as a Segment does)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.auto = AutoIndexes()

    def auto_index(self, cond: FieldCondition) -> PayloadIndex | None:
        return self.auto.get(cond, self.payloads, self.size)

    def set_payload(self, offset: int, payload: dict[str, Any] | None) -> None:
        self.payloads[offset] = payload
        self.auto.write(offset, payload)


# ---- random data ----------------------------------------------------------------------------

WORDS = ["red", "green", "blue", "Red", "sky", "sky blue", "", "red-green", "héllo", "x_y"]
TEXT_WORDS = ["the", "quick", "Brown", "fox", "jumps", "over", "lazy", "dog", "FOX", "dog's"]
DATETIMES = [
    "2023-01-01",
    "2023-01-01T10:00:00Z",
    "2023-01-01 10:00:00+02:00",
    "2023-06-15T12:30:00.123456Z",
    "2023-06-15T12:30:00.123456789",
    "2023-06-15T12:30",
    "2022-12-31T23:59:59-05:00",
    "2024-02-29T00:00:00+0100",
    "2024-02-29 08:00:00+01",
    "2023-13-01",
    "not a date",
    "2021-05-05T05:05:05z",
]
UUIDS = [str(uuid.UUID(int=i * 7919 + 12345)) for i in range(6)] + ["not-a-uuid"]


def rand_geo(rng: random.Random) -> dict[str, Any]:
    return {"lat": round(rng.uniform(-10, 10), 2), "lon": round(rng.uniform(-10, 10), 2)}


def rand_scalar(rng: random.Random) -> Any:
    return rng.choice(
        [
            lambda: rng.choice(WORDS),
            lambda: rng.randint(-5, 5),
            lambda: rng.choice([0.5, 1.0, 2.0, -3.25, 4.0]),
            lambda: rng.choice([True, False]),
            lambda: None,
            lambda: rng.choice(DATETIMES),
        ]
    )()


def rand_field(rng: random.Random, make: Any) -> Any:
    """A value of the field's own kind mostly; sometimes arrays, nulls, foreign types."""
    r = rng.random()
    if r < 0.55:
        return make()
    if r < 0.7:
        return [make() for _ in range(rng.randint(0, 3))]
    if r < 0.8:
        return None
    if r < 0.9:
        return rand_scalar(rng)
    return [make(), rand_scalar(rng)]


def rand_payload(rng: random.Random) -> dict[str, Any] | None:
    if rng.random() < 0.05:
        return None
    makers: dict[str, Any] = {
        "k": lambda: rng.choice(WORDS),
        "n": lambda: rng.randint(-5, 5),
        "f": lambda: rng.choice([rng.randint(-5, 5), rng.uniform(-5, 5), 2.0]),
        "b": lambda: rng.choice([True, False]),
        "g": lambda: rand_geo(rng),
        "d": lambda: rng.choice(DATETIMES),
        "t": lambda: " ".join(rng.choice(TEXT_WORDS) for _ in range(rng.randint(0, 5))),
        "u": lambda: rng.choice(UUIDS),
    }
    payload: dict[str, Any] = {}
    for key, make in makers.items():
        if rng.random() < 0.8:
            payload[key] = rand_field(rng, make)
    if rng.random() < 0.7:
        payload["obj"] = {"a": {"b": rand_field(rng, lambda: rng.choice(WORDS))}} if rng.random() < 0.8 else []
    if rng.random() < 0.7:
        payload["arr"] = [
            {
                "x": rand_field(rng, lambda: rng.randint(0, 4)),
                "y": rand_field(rng, lambda: rng.choice(WORDS)),
            }
            if rng.random() < 0.9
            else rand_scalar(rng)
            for _ in range(rng.randint(0, 3))
        ]
    return payload


# ---- random filters (REST JSON, so both the converter and qdrant_client's models read them) ------

FIELD_KEYS = ["k", "n", "f", "b", "g", "d", "t", "u", "obj.a.b", "arr[].x", "arr[].y", "missing"]


def _bounds(rng: random.Random, make: Any) -> dict[str, Any]:
    out = {}
    for name in rng.sample(["lt", "gt", "gte", "lte"], rng.randint(1, 2)):
        out[name] = make()
    return out


def _ring(rng: random.Random, cx: float, cy: float, size: float) -> dict[str, Any]:
    pts = [
        {"lat": cx - size, "lon": cy - size},
        {"lat": cx + size * rng.uniform(0.5, 1.5), "lon": cy - size},
        {"lat": cx + size, "lon": cy + size * rng.uniform(0.5, 1.5)},
        {"lat": cx - size * rng.uniform(0.5, 1.5), "lon": cy + size},
    ]
    return {"points": [*pts, pts[0]]}


def rand_match(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["value", "value", "any", "except", "text", "text_any", "phrase", "prefix"])
    match kind:
        case "value":
            return {"value": rng.choice([rng.choice(WORDS), rng.randint(-5, 5), rng.choice([True, False])]
                                        + [rng.choice(UUIDS)])}
        case "any" | "except":
            if rng.random() < 0.5:
                return {kind: rng.sample(WORDS + UUIDS[:2], rng.randint(0, 3))}
            return {kind: rng.sample(range(-5, 6), rng.randint(0, 3))}
        case "text" | "text_any" | "phrase":
            words = [rng.choice(TEXT_WORDS + WORDS) for _ in range(rng.randint(0, 3))]
            return {kind: " ".join(words)}
    return {"prefix": rng.choice(["r", "re", "sky", "", "R", "Red", "2023"])}


SUITED = {
    "match": ["k", "n", "b", "u", "t", "obj.a.b", "arr[].x", "arr[].y", "x", "y"],
    "range": ["n", "f", "arr[].x", "x"],
    "dtrange": ["d"],
    "geo_bb": ["g"],
    "geo_radius": ["g"],
    "geo_polygon": ["g"],
}


def rand_field_condition(rng: random.Random, keys: list[str]) -> dict[str, Any]:
    kind = rng.choice(
        ["match", "match", "match", "range", "dtrange", "geo_bb", "geo_radius", "geo_polygon",
         "values_count", "is_empty", "is_null"]
    )
    suited = [k for k in SUITED.get(kind, keys) if k in keys]
    key = rng.choice(suited if suited and rng.random() < 0.75 else keys)
    match kind:
        case "match":
            return {"key": key, "match": rand_match(rng)}
        case "range":
            num = lambda: rng.choice([rng.randint(-5, 5), rng.uniform(-5, 5), 0.5])  # noqa: E731
            return {"key": key, "range": _bounds(rng, num)}
        case "dtrange":
            return {"key": key, "range": _bounds(rng, lambda: rng.choice(DATETIMES[:8]))}
        case "geo_bb":
            a, b = rand_geo(rng), rand_geo(rng)
            top_left = {"lat": max(a["lat"], b["lat"]), "lon": a["lon"]}
            bottom_right = {"lat": min(a["lat"], b["lat"]), "lon": b["lon"]}
            return {"key": key, "geo_bounding_box": {"top_left": top_left, "bottom_right": bottom_right}}
        case "geo_radius":
            return {"key": key, "geo_radius": {"center": rand_geo(rng), "radius": rng.uniform(1e4, 1.5e6)}}
        case "geo_polygon":
            cx, cy = rng.uniform(-5, 5), rng.uniform(-5, 5)
            poly: dict[str, Any] = {"exterior": _ring(rng, cx, cy, rng.uniform(2, 6))}
            if rng.random() < 0.5:
                poly["interiors"] = [_ring(rng, cx, cy, 1.0)]
            return {"key": key, "geo_polygon": poly}
        case "values_count":
            return {"key": key, "values_count": _bounds(rng, lambda: rng.randint(0, 3))}
        case "is_empty" | "is_null":
            if rng.random() < 0.5:
                return {kind: {"key": key}}
            return {"key": key, kind: rng.choice([True, False])}
    raise AssertionError(kind)


def rand_condition(rng: random.Random, depth: int, keys: list[str], top: bool = True) -> dict[str, Any]:
    r = rng.random()
    if depth > 0 and r < 0.15:
        return rand_filter(rng, depth - 1, keys, top)
    if depth > 0 and top and r < 0.25:
        inner = rand_filter(rng, depth - 1, ["x", "y", "missing"], top=False)
        return {"nested": {"key": rng.choice(["arr", "arr[]", "obj"]), "filter": inner}}
    if top and r < 0.32:
        return {"has_id": rng.sample([*range(0, 300, 7), str(uuid.UUID(int=3))], rng.randint(0, 4))}
    if r < 0.36:
        return {"has_vector": rng.choice(["", "img", "nope"])}
    if top and r < 0.38:
        total = rng.randint(1, 4)
        return {"slice": {"total": total, "index": rng.randrange(total)}}
    return rand_field_condition(rng, keys)


def rand_filter(rng: random.Random, depth: int, keys: list[str] = FIELD_KEYS, top: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for clause in ("must", "should", "must_not"):
        if rng.random() < 0.45:
            conds = [rand_condition(rng, depth, keys, top) for _ in range(rng.randint(0, 2 if clause == "must" else 3))]
            out[clause] = conds[0] if len(conds) == 1 and rng.random() < 0.3 else conds
    if rng.random() < 0.15:
        conds = [rand_condition(rng, depth, keys, top) for _ in range(rng.randint(1, 3))]
        out["min_should"] = {"conditions": conds, "min_count": rng.randint(1, len(conds))}
    return out


def _server_text_match(m: models.Match, value: Any) -> bool:
    """Qdrant 1.19 on a key without a full-text index: case-sensitive substring match (its payload
    checker's `stored.contains(text)`). qdrant_client's local mode tokenizes here instead; the
    server is the reference, so the oracle follows it for those keys."""
    if not isinstance(value, str):
        return False
    if isinstance(m, models.MatchText):
        return m.text in value
    if isinstance(m, models.MatchPhrase):
        return m.phrase in value
    assert isinstance(m, models.MatchTextAny)
    return any(part in value for part in m.text_any.split())


def check_filter_as_server(f: models.Filter, payload: dict[str, Any], pid: Any, has_vector: dict[str, bool],
                           text_indexed: frozenset[str] = frozenset()) -> bool:
    """qdrant_client local mode's check_filter, except for full-text conditions on keys without a
    text index (`text_indexed` names the keys that have one), which follow the server."""
    local_condition, local_match = payload_filters.check_condition, payload_filters.check_match
    key: list[str] = [""]

    def condition(cond: Any, *args: Any) -> bool:
        outer = key[0]
        key[0] = getattr(cond, "key", outer)
        try:
            return bool(local_condition(cond, *args))
        finally:
            key[0] = outer

    def match(m: models.Match, value: Any) -> bool:
        text = isinstance(m, models.MatchText | models.MatchTextAny | models.MatchPhrase)
        if text and key[0] not in text_indexed:
            return _server_text_match(m, value)
        return bool(local_match(m, value))

    payload_filters.check_condition, payload_filters.check_match = condition, match  # type: ignore[assignment]
    try:
        return bool(payload_filters.check_filter(f, payload, pid, has_vector))
    finally:
        payload_filters.check_condition, payload_filters.check_match = local_condition, local_match
