"""Maximal Marginal Relevance (`nearest` with `mmr`): re-rank the nearest candidates so that each
next point is relevant to the query and unlike the points already picked.

As Qdrant (lib/shard/src/query/mmr): relevance and similarity are internal ("core") scores of the
vector space (Euclid -d², Manhattan -d, similarities as they are); the most relevant candidate
comes first, then repeatedly the candidate maximising
`lambda * relevance - (1 - lambda) * max similarity to the picked ones`, lambda = 1 - diversity.
Pending candidates sit in an insertion-ordered set with swap-remove and ties go to the last
maximum, as in Qdrant (so equal scores pick the same point). Points keep their query score.
Only the rows of the similarity matrix that are used are computed (one per picked point).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.query.candidates import Found
from engine.query.scorers import core_scores
from engine.shard.holder import ShardView
from engine.shard.search import score_points

DEFAULT_DIVERSITY = 0.5


def _last_argmax(values: np.ndarray) -> int:
    """The position of the last maximum (Rust's `max_by_key`)."""
    return int(values.shape[0] - 1 - np.argmax(values[::-1]))


def rerank(col: ShardView, using: str, query: Any, candidates: list[Found], diversity: float | None,
           limit: int) -> list[Found]:
    """The `limit` candidates MMR picks, in the order it picks them."""
    unique: dict[object, Found] = {}
    for f in candidates:
        unique.setdefault(f.id, f)
    found = list(unique.values())
    if len(found) < 2 or limit <= 0:
        return found[:max(limit, 0)]
    lam = np.float32(1.0 - (DEFAULT_DIVERSITY if diversity is None else diversity))
    params = col.config.params.vectors.get(using)
    space = None if params is None else params.distance
    points = [(f.seg, f.offset) for f in found]

    def core(vector: Any) -> np.ndarray:
        scores = core_scores(space, np.asarray(score_points(col, using, vector, points), dtype=np.float32))
        return np.nan_to_num(scores, nan=0.0)  # sparse vectors sharing no index: similarity 0

    relevance = core(query)
    pending = list(range(len(found)))
    picked = [_swap_remove(pending, _last_argmax(relevance))]
    # max similarity of every candidate to the picked set, updated with one row per picked point
    closest = np.full(len(found), -np.inf, dtype=np.float32)
    while len(picked) < limit and pending:
        row = core(found[picked[-1]].seg.vectors_at(found[picked[-1]].offset, [using])[using])
        np.maximum(closest, row, out=closest)
        order = np.asarray(pending, dtype=np.int64)
        scores = lam * relevance[order] - (np.float32(1.0) - lam) * closest[order]
        picked.append(_swap_remove(pending, _last_argmax(scores)))
    return [found[i] for i in picked]


def _swap_remove(items: list[int], position: int) -> int:
    """IndexSet::swap_remove: the last element takes the removed one's place."""
    value = items[position]
    last = items.pop()
    if position < len(items):
        items[position] = last
    return value
