"""Reads over a collection's segments: exact vector search, retrieve, scroll, count, facet.

Each read scores or selects per segment with numpy, merges across segments, and only then fetches
payloads and vectors of the points that are returned.
"""

from __future__ import annotations

from typing import Any

from engine.collection.collection import Collection
from engine.collection.validate import check_vector, check_vector_name
from engine.collection.vector_search import search_vector
from engine.errors import BadInput, BadRequest, NotFound
from engine.filters import CompiledFilter
from engine.filters.datetimes import parse_datetime, to_micros
from engine.json_path import extract_values, parse_path
from engine.payload_select import select_payload
from engine.point_id import PointId, id_sort_key
from engine.segment import Segment
from engine.types.points import (
    FacetHit,
    PayloadSelector,
    Record,
    ScoredPoint,
    ScrollPage,
    VectorSelector,
)
from engine.types.requests import CountRequest, Direction, FacetRequest, OrderBy, QueryRequest, ScrollRequest

ORDERABLE_INDEX_TYPES = ("integer", "float", "datetime")
FACET_INDEX_TYPES = ("keyword", "integer", "bool", "uuid")


def _vector_names(selector: VectorSelector, seg: Segment) -> list[str] | None:
    if selector is True:
        return list(seg.columns)
    if selector is False:
        return None
    return list(selector)


def _record(seg: Segment, offset: int, payload: PayloadSelector, vectors: VectorSelector) -> Record:
    names = _vector_names(vectors, seg)
    return Record(
        id=seg.point_id(offset),
        payload=select_payload(seg.payload_at(offset), payload),
        vectors=None if names is None else seg.vectors_at(offset, names),
    )


def _check_vector_selector(col: Collection, selector: VectorSelector) -> None:
    if isinstance(selector, list):
        for name in selector:
            check_vector_name(col.config.params, name)


# ---- search ----------------------------------------------------------------------------------
def query(col: Collection, req: QueryRequest) -> list[ScoredPoint]:
    with col.lock:
        _check_vector_selector(col, req.with_vector)
        if req.query is None:
            if req.order_by is not None:
                page = scroll(col, ScrollRequest(limit=req.limit + req.offset, filter=req.filter,
                                                 with_payload=req.with_payload, with_vector=req.with_vector,
                                                 order_by=req.order_by))
                records = page.points[req.offset:]
            else:
                page = scroll(col, ScrollRequest(limit=req.limit + req.offset, filter=req.filter,
                                                 with_payload=req.with_payload, with_vector=req.with_vector))
                records = page.points[req.offset:]
            return [ScoredPoint(id=r.id, version=0, score=1.0 if req.order_by is None else 0.0,
                                payload=r.payload, vectors=r.vectors, order_value=r.order_value)
                    for r in records]
        params = col.config.params
        check_vector_name(params, req.using)
        exclude: list[PointId] = []
        if req.query.point_id is not None:
            found = col.locate(req.query.point_id)
            vec = None if found is None else found[0].columns[req.using].get(found[1])
            if vec is None:
                raise NotFound(f"No point with id {req.query.point_id} found")
            exclude.append(req.query.point_id)
        else:
            vec = req.query.vector
            if vec is None:
                raise BadInput("query vector is missing")
            check_vector(params, req.using, vec)
        space = params.vectors[req.using].distance
        return search_vector(col, req, vec, space, exclude)


# ---- retrieve / scroll / count / facet -------------------------------------------------------
def retrieve(col: Collection, ids: list[PointId], with_payload: PayloadSelector,
             with_vector: VectorSelector) -> list[Record]:
    with col.lock:
        _check_vector_selector(col, with_vector)
        out: list[Record] = []
        seen: set[PointId] = set()
        for pid in ids:
            if pid in seen:
                continue
            seen.add(pid)
            found = col.locate(pid)
            if found is not None:
                out.append(_record(found[0], found[1], with_payload, with_vector))
        return out


