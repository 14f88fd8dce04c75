"""Read requests: the universal query (prefetch tree + query variants), groups, distance matrix,
scroll, count, facet. Defaults match Qdrant's and live only here, and so do the upper bounds of
every parameter that multiplies work (`validate()` per request type; the engine calls it before
any work, so every transport and in-process caller gets the same 422). Qdrant itself bounds
none of them (only strict mode does), so the caps are generous: they stop a request that would
run for minutes or exhaust memory, not any realistic use."""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from engine.errors import ValidationError
from engine.point_id import PointId
from engine.types.expressions import Expression
from engine.types.filters import Filter
from engine.types.points import ALL_PAYLOAD, NO_PAYLOAD, PayloadSelector, VectorSelector

DEFAULT_LIMIT = 10
DEFAULT_GROUP_SIZE = 3
DEFAULT_MATRIX_SAMPLE = 10
DEFAULT_MATRIX_LIMIT = 3

MAX_LIMIT = 1_000_000
"""`limit` of a query, prefetch, scroll page or facet."""
MAX_OFFSET = 1_000_000
"""`offset` of a query (the engine ranks offset + limit points)."""
MAX_HNSW_EF = 100_000
MAX_PREFETCHES = 256
"""Prefetch stages in one query tree, all levels together (depth is limited to 64 separately,
with Qdrant's error, by the planner)."""
MAX_GROUP_SIZE = 1_000
MAX_GROUPS_HITS = 100_000
"""Groups × group size: the hits a group query may return."""
MAX_MATRIX_SAMPLE = 5_000
MAX_MATRIX_LIMIT = 1_000
MAX_BATCH = 1_000
"""Searches in one batch request."""


class _Validated(Protocol):
    def validate(self) -> None: ...


V = TypeVar("V", bound=_Validated)


def validated(request: V) -> V:
    """`request` after its `validate()`. The REST and gRPC readers call it, so a bad request is
    refused before the service looks the collection up, as Qdrant validates a request before it
    runs it (a bad body on a missing collection is 422/400, not 404); the engine validates again
    for in-process callers."""
    request.validate()
    return request


def check_range(name: str, value: int, low: int, high: int) -> None:
    """Qdrant's validator texts: `value V invalid, must be L or larger` / `... H or smaller`."""
    if value < low:
        raise ValidationError(f"Validation error in body: [{name}: value {value} invalid, must be {low} or larger]")
    if value > high:
        raise ValidationError(f"Validation error in body: [{name}: value {value} invalid, must be {high} or smaller]")


def validator_number(value: float, f32: bool = False) -> str:
    """A float as Qdrant's validator prints it: the serde_json number of the field's value (an f32
    widened to f64: 0.1 reads 0.10000000149011612), always with a fraction (`2.0`)."""
    if f32:
        value = struct.unpack("f", struct.pack("f", value))[0]
    return repr(float(value))


def check_feedback_b(b: float) -> None:
    """Relevance feedback's `naive.b` (Qdrant: `range(min = 0.0)` on an f32)."""
    if b < 0:
        raise ValidationError("Validation error in body: [query.relevance_feedback.strategy.naive.b: value "
                              f"{validator_number(b, f32=True)} invalid, must be 0.0 or larger]")


def validate_batch(requests: list[QueryRequest]) -> None:
    """A batch of searches: at most MAX_BATCH, each valid."""
    check_range("searches", len(requests), 0, MAX_BATCH)
    for request in requests:
        request.validate()


@dataclass(slots=True)
class QuantizationSearchParams:
    """How a search uses quantized vectors: `ignore` them, `rescore` the preselected candidates on
    the original vectors (None: the method's default), preselect `oversampling` × limit candidates."""

    ignore: bool = False
    rescore: bool | None = None
    oversampling: float | None = None


@dataclass(frozen=True, slots=True)
class IdfParams:
    """`params.idf`: the population sparse IDF statistics (document count N and per-index document
    frequencies) are computed over: the live points that have the vector and match `corpus`, or
    the whole collection when `corpus` is None (`"global"`, the same as no `idf` at all). The
    corpus is independent of the request's filter (Qdrant 1.19)."""

    corpus: Filter | None = None


