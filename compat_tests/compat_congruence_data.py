"""Seeded data set and random filter generator for the congruence tests.

Points carry mixed payloads: keywords (single, list, missing, null), ints/floats (single, list),
bools, RFC 3339 datetimes, UUID strings, lowercase text, geo points, nested objects and arrays of
objects, empty arrays. Four named vectors use the four distances; an optional fifth vector is
missing on some points (for `has_vector`). Ids are u64 and UUIDs.

Constraints that keep the oracle (`QdrantClient(":memory:")`, which ignores payload indexes)
valid with and without indexes: text is lowercase single-spaced words where no word is a prefix,
suffix or infix of another, and exact-match conditions never target float values.
"""

from __future__ import annotations

import random
import uuid
from typing import Any

from qdrant_client import models

SEED = 20240619
N_POINTS = 320
VECTOR_DIM = 6
DISTANCE_VECTORS = {
    "cos": models.Distance.COSINE,
    "dot": models.Distance.DOT,
    "euc": models.Distance.EUCLID,
    "man": models.Distance.MANHATTAN,
}
OPTIONAL_VECTOR = "opt"
KEYWORDS = ["red", "green", "blue", "cyan", "amber", "violet"]
WORDS = ["alpha", "bravo", "delta", "echo", "golf", "hotel", "kilo", "lima", "oscar", "tango"]
CITIES = {"berlin": (13.40, 52.52), "paris": (2.35, 48.86), "london": (-0.13, 51.51), "rome": (12.50, 41.90)}

# Fields and the index type used for them in the indexed run.
INDEXED_FIELDS: dict[str, models.PayloadSchemaType] = {
    "kw": models.PayloadSchemaType.KEYWORD,
    "tags": models.PayloadSchemaType.KEYWORD,
    "num": models.PayloadSchemaType.INTEGER,
    "price": models.PayloadSchemaType.FLOAT,
    "flag": models.PayloadSchemaType.BOOL,
    "when": models.PayloadSchemaType.DATETIME,
    "uid": models.PayloadSchemaType.UUID,
    "text": models.PayloadSchemaType.TEXT,
    "loc": models.PayloadSchemaType.GEO,
    "meta.level": models.PayloadSchemaType.INTEGER,
    "meta.owner.name": models.PayloadSchemaType.KEYWORD,
    "items[].sku": models.PayloadSchemaType.KEYWORD,
    "items[].qty": models.PayloadSchemaType.INTEGER,
}


def _maybe(rng: random.Random, value: Any, missing: float = 0.1, null: float = 0.05) -> Any:
    roll = rng.random()
    if roll < missing:
        return _MISSING
    if roll < missing + null:
        return None
    return value


_MISSING = object()


def _datetime(rng: random.Random) -> str:
    day, hour, minute = rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    month = rng.choice([1, 2, 3])
    forms = [
        f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00Z",
        f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00+00:00",
        f"2024-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00.500Z",
    ]
    return rng.choice(forms)


