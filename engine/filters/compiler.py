"""Compile a `Filter` into a tree of nodes and evaluate it against a segment.

Each node answers three questions: the sorted matching offsets among a sorted candidate set
(`select`; None = every live offset), one point (`test`, for HNSW callbacks) and, inside
`nested`, one array element (`on_payload`). Leaves on a key with a payload index (the user's, or
the target's automatic one for unindexed keys) answer from the index's posting arrays; offsets
the index was unsure about are re-checked on the payload. Other leaves scan `payload_at`, only
over the offsets still in play: `must` clauses narrow the set before later clauses run,
index-answered and most selective first (by `estimate`), so the cost follows the candidates.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.errors import BadInput
from engine.filters import estimate as est
from engine.filters import masks
from engine.filters import offsets as ofs
from engine.filters.target import Cardinality, FilterTarget, HasAutoIndexes
from engine.filters.values import (
    field_value_matches,
    is_empty_values,
    is_null_values,
    values_count_ok,
)
from engine.json_path import JsonPath, extract_values, parse_path
from engine.types.filters import (
    Condition,
    FieldCondition,
    FieldGeoBoundingBox,
    FieldGeoPolygon,
    FieldGeoRadius,
    FieldMatch,
    FieldRange,
    FieldValuesCount,
    Filter,
    HasId,
    HasVector,
    IsEmpty,
    IsNull,
    Nested,
    Slice,
)

if TYPE_CHECKING:
    from engine.payload_index import PayloadIndex

_NO_PAYLOAD: dict[str, Any] = {}


@dataclass(slots=True)
class _IndexAnswer:
    hits: np.ndarray
    """Sorted unique offsets the index finds (sure matches)."""
    unsure: np.ndarray
    """Sorted offsets the index could not represent, minus `hits`: re-checked on the payload."""
    size: int
    _mask: np.ndarray | None = None
    _unsure_set: frozenset[int] | None = None

    def mask(self) -> np.ndarray:
        if self._mask is None:
            self._mask = np.zeros(self.size, dtype=bool)
            self._mask[self.hits] = True
        return self._mask

    def is_unsure(self, offset: int) -> bool:
        if self._unsure_set is None:
            self._unsure_set = frozenset(self.unsure.tolist())
        return offset in self._unsure_set


class _Context:
    """Per-(filter, target) caches: index answers, id and vector masks; the live mask of a call."""

    def __init__(self, target: FilterTarget) -> None:
        self.target = target
        self.size = int(target.size)
        self._index: dict[int, _IndexAnswer | None] = {}
        self._masks: dict[int, np.ndarray] = {}
        self.live: np.ndarray | None = None
        """bool[size] of the offsets a `candidates` call may return (None: all)."""
        self._universe: np.ndarray | None = None

    def payload(self, offset: int) -> dict[str, Any]:
        payload = self.target.payload_at(offset)
        return _NO_PAYLOAD if payload is None else payload

    def payloads(self, offsets: list[int]) -> Iterator[dict[str, Any]]:
        """`payload` of each of `offsets` (ascending), through the target's `payloads_at` when it
        has one (a segment decodes its packed payloads in runs)."""
        many = getattr(self.target, "payloads_at", None)
        found = many(offsets) if many is not None else map(self.target.payload_at, offsets)
        return (_NO_PAYLOAD if p is None else p for p in found)

    def set_live(self, live: np.ndarray | None) -> None:
        self.live = None if live is None else live[: self.size]
        self._universe = None

    def universe(self) -> np.ndarray:
        """Every offset a candidates call may return, sorted (the fallback when no index narrows)."""
        if self._universe is None:
            self._universe = (np.arange(self.size, dtype=np.int64) if self.live is None
                              else np.flatnonzero(self.live))
        return self._universe

    def restrict(self, offsets: np.ndarray, within: np.ndarray | None) -> np.ndarray:
        """Sorted unique `offsets` kept to `within` (or to the live offsets when None)."""
        if within is not None:
            return ofs.intersect(offsets, within, self.size)
        if self.live is None or offsets.size == 0:
            return offsets
        kept: np.ndarray = offsets[self.live[offsets]]
        return kept

    def index_answer(self, leaf: _FieldLeaf) -> _IndexAnswer | None:
        key = id(leaf)
        if key not in self._index:
            self._index[key] = self._answer(leaf)
        return self._index[key]

    def _answer(self, leaf: _FieldLeaf) -> _IndexAnswer | None:
        index: PayloadIndex | None = self.target.payload_index(leaf.cond.key)
        if index is None and isinstance(self.target, HasAutoIndexes):
            index = self.target.auto_index(leaf.cond)
        if index is None:
            return None
        hits = index.condition_offsets(leaf.cond, self.size)
        if hits is None:
            return None
        unsure = index.unsure_offsets()
        if unsure.size:
            unsure = ofs.difference(unsure[unsure < self.size], hits, self.size)
        return _IndexAnswer(hits, unsure, self.size)

    def cached_mask(self, node: object, build: Callable[[], np.ndarray]) -> np.ndarray:
        key = id(node)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = build()
        return mask


class _Node(ABC):
    @abstractmethod
    def cheap(self, ctx: _Context) -> bool:
        """True when `select` needs no payload scan."""

    @abstractmethod
    def test(self, ctx: _Context, offset: int) -> bool: ...

    @abstractmethod
    def on_payload(self, payload: Any) -> bool:
        """Inside `nested`: the condition on one array element (no id, no vectors)."""

    @abstractmethod
    def estimate(self, ctx: _Context) -> Cardinality: ...

    def select(self, ctx: _Context, within: np.ndarray | None) -> np.ndarray:
        """Sorted unique matching offsets among `within` (sorted unique; None = the live ones).

        The default evaluates every offset of `within`; indexed leaves and masks override it to
        answer from their posting arrays, so the cost follows the candidates, not the segment."""
        offs = ctx.universe() if within is None else within
        if offs.size == 0:
            return offs
        kept: np.ndarray = offs[self._scan(ctx, offs)]
        return kept

    def _scan(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        return np.fromiter(map(self.on_payload, ctx.payloads(offs.tolist())), dtype=bool, count=len(offs))


class _PayloadLeaf(_Node):
    """A condition only the payload can answer (values_count, is_empty, is_null, nested)."""

    def __init__(self, predicate: Callable[[Any], bool]) -> None:
        self.predicate = predicate

    def cheap(self, ctx: _Context) -> bool:
        return False

    def test(self, ctx: _Context, offset: int) -> bool:
        return self.predicate(ctx.payload(offset))

    def on_payload(self, payload: Any) -> bool:
        return self.predicate(payload)

    def estimate(self, ctx: _Context) -> Cardinality:
        return est.unknown(ctx.size)


class _FieldLeaf(_Node):
    """match / range / geo on the values under a key: by index when one can answer."""

    def __init__(self, cond: FieldCondition, path: JsonPath) -> None:
        self.cond = cond
        self.path = path

    def cheap(self, ctx: _Context) -> bool:
        return ctx.index_answer(self) is not None

    def on_payload(self, payload: Any) -> bool:
        return any(field_value_matches(self.cond, v) for v in extract_values(payload, self.path))

    def select(self, ctx: _Context, within: np.ndarray | None) -> np.ndarray:
        answer = ctx.index_answer(self)
        if answer is None:
            return super().select(ctx, within)
        hits = ctx.restrict(answer.hits, within)
        if not answer.unsure.size:
            return hits
        unsure = ctx.restrict(answer.unsure, within)
        if not unsure.size:
            return hits
        return ofs.union([hits, unsure[self._scan(ctx, unsure)]], ctx.size)

    def test(self, ctx: _Context, offset: int) -> bool:
        answer = ctx.index_answer(self)
        if answer is None or answer.is_unsure(offset):
            return self.on_payload(ctx.payload(offset))
        return bool(answer.mask()[offset])

    def estimate(self, ctx: _Context) -> Cardinality:
        answer = ctx.index_answer(self)
        if answer is None:
            return est.unknown(ctx.size)
        hits = int(answer.hits.size)
        return Cardinality(hits, hits, min(ctx.size, hits + int(answer.unsure.size)))


class _MaskLeaf(_Node):
    """has_id / has_vector: a whole-segment mask from the target; never true inside `nested`."""

    def __init__(self, build: Callable[[FilterTarget, int], np.ndarray]) -> None:
        self.build = build

    def _mask(self, ctx: _Context) -> np.ndarray:
        return ctx.cached_mask(self, lambda: self.build(ctx.target, ctx.size))

    def cheap(self, ctx: _Context) -> bool:
        return True

    def test(self, ctx: _Context, offset: int) -> bool:
        return bool(self._mask(ctx)[offset])

    def select(self, ctx: _Context, within: np.ndarray | None) -> np.ndarray:
        mask = self._mask(ctx)
        if within is not None:
            kept: np.ndarray = within[mask[within]]
            return kept
        return np.flatnonzero(mask if ctx.live is None else mask & ctx.live)

    def on_payload(self, payload: Any) -> bool:
        return False

    def estimate(self, ctx: _Context) -> Cardinality:
        return est.exact(int(np.count_nonzero(self._mask(ctx))))


class _BoolNode(_Node):
    """A `Filter`: all of must, none of must_not, one of should (if any), min_should."""

    def __init__(
        self,
        must: Sequence[_Node],
        should: Sequence[_Node],
        must_not: Sequence[_Node],
        min_should: tuple[Sequence[_Node], int] | None,
    ) -> None:
        self.must = list(must)
        self.should = list(should)
        self.must_not = list(must_not)
        self.min_should = min_should

    def _children(self) -> list[_Node]:
        extra = list(self.min_should[0]) if self.min_should else []
        return self.must + self.should + self.must_not + extra

    def cheap(self, ctx: _Context) -> bool:
        return all(c.cheap(ctx) for c in self._children())

    @staticmethod
    def _cheap_first(ctx: _Context, nodes: list[_Node]) -> list[_Node]:
        if len(nodes) < 2:
            return nodes  # nothing to order (a one-clause filter: the common case)
        return sorted(nodes, key=lambda n: not n.cheap(ctx))

    def _planned(self, ctx: _Context, nodes: list[_Node]) -> list[_Node]:
        """Index-answered clauses first, the most selective (by estimate) first among them."""
        if len(nodes) < 2:
            return nodes
        return sorted(nodes, key=lambda n: (not n.cheap(ctx), n.estimate(ctx).expected))

    def select(self, ctx: _Context, within: np.ndarray | None) -> np.ndarray:
        cur = within
        for node in self._planned(ctx, self.must):
            cur = node.select(ctx, cur)
            if cur.size == 0:
                return cur
        for node in self._cheap_first(ctx, self.must_not):
            base = ctx.universe() if cur is None else cur
            cur = ofs.difference(base, node.select(ctx, base), ctx.size)
            if cur.size == 0:
                return cur
        if self.should:
            cur = self._select_should(ctx, cur)
        if self.min_should is not None and (cur is None or cur.size):
            nodes, need = self.min_should
            cur = ofs.at_least([n.select(ctx, cur) for n in nodes], need, ctx.size)
        return ctx.universe() if cur is None else cur

    def _select_should(self, ctx: _Context, within: np.ndarray | None) -> np.ndarray:
        """Indexed alternatives from their postings; the rest only over what is not found yet."""
        cheap = [n for n in self.should if n.cheap(ctx)]
        costly = [n for n in self.should if not n.cheap(ctx)]
        found = [n.select(ctx, within) for n in cheap]
        if costly:
            base = ctx.universe() if within is None else within
            rest = ofs.difference(base, ofs.union(found, ctx.size), ctx.size)
            for node in costly:
                if rest.size == 0:
                    break
                hit = node.select(ctx, rest)
                found.append(hit)
                rest = ofs.difference(rest, hit, ctx.size)
        return ofs.union(found, ctx.size)

    def test(self, ctx: _Context, offset: int) -> bool:
        return self._decide(lambda n: n.test(ctx, offset))

    def on_payload(self, payload: Any) -> bool:
        return self._decide(lambda n: n.on_payload(payload))

    def _decide(self, holds: Callable[[_Node], bool]) -> bool:
        if not all(holds(n) for n in self.must):
            return False
        if any(holds(n) for n in self.must_not):
            return False
        if self.should and not any(holds(n) for n in self.should):
            return False
        if self.min_should is not None:
            nodes, need = self.min_should
            if sum(holds(n) for n in nodes) < need:
                return False
        return True

    def estimate(self, ctx: _Context) -> Cardinality:
        total = ctx.size
        parts = [n.estimate(ctx) for n in self.must]
        parts += [est.invert(n.estimate(ctx), total) for n in self.must_not]
        if self.should:
            parts.append(est.any_of([n.estimate(ctx) for n in self.should], total))
        if self.min_should is not None:
            nodes, need = self.min_should
            parts.append(est.at_least([n.estimate(ctx) for n in nodes], need, total))
        return est.all_of(parts, total)


# ---- compilation ------------------------------------------------------------------------------


def _nested_elements(path: JsonPath) -> Callable[[Any], list[Any]]:
    def elements(payload: Any) -> list[Any]:
        out: list[Any] = []
        for value in extract_values(payload, path, flat=False):
            if isinstance(value, list):
                out.extend(value)
        return out

    return elements


def _compile(cond: Condition) -> _Node:
    match cond:
        case FieldMatch() | FieldRange() | FieldGeoBoundingBox() | FieldGeoRadius() | FieldGeoPolygon():
            return _FieldLeaf(cond, parse_path(cond.key))
        case FieldValuesCount(key, vc):
            path = parse_path(key)
            return _PayloadLeaf(lambda p: values_count_ok(vc, extract_values(p, path, flat=False)))
        case IsEmpty(key):
            path = parse_path(key)
            return _PayloadLeaf(lambda p: is_empty_values(extract_values(p, path, flat=False)))
        case IsNull(key):
            path = parse_path(key)
            return _PayloadLeaf(lambda p: is_null_values(extract_values(p, path, flat=False)))
        case HasId(ids):
            return _MaskLeaf(masks.has_id_mask(ids))
        case HasVector(name):
            return _MaskLeaf(masks.has_vector_mask(name))
        case Slice(total, index):
            if total < 1 or not 0 <= index < total:
                raise BadInput(f"Slice index must be in [0;{total - 1}], got {index}")
            return _MaskLeaf(masks.slice_mask(total, index))
        case Nested(key, inner):
            # `data` and `data[]` both name the array whose elements the filter applies to
            raw = key[:-2] if len(key) > 2 and key.endswith("[]") else key
            elements = _nested_elements(parse_path(raw))
            node = _compile_filter(inner)
            return _PayloadLeaf(lambda p: any(node.on_payload(e) for e in elements(p)))
        case Filter():
            return _compile_filter(cond)


def _compile_filter(f: Filter) -> _BoolNode:
    min_should = None
    if f.min_should is not None:
        if f.min_should.min_count < 1:
            raise BadInput(f"min_count value {f.min_should.min_count} is invalid. Must be 1 or larger.")
        min_should = ([_compile(c) for c in f.min_should.conditions], f.min_should.min_count)
    return _BoolNode(
        [_compile(c) for c in f.must],
        [_compile(c) for c in f.should],
        [_compile(c) for c in f.must_not],
        min_should,
    )


class BoundFilter:
    """A compiled filter tied to one target, caching index answers and masks across calls."""

    def __init__(self, root: _BoolNode, target: FilterTarget) -> None:
        self._root = root
        self._ctx = _Context(target)

    def check(self, offset: int) -> bool:
        return self._root.test(self._ctx, offset)

    def mask(self, candidates: np.ndarray | None = None) -> np.ndarray:
        size = self._ctx.size
        if candidates is None:
            offs = np.arange(size, dtype=np.int64)
        else:
            offs = np.asarray(candidates, dtype=np.int64)
            if offs.size > 1 and not bool(np.all(offs[1:] > offs[:-1])):
                offs = np.unique(offs)  # callers usually pass flatnonzero output: sorted, unique
            if offs.size and (offs[0] < 0 or offs[-1] >= size):
                offs = offs[(offs >= 0) & (offs < size)]
        out = np.zeros(size, dtype=bool)
        out[self._root.select(self._ctx, offs)] = True
        return out

    def estimate(self) -> Cardinality:
        return self._root.estimate(self._ctx)

    def candidates(self, live: np.ndarray | None = None) -> np.ndarray:
        """Sorted offsets that match, among those set in `live` (bool[size]; None = all).

        Answered from payload-index postings (intersected, united, subtracted); only clauses no
        index can answer are evaluated, and only over the offsets still in play."""
        self._ctx.set_live(live)
        try:
            return self._root.select(self._ctx, None)
        finally:
            self._ctx.set_live(None)


class CompiledFilter:
    """A filter ready to run on any number of targets (segments)."""

    def __init__(self, f: Filter) -> None:
        self.filter = f
        self._root = _compile_filter(f)

    def bind(self, target: FilterTarget) -> BoundFilter:
        """For many `check` calls on one target (HNSW callbacks): caches per-target work."""
        return BoundFilter(self._root, target)

    def mask(self, target: FilterTarget, candidates: np.ndarray | None = None) -> np.ndarray:
        """bool[size]: which offsets match (only `candidates` are considered when given)."""
        return self.bind(target).mask(candidates)

    def check(self, target: FilterTarget, offset: int) -> bool:
        return self.bind(target).check(offset)

    def candidates(self, target: FilterTarget, live: np.ndarray | None = None) -> np.ndarray:
        """Sorted offsets of `target` that match and are set in `live` (see `BoundFilter`)."""
        return self.bind(target).candidates(live)

    def estimate(self, target: FilterTarget) -> Cardinality:
        """From indexes and id/vector masks only: no payload scan."""
        return self.bind(target).estimate()


def compile_filter(f: Filter) -> CompiledFilter:
    """Validate keys and shape once (BadInput) and build the evaluator."""
    return CompiledFilter(f)
