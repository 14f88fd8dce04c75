"""IDF of a sparse query in a space with `modifier: idf`: the query's values are multiplied by
ln((N - df + 0.5) / (df + 0.5) + 1) per index (Qdrant's formula), with N the number of documents
and df the documents that have the index.

The population ("IDF corpus", `params.idf`) is the collection's live points that have the vector
(`"global"`, the default), or only those of them that match a corpus filter (Qdrant 1.19). The
corpus is independent of the request's filter: narrowing the retrieval filter does not move the
scores, and an empty corpus gives N = 0, df = 0 (ln 2 per index), never global statistics.
"""

from __future__ import annotations

import numpy as np

from engine.deadline import Deadline
from engine.filters import CompiledFilter, compile_filter
from engine.shard.holder import ShardView
from engine.types.config import Modifier
from engine.types.filters import Filter
from engine.types.points import SparseVector


def uses_idf(col: ShardView, using: str) -> bool:
    params = col.config.params.sparse(using)
    return params is not None and params.modifier is Modifier.IDF


def idf_weighted(col: ShardView, using: str, query: SparseVector, corpus: Filter | CompiledFilter | None = None,
                 deadline: Deadline | None = None) -> SparseVector:
    """The query with values × IDF when the space has `modifier: idf`, else unchanged."""
    if not uses_idf(col, using):
        return query
    dims = query.indices.tolist()
    if corpus is None:
        total, df = _global_stats(col, using, dims)
    else:
        compiled = corpus if isinstance(corpus, CompiledFilter) else compile_filter(corpus)
        total, df = _corpus_stats(col, using, dims, compiled, deadline)
    idf = np.log((total - df + 0.5) / (df + 0.5) + 1.0)
    return SparseVector(query.indices, (query.values * idf).astype(np.float32))


def _global_stats(col: ShardView, using: str, dims: list[int]) -> tuple[int, np.ndarray]:
    """N and df over every live point with the vector: a posting list's length is its df."""
    total = 0
    df = np.zeros(len(dims), dtype=np.float64)
    for seg in col.segments:
        column = seg.sparse[using]
        column.ensure_capacity(seg.size)
        total += int(np.count_nonzero(column.present[: seg.size] & seg.alive[: seg.size]))
        df += [column.document_frequency(d) for d in dims]
    return total, df


def _corpus_stats(col: ShardView, using: str, dims: list[int], corpus: CompiledFilter,
                  deadline: Deadline | None) -> tuple[int, np.ndarray]:
    """N and df over the live points with the vector that match `corpus`: one filter evaluation
    per segment into a membership mask, then each query index's posting list counted against it."""
    total = 0
    df = np.zeros(len(dims), dtype=np.float64)
    for seg in col.segments:
        if deadline is not None:
            deadline.check()
        column = seg.sparse[using]
        column.ensure_capacity(seg.size)
        member = np.zeros(seg.size, dtype=bool)
        member[seg.matching(corpus)] = True
        member &= column.present[: seg.size]
        count = int(np.count_nonzero(member))
        if not count:
            continue
        total += count
        for i, dim in enumerate(dims):
            posting = column.postings.get(dim)
            if posting is not None and posting.n:
                df[i] += int(np.count_nonzero(member[posting.offsets[: posting.n]]))
    return total, df