@dataclass(slots=True)
class SearchParams:
    hnsw_ef: int | None = None
    exact: bool = False
    indexed_only: bool = False
    quantization: QuantizationSearchParams | None = None
    idf: IdfParams | None = None
    """Only for a sparse vector with `modifier: idf`; Qdrant refuses it on any other vector."""

    @property
    def idf_corpus(self) -> Filter | None:
        return None if self.idf is None else self.idf.corpus

    def validate(self) -> None:
        if self.hnsw_ef is not None:
            check_range("params.hnsw_ef", self.hnsw_ef, 1, MAX_HNSW_EF)
        oversampling = self.quantization.oversampling if self.quantization is not None else None
        if oversampling is not None and not oversampling >= 1.0:
            raise ValidationError("Validation error in body: [params.quantization.oversampling: value "
                                  f"{oversampling} invalid, must be 1.0 or larger]")


@dataclass(slots=True)
class VectorInput:
    """A query vector (dense 1-D array today; sparse and multivectors use the same slot) or the id of
    a point whose stored vector is used instead."""

    vector: Any = None
    point_id: PointId | None = None


MAX_MMR_CANDIDATES = 16_384
"""Qdrant's bound of `mmr.candidates_limit`."""


@dataclass(slots=True)
class Mmr:
    """Re-rank the nearest candidates by Maximal Marginal Relevance: `diversity` in [0, 1] (default
    0.5), among `candidates_limit` nearest points (default: the stage's limit)."""

    diversity: float | None = None
    candidates_limit: int | None = None

    def validate(self) -> None:
        if self.diversity is not None and not 0.0 <= self.diversity <= 1.0:  # Qdrant: range(min = 0.0, max = 1.0)
            raise ValidationError(f"Validation error in body: [query.mmr.diversity: value "
                                  f"{validator_number(self.diversity, f32=True)} invalid, must be from 0.0 to 1.0]")
        if self.candidates_limit is not None:
            check_range("query.mmr.candidates_limit", self.candidates_limit, 0, MAX_MMR_CANDIDATES)


@dataclass(slots=True)
class NearestQuery:
    """Nearest neighbours of a vector, or of the stored vector of `point_id` (which is then excluded),
    re-ranked by MMR when `mmr` is set."""

    vector: Any = None
    point_id: PointId | None = None
    mmr: Mmr | None = None

    @property
    def input(self) -> VectorInput:
        return VectorInput(self.vector, self.point_id)


class RecommendStrategy(enum.Enum):
    AVERAGE_VECTOR = "average_vector"
    BEST_SCORE = "best_score"
    SUM_SCORES = "sum_scores"


@dataclass(slots=True)
class RecommendQuery:
    positive: list[VectorInput] = field(default_factory=list)
    negative: list[VectorInput] = field(default_factory=list)
    strategy: RecommendStrategy = RecommendStrategy.AVERAGE_VECTOR


@dataclass(slots=True)
class ContextPair:
    positive: VectorInput
    negative: VectorInput


@dataclass(slots=True)
class DiscoverQuery:
    target: VectorInput
    context: list[ContextPair] = field(default_factory=list)


@dataclass(slots=True)
class ContextQuery:
    context: list[ContextPair] = field(default_factory=list)


@dataclass(slots=True)
class FeedbackItem:
    example: VectorInput
    score: float


@dataclass(slots=True)
class RelevanceFeedbackQuery:
    """Qdrant's relevance feedback with the `naive` strategy: score = a * sim(target) plus, for every
    ordered pair of feedback examples whose scores differ by confidence > 0,
    confidence^b * c * (sim(better) - sim(worse)); similarities are the space's core scores."""

    target: VectorInput
    feedback: list[FeedbackItem] = field(default_factory=list)
    a: float = 1.0
    b: float = 1.0
    c: float = 1.0


class Direction(enum.Enum):
    ASC = "asc"
    DESC = "desc"


@dataclass(slots=True)
class OrderBy:
    key: str
    direction: Direction = Direction.ASC
    start_from: float | None = None


class Fusion(enum.Enum):
    RRF = "rrf"
    DBSF = "dbsf"


@dataclass(slots=True)
class FusionQuery:
    """Fuse the prefetches: RRF (with optional `k` and per-prefetch `weights`) or DBSF."""

    fusion: Fusion
    k: int | None = None
    weights: list[float] | None = None


@dataclass(slots=True)
class FormulaQuery:
    formula: Expression
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class SampleQuery:
    """`sample: random`: random points among those that match the filter."""


