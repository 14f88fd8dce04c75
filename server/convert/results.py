"""Engine results → Qdrant REST JSON (records, scored points, update results, facets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import orjson

from engine.types.config import CollectionParams
from engine.types.points import (
    FacetHit,
    Record,
    ScoredPoint,
    ScrollPage,
    SparseVector,
    UpdateResult,
    Vectors,
    VectorValue,
)


def vector_to_json(vector: VectorValue) -> Any:
    """Dense → list, multivector → list of lists, sparse → {indices, values}.

    Values stay float32 numpy arrays: the REST encoder (orjson with OPT_SERIALIZE_NUMPY) writes
    them in the shortest float32 form, as Qdrant does (`0.15`, not the double `0.15000000596046448`),
    and faster than `tolist()` would. Always a C-contiguous float32 ndarray: orjson refuses memmaps
    and strided views, and float16/uint8 storage renders as Qdrant's f32 output."""
    match vector:
        case SparseVector(indices=indices, values=values):
            return {"indices": indices.tolist(), "values": np.ascontiguousarray(values, dtype=np.float32)}
    return np.ascontiguousarray(vector, dtype=np.float32)


def f32_floats(values: Sequence[float]) -> list[float]:
    """Python floats that print as the shortest float32 form of `values` (Qdrant's scores are f32:
    `0.1472249`, not `0.14722490310668945`). One vectorised round trip for a whole answer: orjson
    writes the float32 array in shortest form, and parsing that text back gives, for each value, the
    double whose own shortest form is those same digits."""
    return orjson.loads(orjson.dumps(np.asarray(values, dtype=np.float32), option=orjson.OPT_SERIALIZE_NUMPY))  # type: ignore[no-any-return]


def vectors_to_json(vectors: Vectors | None, params: CollectionParams) -> Any:
    """The unnamed vector alone renders as a plain list; anything else (named vectors, or the unnamed
    one next to sparse vectors) as an object keyed by name, "" for the unnamed one (as Qdrant); a
    point without any vector (sent as `"vector": {}`, or all deleted) as `{}`. Qdrant decides by the
    point's vectors, not the config: a point holding only "" renders as a list also in a collection
    whose unnamed vector became "" next to named ones (created later)."""
    if vectors is None:
        return None
    if "" in vectors and len(vectors) == 1:
        return vector_to_json(vectors[""])
    return {name: vector_to_json(v) for name, v in vectors.items()}


def record_to_json(r: Record, params: CollectionParams) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id, "payload": r.payload, "vector": vectors_to_json(r.vectors, params)}
    if r.shard_key is not None:
        out["shard_key"] = r.shard_key
    if r.order_value is not None:
        out["order_value"] = r.order_value
    return out


def scored_points_to_json(points: Sequence[ScoredPoint], params: CollectionParams) -> list[dict[str, Any]]:
    """Scored points with their scores in float32 form (one conversion for the whole list); one loop
    with no call per point and none for an absent vector (this renders every search answer)."""
    if not points:
        return []
    scores = f32_floats([p.score for p in points])
    out = []
    for p, score in zip(points, scores, strict=True):
        vectors = p.vectors
        item: dict[str, Any] = {"id": p.id, "version": p.version, "score": score, "payload": p.payload,
                                "vector": None if vectors is None else vectors_to_json(vectors, params)}
        if p.shard_key is not None:
            item["shard_key"] = p.shard_key
        if p.order_value is not None:
            item["order_value"] = p.order_value
        out.append(item)
    return out


def scroll_to_json(page: ScrollPage, params: CollectionParams) -> dict[str, Any]:
    return {"points": [record_to_json(r, params) for r in page.points], "next_page_offset": page.next_page_offset}


def update_to_json(result: UpdateResult) -> dict[str, Any]:
    return {"operation_id": result.operation_id, "status": result.status.value}


def facet_to_json(hits: list[FacetHit]) -> dict[str, Any]:
    return {"hits": [{"value": h.value, "count": h.count} for h in hits]}
