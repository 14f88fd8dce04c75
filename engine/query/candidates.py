"""Scored candidates before their payloads are fetched, and the filter edits the planner makes
(merge a propagated filter, exclude mentioned ids, restrict to prefetched ids)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.payload_select import select_payload
from engine.point_id import PointId
from engine.segment import Segment
from engine.shard.search import Hit, Part, vector_names
from engine.types.filters import Filter, HasId, MinShould
from engine.types.points import PayloadSelector, ScoredPoint, VectorSelector


@dataclass(slots=True)
class Found:
    """A point selected by a stage of the query, with the score that stage gave it."""

    id: PointId
    score: float
    seg: Segment
    offset: int
    order_value: int | float | None = None


def from_hits(hits: list[Hit]) -> list[Found]:
    return [Found(seg.point_id(offset), score, seg, offset) for score, seg, offset in hits]


def to_points(found: list[Found], with_payload: PayloadSelector, with_vector: VectorSelector) -> list[ScoredPoint]:
    """Fetch payloads and vectors of the winners only: one ScoredPoint per winner, built directly
    (this runs for every returned point of every query; no intermediate records). Versions come
    from one numpy gather per segment, payloads and vectors only when asked for."""
    if not found:
        return []
    versions = _versions(found)
    payload = with_payload.enabled
    if not payload and with_vector is False:
        return [ScoredPoint(id=f.id, version=v, score=f.score, order_value=f.order_value)
                for f, v in zip(found, versions, strict=True)]
    out = []
    for f, version in zip(found, versions, strict=True):
        seg, offset = f.seg, f.offset
        names = vector_names(with_vector, seg)
        out.append(ScoredPoint(
            id=f.id, version=version, score=f.score,
            payload=select_payload(seg.payload_at(offset), with_payload) if payload else None,
            vectors=None if names is None else seg.vectors_at(offset, names), order_value=f.order_value))
    return out


def hits_to_points(hits: list[Hit], with_payload: PayloadSelector, with_vector: VectorSelector) -> list[ScoredPoint]:
    """`to_points` for hits straight from a search (no `Found` in between): ids and versions of a
    single segment's hits in one pass each, payloads and vectors only when asked for."""
    if not hits:
        return []
    first = hits[0][1]
    if hits[-1][1] is first and [h[1] for h in hits].count(first) == len(hits):  # count: identity first
        offsets = [h[2] for h in hits]
        ids = first.point_ids(offsets)
        versions = first.versions_at(offsets)
    else:
        ids = [seg.point_id(o) for _, seg, o in hits]
        versions = [seg.version_at(o) for _, seg, o in hits]
    if not with_payload.enabled and with_vector is False:
        return [ScoredPoint(pid, version, score) for pid, version, (score, _, _) in zip(ids, versions, hits, strict=True)]
    return to_points([Found(pid, score, seg, offset) for pid, (score, seg, offset) in zip(ids, hits, strict=True)],
                     with_payload, with_vector)


def part_to_points(part: Part, start: int, stop: int, with_payload: PayloadSelector,
                   with_vector: VectorSelector) -> list[ScoredPoint]:
    """`hits_to_points` of hits [start, stop) of one segment's answer, read from its arrays: the
    common single-segment query pages the segment's arrays without a `Hit` tuple per point."""
    scores, offsets, seg = part
    if start or stop < offsets.shape[0]:
        scores, offsets = scores[start:stop], offsets[start:stop]
    if not offsets.shape[0]:
        return []
    at = offsets.tolist()
    if not with_payload.enabled and with_vector is False:
        return list(map(ScoredPoint, seg.point_ids(at), seg.versions_at(offsets), scores.tolist()))  # equal lengths
    return to_points([Found(pid, score, seg, offset) for pid, score, offset in
                      zip(seg.point_ids(at), scores.tolist(), at, strict=True)], with_payload, with_vector)


def _versions(found: list[Found]) -> list[int]:
    first = found[0].seg
    if all(f.seg is first for f in found):
        return first.versions_at([f.offset for f in found])
    return [f.seg.version_at(f.offset) for f in found]


def merge_filters(outer: Filter | None, inner: Filter | None) -> Filter | None:
    """Qdrant's `Filter::merge_opts`: clauses concatenate field-wise (so `should`s become alternatives)."""
    if outer is None:
        return inner
    if inner is None:
        return outer
    min_should = outer.min_should or inner.min_should
    if outer.min_should is not None and inner.min_should is not None:
        min_should = MinShould(conditions=outer.min_should.conditions + inner.min_should.conditions,
                               min_count=max(outer.min_should.min_count, inner.min_should.min_count))
    return Filter(must=outer.must + inner.must, should=outer.should + inner.should,
                  must_not=outer.must_not + inner.must_not, min_should=min_should)


def exclude_ids(flt: Filter | None, ids: Iterable[PointId]) -> Filter | None:
    """Points mentioned as examples are never results (Qdrant adds `must_not: has_id`)."""
    wanted = frozenset(ids)
    if not wanted:
        return flt
    return merge_filters(flt, Filter(must_not=(HasId(wanted),)))


def only_ids(flt: Filter | None, ids: Iterable[PointId]) -> Filter | None:
    """Restrict a rescoring stage to the points its prefetches found."""
    return merge_filters(flt, Filter(must=(HasId(frozenset(ids)),)))


def union_ids(sources: list[list[Found]]) -> list[PointId]:
    seen: dict[PointId, None] = {}
    for source in sources:
        for f in source:
            seen.setdefault(f.id, None)
    return list(seen)