Query = (NearestQuery | RecommendQuery | DiscoverQuery | ContextQuery | RelevanceFeedbackQuery | OrderBy
         | FusionQuery | FormulaQuery | SampleQuery)


@dataclass(slots=True)
class LookupLocation:
    """Take the vectors of ids in the query from `collection` (vector `vector`, default: `using`)."""

    collection: str
    vector: str | None = None


@dataclass(slots=True)
class Prefetch:
    prefetch: list[Prefetch] = field(default_factory=list)
    query: Query | None = None
    using: str = ""
    filter: Filter | None = None
    params: SearchParams = field(default_factory=SearchParams)
    score_threshold: float | None = None
    limit: int = DEFAULT_LIMIT
    lookup_from: LookupLocation | None = None

    def validate(self) -> None:
        check_range("prefetch.limit", self.limit, 1, MAX_LIMIT)
        self.params.validate()
        if isinstance(self.query, NearestQuery) and self.query.mmr is not None:
            self.query.mmr.validate()


@dataclass(slots=True)
class QueryRequest:
    query: Query | None = None
    prefetch: list[Prefetch] = field(default_factory=list)
    using: str = ""
    filter: Filter | None = None
    params: SearchParams = field(default_factory=SearchParams)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    score_threshold: float | None = None
    with_payload: PayloadSelector = NO_PAYLOAD
    with_vector: VectorSelector = False
    lookup_from: LookupLocation | None = None

    def validate(self) -> None:
        check_range("limit", self.limit, 1, MAX_LIMIT)
        check_range("offset", self.offset, 0, MAX_OFFSET)
        self.params.validate()
        if isinstance(self.query, NearestQuery) and self.query.mmr is not None:
            self.query.mmr.validate()
        stack, count = list(self.prefetch), 0
        while stack:  # iterative: a deep tree must get an error, not a RecursionError
            stage = stack.pop()
            count += 1
            if count > MAX_PREFETCHES:
                check_range("prefetch", count, 0, MAX_PREFETCHES)
            stage.validate()
            stack.extend(stage.prefetch)


@dataclass(slots=True)
class WithLookup:
    """Attach to each group the point of `collection` whose id is the group id."""

    collection: str
    with_payload: PayloadSelector = ALL_PAYLOAD
    with_vector: VectorSelector = False


@dataclass(slots=True)
class GroupsRequest:
    """`query` ranks the points (its `limit` is the number of groups, its `offset` is unused)."""

    query: QueryRequest
    group_by: str
    group_size: int = DEFAULT_GROUP_SIZE
    with_lookup: WithLookup | None = None

    def validate(self) -> None:
        self.query.validate()
        check_range("group_size", self.group_size, 1, MAX_GROUP_SIZE)
        check_range("limit", self.query.limit, 1, MAX_GROUPS_HITS // self.group_size)


@dataclass(slots=True)
class MatrixRequest:
    """Distance matrix: `sample` random points, each with its `limit` nearest among the sample."""

    filter: Filter | None = None
    sample: int = DEFAULT_MATRIX_SAMPLE
    limit: int = DEFAULT_MATRIX_LIMIT
    using: str = ""

    def validate(self) -> None:
        check_range("sample", self.sample, 2, MAX_MATRIX_SAMPLE)
        check_range("limit", self.limit, 1, MAX_MATRIX_LIMIT)


@dataclass(slots=True)
class MatrixResult:
    """Sampled ids (ascending) and, per sampled id, its neighbours as (row, column, score)."""

    ids: list[PointId]
    entries: list[tuple[int, int, float]]


@dataclass(slots=True)
class ScrollRequest:
    offset: PointId | None = None
    limit: int = DEFAULT_LIMIT
    filter: Filter | None = None
    with_payload: PayloadSelector = ALL_PAYLOAD
    with_vector: VectorSelector = False
    order_by: OrderBy | None = None

    def validate(self) -> None:
        check_range("limit", self.limit, 1, MAX_LIMIT)


@dataclass(slots=True)
class CountRequest:
    filter: Filter | None = None
    exact: bool = True


@dataclass(slots=True)
class FacetRequest:
    key: str
    filter: Filter | None = None
    limit: int = DEFAULT_LIMIT
    exact: bool = False

    def validate(self) -> None:
        check_range("limit", self.limit, 1, MAX_LIMIT)
