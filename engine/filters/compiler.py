"""Compile a `Filter` into a tree of nodes and evaluate it against a segment.

Each node answers three questions: a bool vector over a set of offsets (`eval`), one point
(`test`, for HNSW callbacks) and, inside `nested`, one array element (`on_payload`). Leaves on
a key with a payload index are answered by the index with numpy (offsets the index was unsure
about are re-checked on the payload); other leaves scan `payload_at` over the offsets still
alive. `must` clauses narrow the offsets before later clauses run, cheap (vectorised) first.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.errors import BadInput
from engine.filters import estimate as est
from engine.filters.siphash import id_slice
from engine.filters.target import Cardinality, FilterTarget, HasPointIds
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
    mask: np.ndarray
    unsure: np.ndarray
    unsure_set: frozenset[int]


class _Context:
    """Per-(filter, target) caches: index answers, id and vector masks."""

    def __init__(self, target: FilterTarget) -> None:
        self.target = target
        self.size = int(target.size)
        self._index: dict[int, _IndexAnswer | None] = {}
        self._masks: dict[int, np.ndarray] = {}

    def payload(self, offset: int) -> dict[str, Any]:
        payload = self.target.payload_at(offset)
        return _NO_PAYLOAD if payload is None else payload

    def index_answer(self, leaf: _FieldLeaf) -> _IndexAnswer | None:
        key = id(leaf)
        if key not in self._index:
            answer: _IndexAnswer | None = None
            index: PayloadIndex | None = self.target.payload_index(leaf.cond.key)
            if index is not None:
                mask = index.condition_mask(leaf.cond, self.size)
                if mask is not None:
                    unsure = index.unsure_offsets()
                    answer = _IndexAnswer(mask, unsure, frozenset(unsure.tolist()))
            self._index[key] = answer
        return self._index[key]

    def cached_mask(self, node: object, build: Callable[[], np.ndarray]) -> np.ndarray:
        key = id(node)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = build()
        return mask


class _Node(ABC):
    @abstractmethod
    def cheap(self, ctx: _Context) -> bool:
        """True when `eval` needs no payload scan."""

    @abstractmethod
    def eval(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        """bool per entry of `offs`."""

    @abstractmethod
    def test(self, ctx: _Context, offset: int) -> bool: ...

    @abstractmethod
    def on_payload(self, payload: Any) -> bool:
        """Inside `nested`: the condition on one array element (no id, no vectors)."""

    @abstractmethod
    def estimate(self, ctx: _Context) -> Cardinality: ...

    def _scan(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        return np.fromiter(
            (self.on_payload(ctx.payload(o)) for o in offs.tolist()), dtype=bool, count=len(offs)
        )


class _PayloadLeaf(_Node):
    """A condition only the payload can answer (values_count, is_empty, is_null, nested)."""

    def __init__(self, predicate: Callable[[Any], bool]) -> None:
        self.predicate = predicate

    def cheap(self, ctx: _Context) -> bool:
        return False

    def eval(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        return self._scan(ctx, offs)

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

    def eval(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        answer = ctx.index_answer(self)
        if answer is None:
            return self._scan(ctx, offs)
        out: np.ndarray = answer.mask[offs]
        if answer.unsure.size:
            recheck = np.flatnonzero(np.isin(offs, answer.unsure))
            if recheck.size:
                out[recheck] = self._scan(ctx, offs[recheck])
        return out

    def test(self, ctx: _Context, offset: int) -> bool:
        answer = ctx.index_answer(self)
        if answer is None or offset in answer.unsure_set:
            return self.on_payload(ctx.payload(offset))
        return bool(answer.mask[offset])

    def estimate(self, ctx: _Context) -> Cardinality:
        answer = ctx.index_answer(self)
        if answer is None:
            return est.unknown(ctx.size)
        hits = int(np.count_nonzero(answer.mask))
        return Cardinality(hits, hits, min(ctx.size, hits + int(answer.unsure.size)))


class _MaskLeaf(_Node):
    """has_id / has_vector: a whole-segment mask from the target; never true inside `nested`."""

    def __init__(self, build: Callable[[FilterTarget, int], np.ndarray]) -> None:
        self.build = build

    def _mask(self, ctx: _Context) -> np.ndarray:
        return ctx.cached_mask(self, lambda: self.build(ctx.target, ctx.size))

    def cheap(self, ctx: _Context) -> bool:
        return True

    def eval(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        return np.asarray(self._mask(ctx)[offs], dtype=bool)

    def test(self, ctx: _Context, offset: int) -> bool:
        return bool(self._mask(ctx)[offset])

    def on_payload(self, payload: Any) -> bool:
        return False

    def estimate(self, ctx: _Context) -> Cardinality:
        return est.exact(int(np.count_nonzero(self._mask(ctx))))


def _has_id_mask(ids: frozenset[Any]) -> Callable[[FilterTarget, int], np.ndarray]:
    def build(target: FilterTarget, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        offs = np.asarray(target.offsets_for_ids(ids), dtype=np.int64)
        mask[offs[(offs >= 0) & (offs < size)]] = True
        return mask

    return build


def _has_vector_mask(name: str) -> Callable[[FilterTarget, int], np.ndarray]:
    def build(target: FilterTarget, size: int) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        got = np.asarray(target.vector_mask(name), dtype=bool)[:size]
        mask[: got.size] = got
        return mask

    return build


def _slice_mask(total: int, index: int) -> Callable[[FilterTarget, int], np.ndarray]:
    def build(target: FilterTarget, size: int) -> np.ndarray:
        if not isinstance(target, HasPointIds):
            raise BadInput("slice conditions are not supported here")
        ids = (target.point_id_at(o) for o in range(size))
        mask: np.ndarray = np.fromiter(
            (pid is not None and id_slice(pid, total) == index for pid in ids), dtype=bool, count=size
        )
        return mask

    return build


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
        return sorted(nodes, key=lambda n: not n.cheap(ctx))

    def eval(self, ctx: _Context, offs: np.ndarray) -> np.ndarray:
        alive = np.ones(len(offs), dtype=bool)
        clauses = [(n, False) for n in self.must] + [(n, True) for n in self.must_not]
        for node, negate in sorted(clauses, key=lambda c: not c[0].cheap(ctx)):
            idx = np.flatnonzero(alive)
            if idx.size == 0:
                return alive
            hit = node.eval(ctx, offs[idx])
            alive[idx] = ~hit if negate else hit
        if self.should:
            found = np.zeros(len(offs), dtype=bool)
            for node in self._cheap_first(ctx, self.should):
                idx = np.flatnonzero(alive & ~found)
                if idx.size == 0:
                    break
                found[idx] = node.eval(ctx, offs[idx])
            alive &= found
        if self.min_should is not None:
            nodes, need = self.min_should
            counts = np.zeros(len(offs), dtype=np.int64)
            idx = np.flatnonzero(alive)
            for node in self._cheap_first(ctx, list(nodes)):
                if idx.size == 0:
                    break
                counts[idx] += node.eval(ctx, offs[idx])
            alive &= counts >= need
        return alive

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
            return _MaskLeaf(_has_id_mask(ids))
        case HasVector(name):
            return _MaskLeaf(_has_vector_mask(name))
        case Slice(total, index):
            if total < 1 or not 0 <= index < total:
                raise BadInput(f"Slice index must be in [0;{total - 1}], got {index}")
            return _MaskLeaf(_slice_mask(total, index))
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
        out[offs[self._root.eval(self._ctx, offs)]] = True
        return out

    def estimate(self) -> Cardinality:
        return self._root.estimate(self._ctx)


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

    def estimate(self, target: FilterTarget) -> Cardinality:
        """From indexes and id/vector masks only: no payload scan."""
        return self.bind(target).estimate()


def compile_filter(f: Filter) -> CompiledFilter:
    """Validate keys and shape once (BadInput) and build the evaluator."""
    return CompiledFilter(f)