def _payload(rng: random.Random, index: int) -> dict[str, Any]:
    city = rng.choice(list(CITIES))
    lon, lat = CITIES[city]
    fields: dict[str, Any] = {
        "kw": _maybe(rng, rng.choice(KEYWORDS) if rng.random() < 0.8 else rng.sample(KEYWORDS, 2)),
        "tags": _maybe(rng, rng.sample(KEYWORDS, rng.randint(0, 3))),
        "num": _maybe(
            rng, rng.randint(-50, 50) if rng.random() < 0.85 else [rng.randint(-50, 50), rng.randint(-50, 50)]
        ),
        "price": _maybe(rng, round(rng.uniform(0, 100), 3)),
        "flag": _maybe(rng, rng.random() < 0.5),
        "when": _maybe(rng, _datetime(rng)),
        "uid": _maybe(
            rng, str(uuid.UUID(int=rng.getrandbits(128), version=4)) if rng.random() < 0.7 else None
        ),
        "text": _maybe(rng, " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6)))),
        "loc": _maybe(rng, {"lon": lon + rng.uniform(-0.3, 0.3), "lat": lat + rng.uniform(-0.3, 0.3)}),
        "city": city,
        "meta": _maybe(
            rng,
            {"level": rng.randint(0, 5), "owner": {"name": rng.choice(["ann", "bob", "cid"])}, "note": None},
        ),
        "items": _maybe(
            rng,
            [{"sku": rng.choice(KEYWORDS), "qty": rng.randint(0, 9)} for _ in range(rng.randint(0, 3))],
        ),
        "empty": [] if index % 7 == 0 else _MISSING,
    }
    return {key: value for key, value in fields.items() if value is not _MISSING}


def _vector(rng: random.Random) -> list[float]:
    return [round(rng.uniform(-1, 1), 4) for _ in range(VECTOR_DIM)]


def point_ids(rng: random.Random) -> list[int | str]:
    ids: list[int | str] = [i * 3 + 1 for i in range(N_POINTS - 40)]
    ids += [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(40)]
    return ids


def make_points(seed: int = SEED) -> list[models.PointStruct]:
    rng = random.Random(seed)
    points = []
    for index, point_id in enumerate(point_ids(rng)):
        vectors: dict[str, list[float]] = {name: _vector(rng) for name in DISTANCE_VECTORS}
        if rng.random() < 0.6:
            vectors[OPTIONAL_VECTOR] = [round(rng.uniform(-1, 1), 4) for _ in range(3)]
        points.append(models.PointStruct(id=point_id, vector=vectors, payload=_payload(rng, index)))
    return points


def vectors_config() -> dict[str, models.VectorParams]:
    config = {name: models.VectorParams(size=VECTOR_DIM, distance=d) for name, d in DISTANCE_VECTORS.items()}
    config[OPTIONAL_VECTOR] = models.VectorParams(size=3, distance=models.Distance.COSINE)
    return config


class FilterGenerator:
    """Seeded random filters covering every condition kind."""

    def __init__(self, seed: int, ids: list[int | str]) -> None:
        self.rng = random.Random(seed)
        self.ids = ids

    def field_condition(self) -> models.Condition:
        rng = self.rng
        kind = rng.choice(
            [
                "kw_value",
                "kw_any",
                "kw_except",
                "tags_any",
                "num_value",
                "num_any",
                "flag",
                "uid",
                "text",
                "phrase",
                "range_num",
                "range_price",
                "range_nested",
                "datetime",
                "geo_bbox",
                "geo_radius",
                "geo_polygon",
                "values_count",
                "is_empty",
                "is_null",
                "has_id",
                "has_vector",
                "nested",
                "items_path",
                "owner_path",
            ]
        )
        fc = models.FieldCondition
        match kind:
            case "kw_value":
                return fc(key="kw", match=models.MatchValue(value=rng.choice(KEYWORDS)))
            case "kw_any":
                return fc(key="kw", match=models.MatchAny(any=rng.sample(KEYWORDS, rng.randint(1, 3))))
            case "kw_except":
                return fc(
                    key="kw", match=models.MatchExcept(**{"except": rng.sample(KEYWORDS, rng.randint(1, 3))})
                )
            case "tags_any":
                return fc(key="tags", match=models.MatchAny(any=rng.sample(KEYWORDS, 2)))
            case "num_value":
                return fc(key="num", match=models.MatchValue(value=rng.randint(-50, 50)))
            case "num_any":
                return fc(key="num", match=models.MatchAny(any=rng.sample(range(-50, 51), 8)))
            case "flag":
                return fc(key="flag", match=models.MatchValue(value=rng.random() < 0.5))
            case "uid":
                return fc(
                    key="uid",
                    match=models.MatchValue(value=str(uuid.UUID(int=rng.getrandbits(128), version=4))),
                )
            case "text":
                return fc(key="text", match=models.MatchText(text=rng.choice(WORDS)))
            case "phrase":
                return fc(key="text", match=models.MatchPhrase(phrase=" ".join(rng.sample(WORDS, 2))))
            case "range_num":
                low = rng.randint(-50, 40)
                return fc(key="num", range=models.Range(gte=low, lt=low + rng.randint(1, 40)))
            case "range_price":
                return fc(key="price", range=models.Range(gt=rng.uniform(0, 50), lte=rng.uniform(50, 100)))
            case "range_nested":
                return fc(key="meta.level", range=models.Range(gte=rng.randint(0, 5)))
            case "datetime":
                day = rng.randint(1, 28)
                return fc(
                    key="when",
                    range=models.DatetimeRange(
                        gte=f"2024-02-{day:02d}T00:00:00Z", lt="2024-03-15T12:00:00+00:00"
                    ),
                )
            case "geo_bbox":
                lon, lat = CITIES[rng.choice(list(CITIES))]
                return fc(
                    key="loc",
                    geo_bounding_box=models.GeoBoundingBox(
                        top_left=models.GeoPoint(lon=lon - 0.2, lat=lat + 0.2),
                        bottom_right=models.GeoPoint(lon=lon + 0.25, lat=lat - 0.15),
                    ),
                )
            case "geo_radius":
                lon, lat = CITIES[rng.choice(list(CITIES))]
                return fc(
                    key="loc",
                    geo_radius=models.GeoRadius(
                        center=models.GeoPoint(lon=lon, lat=lat), radius=rng.uniform(5_000, 40_000)
                    ),
                )
            case "geo_polygon":
                lon, lat = CITIES[rng.choice(list(CITIES))]
                ring = [
                    (lon - 0.3, lat - 0.2),
                    (lon + 0.3, lat - 0.25),
                    (lon + 0.1, lat + 0.3),
                    (lon - 0.3, lat - 0.2),
                ]
                exterior = models.GeoLineString(points=[models.GeoPoint(lon=x, lat=y) for x, y in ring])
                return fc(key="loc", geo_polygon=models.GeoPolygon(exterior=exterior))
            case "values_count":
                key = rng.choice(["tags", "items", "kw", "num"])
                return fc(
                    key=key, values_count=models.ValuesCount(gte=rng.randint(0, 2), lte=rng.randint(1, 3))
                )
            case "is_empty":
                return models.IsEmptyCondition(
                    is_empty=models.PayloadField(key=rng.choice(["tags", "empty", "kw", "items", "uid"]))
                )
            case "is_null":
                return models.IsNullCondition(
                    is_null=models.PayloadField(key=rng.choice(["kw", "uid", "meta.note", "flag"]))
                )
            case "has_id":
                return models.HasIdCondition(has_id=rng.sample(self.ids, rng.randint(1, 30)))
            case "has_vector":
                return models.HasVectorCondition(has_vector=OPTIONAL_VECTOR)
            case "nested":
                inner = [
                    fc(key="sku", match=models.MatchValue(value=rng.choice(KEYWORDS))),
                    fc(key="qty", range=models.Range(gte=rng.randint(0, 6))),
                ]
                return models.NestedCondition(
                    nested=models.Nested(key="items", filter=models.Filter(must=inner))
                )
            case "items_path":
                return fc(key="items[].sku", match=models.MatchAny(any=rng.sample(KEYWORDS, 2)))
            case _:
                return fc(
                    key="meta.owner.name", match=models.MatchValue(value=rng.choice(["ann", "bob", "cid"]))
                )

    def condition(self, depth: int) -> models.Condition:
        if depth > 0 and self.rng.random() < 0.25:
            return self.filter(depth - 1)
        return self.field_condition()

    def filter(self, depth: int = 2) -> models.Filter:
        rng = self.rng
        clauses: dict[str, Any] = {}
        for clause in rng.sample(["must", "should", "must_not", "min_should"], rng.choice([1, 1, 2, 3])):
            size = rng.choice([1, 1, 2]) if clause == "must" else rng.randint(1, 3)
            conditions = [self.condition(depth) for _ in range(size)]
            if clause == "min_should":
                clauses[clause] = models.MinShould(
                    conditions=conditions, min_count=rng.randint(1, len(conditions))
                )
            else:
                clauses[clause] = conditions
        return models.Filter(**clauses)


def query_vector(rng: random.Random) -> list[float]:
    return _vector(rng)