def scroll(col: Collection, req: ScrollRequest) -> ScrollPage:
    with col.lock:
        _check_vector_selector(col, req.with_vector)
        compiled = col.compile(req.filter)
        if req.order_by is not None:
            return _scroll_ordered(col, req, compiled, req.order_by)
        matches: list[tuple[tuple[int, int | str], Segment, int]] = []
        start = None if req.offset is None else id_sort_key(req.offset)
        for seg in col.segments:
            for offset in seg.matching(compiled):
                key = id_sort_key(seg.point_id(int(offset)))
                if start is None or key >= start:
                    matches.append((key, seg, int(offset)))
        matches.sort(key=lambda t: t[0])
        page = matches[: req.limit]
        next_offset = matches[req.limit][1].point_id(matches[req.limit][2]) if len(matches) > req.limit else None
        return ScrollPage(points=[_record(s, o, req.with_payload, req.with_vector) for _, s, o in page],
                          next_page_offset=next_offset)


def order_value(value: Any) -> int | float | None:
    """Numbers order as themselves; datetimes by microseconds since the epoch (as Qdrant)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return to_micros(moment)
    return None


def _scroll_ordered(col: Collection, req: ScrollRequest, compiled: CompiledFilter | None,
                    order_by: OrderBy) -> ScrollPage:
    schema = col.payload_schema.get(order_by.key)
    if schema is None or schema.type not in ORDERABLE_INDEX_TYPES:
        raise BadRequest(
            f"No range index for `order_by` key: `{order_by.key}`. Please create one to use "
            "`order_by`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which "
            "payload schemas support Range conditions"
        )
    path = parse_path(order_by.key)
    rows: list[tuple[int | float, PointId, Segment, int]] = []
    for seg in col.segments:
        for offset in seg.matching(compiled):
            payload = seg.payload_at(int(offset)) or {}
            for value in extract_values(payload, path):
                ov = order_value(value)
                if ov is not None:
                    rows.append((ov, seg.point_id(int(offset)), seg, int(offset)))
    desc = order_by.direction is Direction.DESC
    rows.sort(key=lambda r: r[0], reverse=desc)
    if order_by.start_from is not None:
        start = order_by.start_from
        rows = [r for r in rows if (r[0] <= start if desc else r[0] >= start)]
    seen: set[tuple[int | float, PointId]] = set()
    out: list[Record] = []
    for value, pid, seg, offset in rows:
        if (value, pid) in seen:
            continue
        seen.add((value, pid))
        record = _record(seg, offset, req.with_payload, req.with_vector)
        record.order_value = value
        out.append(record)
        if len(out) >= req.limit:
            break
    return ScrollPage(points=out, next_page_offset=None)


def count(col: Collection, req: CountRequest) -> int:
    with col.lock:
        compiled = col.compile(req.filter)
        return sum(int(seg.matching(compiled).size) for seg in col.segments)


def facet(col: Collection, req: FacetRequest) -> list[FacetHit]:
    with col.lock:
        schema = col.payload_schema.get(req.key)
        if schema is None or schema.type not in FACET_INDEX_TYPES:
            raise BadRequest(
                f"Index required but not found for \"{req.key}\" of one of the following types: "
                "[keyword, integer, bool, uuid]. Help: Create an index for this key or use a different filter."
            )
        compiled = col.compile(req.filter)
        path = parse_path(req.key)
        counts: dict[tuple[int, Any], int] = {}
        for seg in col.segments:
            for offset in seg.matching(compiled):
                values = extract_values(seg.payload_at(int(offset)) or {}, path)
                tagged = {_facet_key(v) for v in values if isinstance(v, str | int)}
                for key in tagged:
                    counts[key] = counts.get(key, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: req.limit]
        return [FacetHit(value=key[1], count=n) for key, n in ranked]


def _facet_key(value: str | int) -> tuple[int, Any]:
    """Type tag first so that True and 1 stay distinct buckets."""
    if isinstance(value, bool):
        return (0, value)
    if isinstance(value, int):
        return (1, value)
    return (2, value)
