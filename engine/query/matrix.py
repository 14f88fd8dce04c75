"""Distance matrix (`points/search/matrix/*`): sample points that have the vector, then for each
sampled point its `limit` nearest among the other sampled points.

Work is bounded by `MatrixRequest.validate` (sample and limit caps) and vectorised: each sampled
point is scored against the whole sample with one numpy call per segment (`score_groups`), so
the Python work is one step per sampled point, never per pair; the deadline is checked per row.
"""

from __future__ import annotations

import numpy as np

from engine import distance as dist
from engine.deadline import Deadline
from engine.point_id import id_sort_key
from engine.query import ordering
from engine.query.candidates import merge_filters
from engine.shard.holder import ShardView
from engine.shard.search import higher_is_better, score_groups, stored_vector
from engine.shard.validate import check_vector_name
from engine.types.filters import Filter, HasVector
from engine.types.requests import MatrixRequest, MatrixResult


def matrix(col: ShardView, request: MatrixRequest, deadline: Deadline | None = None) -> MatrixResult:
    check_vector_name(col.config.params, request.using)
    compiled = col.compile(merge_filters(request.filter, Filter(must=(HasVector(request.using),))))
    sampled = ordering.sample(col, compiled, request.sample)
    if len(sampled) < 2:
        return MatrixResult(ids=[], entries=[])
    sampled.sort(key=lambda f: id_sort_key(f.id))
    ids = [f.id for f in sampled]
    by_segment: dict[int, tuple[object, list[int], list[int]]] = {}
    for column, f in enumerate(sampled):
        entry = by_segment.setdefault(id(f.seg), (f.seg, [], []))
        entry[1].append(column)
        entry[2].append(f.offset)
    groups = [(seg, np.asarray(offsets, dtype=np.int64)) for seg, _, offsets in by_segment.values()]
    columns = np.concatenate([np.asarray(cols, dtype=np.int64) for _, cols, _ in by_segment.values()])
    higher = higher_is_better(col, request.using)
    entries: list[tuple[int, int, float]] = []
    for row, f in enumerate(sampled):
        if deadline is not None:
            deadline.check()
        vector = stored_vector(col, f.id, request.using)
        if vector is None:
            continue
        scores = score_groups(col, request.using, vector, groups)  # type: ignore[arg-type]
        keep = ~np.isnan(scores) & (columns != row)
        scores, cols = scores[keep], columns[keep]
        best = dist.top_k(scores, request.limit, higher)
        entries.extend(zip([row] * len(best), cols[best].tolist(), scores[best].tolist(), strict=True))
    return MatrixResult(ids=ids, entries=entries)
