"""Distance matrix (`points/search/matrix/*`): sample points that have the vector, then for each
sampled point its `limit` nearest among the other sampled points."""

from __future__ import annotations

from engine.point_id import id_sort_key
from engine.query import ordering
from engine.query.candidates import merge_filters, only_ids
from engine.shard.holder import ShardView
from engine.shard.search import nearest, stored_vector
from engine.shard.validate import check_vector_name
from engine.types.filters import Filter, HasVector
from engine.types.requests import MatrixRequest, MatrixResult


def matrix(col: ShardView, request: MatrixRequest) -> MatrixResult:
    check_vector_name(col.config.params, request.using)
    compiled = col.compile(merge_filters(request.filter, Filter(must=(HasVector(request.using),))))
    sampled = ordering.sample(col, compiled, request.sample)
    if len(sampled) < 2:
        return MatrixResult(ids=[], entries=[])
    sampled.sort(key=lambda f: id_sort_key(f.id))
    ids = [f.id for f in sampled]
    column = {pid: i for i, pid in enumerate(ids)}
    entries: list[tuple[int, int, float]] = []
    for row, f in enumerate(sampled):
        vector = stored_vector(col, f.id, request.using)
        if vector is None:
            continue
        others = only_ids(request.filter, [pid for pid in ids if pid != f.id])
        for score, seg, offset in nearest(col, request.using, vector, others, request.limit):
            entries.append((row, column[seg.point_id(offset)], score))
    return MatrixResult(ids=ids, entries=entries)
