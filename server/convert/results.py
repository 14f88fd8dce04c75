"""Engine results → Qdrant REST JSON (records, scored points, update results, facets)."""

from __future__ import annotations

from typing import Any

from engine.types.config import CollectionParams
from engine.types.points import FacetHit, Record, ScoredPoint, ScrollPage, UpdateResult, Vectors


def vectors_to_json(vectors: Vectors | None, params: CollectionParams) -> Any:
    """The unnamed vector renders as a plain list; named vectors as an object."""
    if vectors is None:
        return None
    if params.unnamed:
        vec = vectors.get("")
        return None if vec is None else vec.tolist()
    return {name: v.tolist() for name, v in vectors.items()}


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
