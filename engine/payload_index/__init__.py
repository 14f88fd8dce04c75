"""Payload indexes: one class per schema type, all behind the `PayloadIndex` interface."""

from __future__ import annotations

from engine.payload_index.auto import AutoIndexes
from engine.payload_index.base import PayloadIndex, offsets_to_mask, values_by_offset
from engine.payload_index.geo_index import GeoIndex
from engine.payload_index.text_index import TextIndex
from engine.payload_index.value_indexes import (
    BoolIndex,
    DatetimeIndex,
    FloatIndex,
    IntegerIndex,
    KeywordIndex,
    UuidIndex,
)
from engine.types.payload_schema import PayloadSchema

_CLASSES: dict[str, type[PayloadIndex]] = {
    "keyword": KeywordIndex,
    "integer": IntegerIndex,
    "float": FloatIndex,
    "geo": GeoIndex,
    "text": TextIndex,
    "bool": BoolIndex,
    "datetime": DatetimeIndex,
    "uuid": UuidIndex,
}


def create_payload_index(key: str, schema: PayloadSchema) -> PayloadIndex:
    """An empty index on `key` for `schema.type`."""
    return _CLASSES[schema.type](key, schema)


__all__ = [
    "AutoIndexes",
    "BoolIndex",
    "DatetimeIndex",
    "FloatIndex",
    "GeoIndex",
    "IntegerIndex",
    "KeywordIndex",
    "PayloadIndex",
    "TextIndex",
    "UuidIndex",
    "create_payload_index",
    "offsets_to_mask",
    "values_by_offset",
]
