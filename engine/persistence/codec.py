"""Engine values ⇄ bytes for WAL records and state files: tagged msgpack, format version 1.

The on-disk form never names a Python class. Every type that may be stored has a *stable tag* of
its own in `TAGS` below (part of the format: a tag is never reused or renamed; a type renamed in
code keeps its tag). Field names of the tagged dataclasses are part of the format too: a field
may be added with a default (old records decode with the default), never removed or renamed
without a new `FORMAT_VERSION` and a migration. A record is `[FORMAT_VERSION, body]`.

Shapes inside a body (maps with one reserved key; user payload maps are always written as pairs,
so a payload key can never be taken for a tag):

    {"~": tag, field: value, ...}        a tagged dataclass
    {"~e": tag, "v": value}              an enum member, by its wire value
    {"~a": bytes, "d": dtype, "s": shape} a numpy array (little-endian dtype string)
    {"~t": [...]} / {"~s": [...]}        a tuple / a frozenset
    {"~m": [[key, value], ...]}          a dict (payloads, named vectors, configs)
    {"~dt": iso-8601}                    a datetime
    {"~": "op.upsert_rows", ...}         an upsert batch in columns (see `_upsert_rows`): its ids, one
                                         array per dense vector name every point has, the other
                                         vectors per point, and the JSON payloads as one msgpack blob
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime
from typing import Any, cast

import msgpack
import numpy as np

from engine.types import config as cf
from engine.types import expressions as ex
from engine.types import filters as fl
from engine.types import operations as op
from engine.types import payload_schema as ps
from engine.types import points as pt
from engine.types import requests as rq

FORMAT_VERSION = 1

TAGS: dict[str, type] = {
    # operations (WAL records)
    "op.upsert": op.UpsertPoints, "op.delete": op.DeletePoints, "op.set_payload": op.SetPayload,
    "op.overwrite_payload": op.OverwritePayload, "op.delete_payload": op.DeletePayload,
    "op.clear_payload": op.ClearPayload, "op.update_vectors": op.UpdateVectors,
    "op.delete_vectors": op.DeleteVectors, "op.create_index": op.CreateFieldIndex,
    "op.delete_index": op.DeleteFieldIndex, "op.create_vector_name": op.CreateVectorName,
    "op.delete_vector_name": op.DeleteVectorName,
    # points
    "pt.point": pt.PointStruct, "pt.sparse": pt.SparseVector,
    # filters (update_filter, delete by filter)
    "f.filter": fl.Filter, "f.min_should": fl.MinShould, "f.match": fl.FieldMatch, "f.range": fl.FieldRange,
    "f.geo_box": fl.FieldGeoBoundingBox, "f.geo_radius": fl.FieldGeoRadius, "f.geo_polygon": fl.FieldGeoPolygon,
    "f.values_count": fl.FieldValuesCount, "f.is_empty": fl.IsEmpty, "f.is_null": fl.IsNull,
    "f.has_id": fl.HasId, "f.has_vector": fl.HasVector, "f.nested": fl.Nested, "f.slice": fl.Slice,
    "f.m.value": fl.MatchValue, "f.m.text": fl.MatchText, "f.m.text_any": fl.MatchTextAny,
    "f.m.phrase": fl.MatchPhrase, "f.m.prefix": fl.MatchPrefix, "f.m.any": fl.MatchAny,
    "f.m.except": fl.MatchExcept, "f.r.numbers": fl.Range, "f.r.datetimes": fl.DatetimeRange,
    "f.v.count": fl.ValuesCount, "f.g.point": fl.GeoPoint, "f.g.box": fl.GeoBoundingBox,
    "f.g.radius": fl.GeoRadius, "f.g.line": fl.GeoLineString, "f.g.polygon": fl.GeoPolygon,
    # payload schemas
    "s.schema": ps.PayloadSchema, "s.params": ps.IndexParams, "s.stopwords": ps.StopwordsSet,
    "s.stemmer": ps.SnowballStemmer,
    # collection config
    "c.collection": cf.CollectionConfig, "c.params": cf.CollectionParams, "c.vector": cf.VectorParams,
    "c.sparse": cf.SparseVectorParams, "c.sparse_index": cf.SparseIndexParams, "c.hnsw": cf.HnswConfig,
    "c.optimizers": cf.OptimizersConfig, "c.wal": cf.WalConfig, "c.multivector": cf.MultiVectorConfig,
    "c.distance": cf.Distance, "c.datatype": cf.Datatype, "c.comparator": cf.Comparator,
    "c.modifier": cf.Modifier,
    # read requests and their results (cluster mode sends them between nodes; never stored on disk)
    "pt.payload_selector": pt.PayloadSelector, "pt.record": pt.Record, "pt.scored": pt.ScoredPoint,
    "pt.facet_hit": pt.FacetHit, "pt.scroll_page": pt.ScrollPage, "pt.group": pt.PointGroup,
    "pt.count": pt.CountResult,
    "q.query": rq.QueryRequest, "q.prefetch": rq.Prefetch, "q.params": rq.SearchParams, "q.idf": rq.IdfParams,
    "q.quantization": rq.QuantizationSearchParams, "q.input": rq.VectorInput, "q.nearest": rq.NearestQuery,
    "q.mmr": rq.Mmr, "q.recommend": rq.RecommendQuery, "q.strategy": rq.RecommendStrategy,
    "q.pair": rq.ContextPair, "q.discover": rq.DiscoverQuery, "q.context": rq.ContextQuery,
    "q.feedback_item": rq.FeedbackItem, "q.feedback": rq.RelevanceFeedbackQuery, "q.direction": rq.Direction,
    "q.order_by": rq.OrderBy, "q.fusion_kind": rq.Fusion, "q.fusion": rq.FusionQuery,
    "q.formula": rq.FormulaQuery, "q.sample": rq.SampleQuery, "q.lookup_from": rq.LookupLocation,
    "q.with_lookup": rq.WithLookup, "q.groups": rq.GroupsRequest, "q.matrix": rq.MatrixRequest,
    "q.matrix_result": rq.MatrixResult, "q.scroll": rq.ScrollRequest, "q.count": rq.CountRequest,
    "q.facet": rq.FacetRequest,
    "x.constant": ex.Constant, "x.variable": ex.Variable, "x.condition": ex.ConditionExpr,
    "x.geo_distance": ex.GeoDistanceExpr, "x.datetime": ex.DatetimeExpr, "x.datetime_key": ex.DatetimeKeyExpr,
    "x.mult": ex.Mult, "x.sum": ex.Sum, "x.div": ex.Div, "x.pow": ex.Pow, "x.unary": ex.Unary, "x.decay": ex.Decay,
}
_TAG_OF: dict[type, str] = {cls: tag for tag, cls in TAGS.items()}


class FormatError(ValueError):
    """Stored bytes that this version cannot read (unknown version, tag or shape)."""


def to_plain(value: Any) -> Any:
    """An engine value as msgpack-able data (see the module docstring for the shapes)."""
    if type(value) is op.UpsertPoints and value.points:
        rows = _upsert_rows(value)
        if rows is not None:
            return rows
    match value:
        case None | bool() | int() | float() | str() | bytes():
            return value
        case np.ndarray():
            arr = np.ascontiguousarray(value)
            return {"~a": arr.tobytes(), "d": arr.dtype.newbyteorder("<").str, "s": list(arr.shape)}
        case np.generic():
            return value.item()
        case enum.Enum():
            return {"~e": _tag(type(value)), "v": value.value}
        case datetime():
            return {"~dt": value.isoformat()}
        case tuple():
            return {"~t": [to_plain(v) for v in value]}
        case frozenset() | set():
            return {"~s": [to_plain(v) for v in value]}
        case list():
            return [to_plain(v) for v in value]
        case dict():
            return {"~m": [[to_plain(k), to_plain(v)] for k, v in value.items()]}
        case _ if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out: dict[str, Any] = {"~": _tag(type(value))}
            for f in dataclasses.fields(value):
                out[f.name] = to_plain(getattr(value, f.name))
            return out
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def _upsert_rows(value: op.UpsertPoints) -> dict[str, Any] | None:
    """An ingest batch without a Python call per vector and per payload value: dense vectors that
    every point has are stacked into one array per name, payloads (JSON values: msgpack's own
    types) packed in one call. None when the payloads hold anything msgpack cannot pack as is."""
    points = value.points
    first = points[0].vectors
    stacked = [name for name, vec in first.items()
               if isinstance(vec, np.ndarray) and vec.ndim == 1
               and all(isinstance(v := p.vectors.get(name), np.ndarray) and v.shape == vec.shape for p in points)]
    try:
        payloads = msgpack.packb([p.payload for p in points], use_bin_type=True)
    except (TypeError, ValueError, OverflowError):
        return None
    taken = set(stacked)
    return {
        "~": "op.upsert_rows",
        "ids": [p.id for p in points],
        "rows": [[name, to_plain(np.stack([cast(np.ndarray, p.vectors[name]) for p in points]))] for name in stacked],
        "other": [to_plain({k: v for k, v in p.vectors.items() if k not in taken}) for p in points]
        if any(len(p.vectors) > len(taken) for p in points) else None,
        "payloads": payloads,
        "update_filter": to_plain(value.update_filter),
        "update_mode": value.update_mode,
    }


def _from_upsert_rows(value: dict[str, Any]) -> op.UpsertPoints:
    rows = [(name, from_plain(array)) for name, array in value["rows"]]
    other = value["other"]
    payloads = msgpack.unpackb(value["payloads"], raw=False, strict_map_key=False)
    points = []
    for i, pid in enumerate(value["ids"]):
        vectors = {name: array[i] for name, array in rows}
        if other is not None:
            vectors.update(from_plain(other[i]))
        points.append(pt.PointStruct(id=pid, vectors=vectors, payload=payloads[i]))
    # records written before update_mode existed are plain upserts
    return op.UpsertPoints(points=points, update_filter=from_plain(value["update_filter"]),
                           update_mode=value.get("update_mode", "upsert"))


def from_plain(value: Any) -> Any:
    if isinstance(value, list):
        return [from_plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if value.get("~") == "op.upsert_rows":
        return _from_upsert_rows(value)
    if "~" in value:
        cls = _class(value["~"])
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(value) - names - {"~"}
        if unknown:
            raise FormatError(f"unknown fields {sorted(unknown)} for stored type {value['~']!r}")
        return cls(**{k: from_plain(v) for k, v in value.items() if k != "~"})
    if "~a" in value:
        return np.frombuffer(value["~a"], dtype=np.dtype(value["d"])).reshape(value["s"]).copy()
    if "~e" in value:
        return _class(value["~e"])(value["v"])
    if "~dt" in value:
        return datetime.fromisoformat(value["~dt"])
    if "~t" in value:
        return tuple(from_plain(v) for v in value["~t"])
    if "~s" in value:
        return frozenset(from_plain(v) for v in value["~s"])
    if "~m" in value:
        return {from_plain(k): from_plain(v) for k, v in value["~m"]}
    raise FormatError(f"unknown stored shape with keys {sorted(value)}")


def _tag(cls: type) -> str:
    tag = _TAG_OF.get(cls)
    if tag is None:
        raise TypeError(f"{cls.__name__} has no stable storage tag (add one to engine/persistence/codec.TAGS)")
    return tag


def _class(tag: object) -> type:
    cls = TAGS.get(tag) if isinstance(tag, str) else None
    if cls is None:
        raise FormatError(f"unknown stored type tag {tag!r}")
    return cls


def encode(value: Any) -> bytes:
    """One versioned record."""
    return msgpack.packb([FORMAT_VERSION, to_plain(value)], use_bin_type=True)


def decode(data: bytes) -> Any:
    record = msgpack.unpackb(data, raw=False, strict_map_key=False)
    if not isinstance(record, list) or len(record) != 2 or not isinstance(record[0], int):
        raise FormatError("not a versioned record")
    if not 1 <= record[0] <= FORMAT_VERSION:
        raise FormatError(f"record format {record[0]} is newer than this server's {FORMAT_VERSION}")
    return from_plain(record[1])


def encode_document(value: Any) -> dict[str, Any]:
    """A JSON-able state document (config.json, manifest fields): `{"format": N, "value": ...}`.
    Only for values without bytes or arrays (configs, schemas)."""
    return {"format": FORMAT_VERSION, "value": to_plain(value)}


def decode_document(document: Any) -> Any:
    if not isinstance(document, dict) or not isinstance(document.get("format"), int):
        raise FormatError("not a versioned document")
    if not 1 <= document["format"] <= FORMAT_VERSION:
        raise FormatError(f"document format {document['format']} is newer than this server's {FORMAT_VERSION}")
    return from_plain(document["value"])
