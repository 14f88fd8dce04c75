"""Engine results → Qdrant REST JSON (records, scored points, update results, facets)."""

from __future__ import annotations

from typing import Any

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
    """Dense → list, multivector → list of lists, sparse → {indices, values}."""
    match vector:
        case SparseVector(indices=indices, values=values):
            return {"indices": indices.tolist(), "values": values.tolist()}
    return vector.tolist()


def vectors_to_json(vectors: Vectors | None, params: CollectionParams) -> Any:
    """The unnamed vector alone renders as a plain list; anything else (named vectors, or the unnamed
    one next to sparse vectors) as an object keyed by name, "" for the unnamed one (as Qdrant)."""
    if vectors is None:
        return None
    if params.unnamed and set(vectors) <= {""}:
        vec = vectors.get("")
        return None if vec is None else vector_to_json(vec)
    return {name: vector_to_json(v) for name, v in vectors.items()}


def record_to_json(r: Record, params: CollectionParams) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id, "payload": r.payload, "vector": vectors_to_json(r.vectors, params)}
    if r.order_value is not None:
        out["order_value"] = r.order_value
    return out


def scored_to_json(p: ScoredPoint, params: CollectionParams) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "version": p.version, "score": p.score, "payload": p.payload,
                           "vector": vectors_to_json(p.vectors, params)}
    if p.order_value is not None:
        out["order_value"] = p.order_value
    return out


def scroll_to_json(page: ScrollPage, params: CollectionParams) -> dict[str, Any]:
    return {"points": [record_to_json(r, params) for r in page.points], "next_page_offset": page.next_page_offset}


def update_to_json(result: UpdateResult) -> dict[str, Any]:
    return {"operation_id": result.operation_id, "status": result.status.value}


def facet_to_json(hits: list[FacetHit]) -> dict[str, Any]:
    return {"hits": [{"value": h.value, "count": h.count} for h in hits]}
