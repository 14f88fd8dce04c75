"""Reads over a collection's segments: exact vector search, retrieve, scroll, count, facet.

Each read scores or selects per segment with numpy, merges across segments, and only then fetches
payloads and vectors of the points that are returned.
"""

from __future__ import annotations

from engine.collection.collection import Collection
from engine.deadline import Deadline
from engine.errors import NotFound
from engine.filters import CompiledFilter
from engine.point_id import PointId
from engine.query import execute, groups, matrix, ordering
from engine.query import facet as facet_counts
from engine.query.resolve import Collections
from engine.shard.holder import ShardView
from engine.shard.search import to_record
from engine.shard.shard import Shard
from engine.shard.validate import check_vector_name
from engine.types.points import (
    FacetHit,
    PayloadSelector,
    PointGroup,
    Record,
    ScoredPoint,
    ScrollPage,
    VectorSelector,
)
from engine.types.requests import (
    CountRequest,
    FacetRequest,
    GroupsRequest,
    MatrixRequest,
    MatrixResult,
    OrderBy,
    QueryRequest,
    ScrollRequest,
)


def _check_vector_selector(col: ShardView, selector: VectorSelector) -> None:
    if isinstance(selector, list):
        for name in selector:
            check_vector_name(col.config.params, name)


# ---- query API -------------------------------------------------------------------------------
def query(col: Collection, req: QueryRequest, collections: Collections | None = None,
          deadline: Deadline | None = None) -> list[ScoredPoint]:
    """`points/query` (and the legacy search/recommend/discover endpoints converted to it)."""
    req.validate()
    with col.reading() as view:
        _check_vector_selector(view, req.with_vector)
        return execute.query(view, req, collections or _no_other(col.shard), deadline)


def query_groups(col: Collection, req: GroupsRequest, collections: Collections | None = None,
                 deadline: Deadline | None = None) -> list[PointGroup]:
    req.validate()
    with col.reading() as view:
        _check_vector_selector(view, req.query.with_vector)
        return groups.groups(view, req, collections or _no_other(col.shard), deadline)


def search_matrix(col: Collection, req: MatrixRequest, deadline: Deadline | None = None) -> MatrixResult:
    req.validate()
    with col.reading() as view:
        return matrix.matrix(view, req, deadline)


def _no_other(shard: Shard) -> Collections:
    """Without a table of collections, only `shard` itself can be looked up by name."""
    def find(name: str) -> Shard:
        if name == shard.name:
            return shard
        raise NotFound(f"Collection `{name}` doesn't exist!")
    return find


# ---- retrieve / scroll / count / facet -------------------------------------------------------
def retrieve(col: Collection, ids: list[PointId], with_payload: PayloadSelector,
             with_vector: VectorSelector) -> list[Record]:
    with col.reading() as view:
        _check_vector_selector(view, with_vector)
        out: list[Record] = []
        seen: set[PointId] = set()
        for pid in ids:
            if pid in seen:
                continue
            seen.add(pid)
            found = view.locate(pid)
            if found is not None:
                out.append(to_record(found[0], found[1], with_payload, with_vector))
        return out


def scroll(col: Collection, req: ScrollRequest, deadline: Deadline | None = None) -> ScrollPage:
    req.validate()
    with col.reading() as view:
        _check_vector_selector(view, req.with_vector)
        compiled = view.compile(req.filter)
        if req.order_by is not None:
            return _scroll_ordered(view, req, compiled, req.order_by, deadline)
        page = ordering.by_id(view, compiled, req.limit, req.offset, deadline)
        next_offset = page[req.limit][0] if len(page) > req.limit else None
        return ScrollPage(points=[to_record(s, o, req.with_payload, req.with_vector) for _, s, o in page[: req.limit]],
                          next_page_offset=next_offset)


def _scroll_ordered(col: ShardView, req: ScrollRequest, compiled: CompiledFilter | None,
                    order_by: OrderBy, deadline: Deadline | None) -> ScrollPage:
    out: list[Record] = []
    for value, _, seg, offset in ordering.by_value(col, compiled, order_by, req.limit, deadline):
        record = to_record(seg, offset, req.with_payload, req.with_vector)
        record.order_value = value
        out.append(record)
    return ScrollPage(points=out, next_page_offset=None)


def count(col: Collection, req: CountRequest) -> int:
    with col.reading() as view:
        compiled = view.compile(req.filter)
        return sum(int(seg.matching(compiled).size) for seg in view.segments)


def facet(col: Collection, req: FacetRequest, deadline: Deadline | None = None) -> list[FacetHit]:
    """Counts per value of an indexed key, read from the payload indexes (engine/query/facet.py)."""
    req.validate()
    with col.reading() as view:
        return facet_counts.facet(view, req, deadline)


