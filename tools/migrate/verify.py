"""Check a migrated collection: exact counts, a random sample of points compared field by field
(payload equal, every vector equal within float tolerance), and searches with each sampled point's
vectors on both sides (exact search, top-10 overlap)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from qdrant_client import QdrantClient, models

VECTOR_TOLERANCE = 1e-4
TOP_K = 10


@dataclass(slots=True)
class Check:
    collection: str
    check: str
    source: str
    target: str
    ok: bool


def _close(a: Any, b: Any) -> bool:
    """Vectors equal within tolerance: dense lists, multivectors (lists of lists), sparse vectors."""
    if isinstance(a, models.SparseVector) and isinstance(b, models.SparseVector):
        pairs_a = sorted(zip(a.indices, a.values, strict=True))
        pairs_b = sorted(zip(b.indices, b.values, strict=True))
        return [i for i, _ in pairs_a] == [i for i, _ in pairs_b] and all(
            math.isclose(x, y, abs_tol=VECTOR_TOLERANCE) for (_, x), (_, y) in zip(pairs_a, pairs_b, strict=True))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, abs_tol=VECTOR_TOLERANCE)
    return bool(a == b)


def _overlap(want: list[models.ScoredPoint], got: list[models.ScoredPoint]) -> float:
    """Share of the source's top hits the target returned; a different id with the score of a missed
    source hit counts as found (equal scores may be cut at the k-th place in either order)."""
    want_ids = {p.id for p in want}
    missed_scores = [p.score for p in want if p.id not in {g.id for g in got}]
    found = 0
    for hit in got:
        if hit.id in want_ids:
            found += 1
        elif any(math.isclose(hit.score, s, abs_tol=VECTOR_TOLERANCE) for s in missed_scores):
            missed_scores.remove(next(s for s in missed_scores if math.isclose(hit.score, s, abs_tol=VECTOR_TOLERANCE)))
            found += 1
    return found / len(want)


def _sample_ids(client: QdrantClient, name: str, size: int) -> list[Any]:
    found = client.query_points(name, query=models.SampleQuery(sample=models.Sample.RANDOM), limit=size,
                                with_payload=False).points
    return [p.id for p in found]


def _vectors(vector: Any) -> list[tuple[str | None, Any]]:
    """(name, value) of each vector a retrieved point has; None names the unnamed vector."""
    if isinstance(vector, dict):
        return list(vector.items())
    return [(None, vector)] if vector is not None else []


def verify_collection(source: QdrantClient, target: QdrantClient, name: str, sample: int,
                      searches: int, min_overlap: float) -> list[Check]:
    checks = []
    src_count = source.count(name, exact=True).count
    dst_count = target.count(name, exact=True).count
    checks.append(Check(name, "points count", str(src_count), str(dst_count), src_count == dst_count))

    ids = _sample_ids(source, name, sample)
    want = {p.id: p for p in source.retrieve(name, ids=ids, with_payload=True, with_vectors=True)}
    got = {p.id: p for p in target.retrieve(name, ids=ids, with_payload=True, with_vectors=True)}
    bad = [i for i in ids if i not in got or got[i].payload != want[i].payload
           or not _close(want[i].vector, got[i].vector)]
    checks.append(Check(name, "sampled points (payload, vectors)", f"{len(ids)} points",
                        f"{len(ids) - len(bad)} equal" + (f"; first differing id {bad[0]}" if bad else ""),
                        not bad))

    overlaps = []
    for point_id in ids[:searches]:
        # by the source's vector, not the id: a point missing on the target must not abort the check
        for vector_name, value in _vectors(want[point_id].vector):
            params = models.SearchParams(exact=True)
            src = source.query_points(name, query=value, using=vector_name, limit=TOP_K, search_params=params)
            dst = target.query_points(name, query=value, using=vector_name, limit=TOP_K, search_params=params)
            if src.points:
                overlaps.append(_overlap(src.points, dst.points))
    mean = sum(overlaps) / len(overlaps) if overlaps else 1.0
    checks.append(Check(name, f"top-{TOP_K} search overlap", f"{len(overlaps)} searches", f"{mean:.3f}",
                        mean >= min_overlap))
    return checks
