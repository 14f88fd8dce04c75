"""Read requests and their results cross between cluster nodes as engine codec bytes: every type a
read can carry has a stable tag, and each request/result shape comes back equal after a round trip."""

import dataclasses
from typing import Any

import numpy as np
import pytest

from engine.persistence import codec
from engine.types import expressions as ex
from engine.types import requests as rq
from engine.types.filters import FieldMatch, Filter, GeoPoint, HasId, MatchValue
from engine.types.points import (
    ALL_PAYLOAD,
    CountResult,
    FacetHit,
    PayloadSelector,
    PointGroup,
    Record,
    ScoredPoint,
    ScrollPage,
    SparseVector,
)


def _same(a: Any, b: Any) -> bool:
    """Equality that compares numpy arrays by value, through dataclasses, lists and dicts."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(_same(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a))
    if isinstance(a, list | tuple):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return bool(a == b) and type(a) is type(b)


VEC = np.arange(4, dtype=np.float32)
FILTER = Filter(must=(FieldMatch("city", MatchValue("Berlin")),), must_not=(HasId(frozenset({1, 2})),))
FORMULA = ex.Sum((ex.Variable("$score"), ex.Mult((ex.Constant(0.5), ex.ConditionExpr(FieldMatch("a", MatchValue(1))))),
                  ex.Decay("gauss", ex.GeoDistanceExpr(GeoPoint(lon=1.0, lat=2.0), "loc"), scale=100.0),
                  ex.Div(ex.DatetimeKeyExpr("t"), ex.DatetimeExpr("2024-01-01T00:00:00Z"), by_zero_default=0.0),
                  ex.Pow(ex.Constant(2.0), ex.Unary("neg", ex.Variable("x")))))

REQUESTS = [
    rq.QueryRequest(query=rq.NearestQuery(vector=VEC, mmr=rq.Mmr(diversity=0.3, candidates_limit=20)),
                    using="img", filter=FILTER, limit=7, offset=3, score_threshold=0.1,
                    with_payload=PayloadSelector(True, include=["a"]), with_vector=["img"],
                    params=rq.SearchParams(hnsw_ef=64, exact=True,
                                           quantization=rq.QuantizationSearchParams(rescore=True, oversampling=2.0))),
    rq.QueryRequest(query=rq.FusionQuery(rq.Fusion.RRF, k=5, weights=[1.0, 2.0]),
                    prefetch=[rq.Prefetch(query=rq.NearestQuery(vector=VEC), limit=20,
                                          prefetch=[rq.Prefetch(query=rq.SampleQuery(), limit=3)]),
                              rq.Prefetch(query=rq.NearestQuery(
                                  vector=SparseVector(np.array([1, 5], dtype=np.uint32),
                                                      np.array([0.5, 0.25], dtype=np.float32))),
                                          using="text", lookup_from=rq.LookupLocation("other", "v"),
                                          params=rq.SearchParams(idf=rq.IdfParams(corpus=FILTER))),
                              rq.Prefetch(query=rq.NearestQuery(vector=VEC), params=rq.SearchParams(idf=rq.IdfParams()))]),
    rq.QueryRequest(query=rq.RecommendQuery(positive=[rq.VectorInput(point_id=3)],
                                            negative=[rq.VectorInput(vector=VEC)],
                                            strategy=rq.RecommendStrategy.BEST_SCORE)),
    rq.QueryRequest(query=rq.DiscoverQuery(rq.VectorInput(vector=VEC),
                                           [rq.ContextPair(rq.VectorInput(point_id="b0c3"), rq.VectorInput(vector=VEC))])),
    rq.QueryRequest(query=rq.ContextQuery([])),
    rq.QueryRequest(query=rq.RelevanceFeedbackQuery(rq.VectorInput(vector=VEC),
                                                    [rq.FeedbackItem(rq.VectorInput(point_id=9), 0.5)], a=2.0)),
    rq.QueryRequest(query=rq.OrderBy("price", rq.Direction.DESC, start_from=10.5)),
    rq.QueryRequest(query=rq.FormulaQuery(FORMULA, defaults={"x": 1.0}), prefetch=[rq.Prefetch()]),
    rq.GroupsRequest(query=rq.QueryRequest(query=rq.NearestQuery(vector=VEC)), group_by="g", group_size=2,
                     with_lookup=rq.WithLookup("other", ALL_PAYLOAD, ["v"])),
    rq.MatrixRequest(filter=FILTER, sample=30, limit=4, using="v"),
    rq.ScrollRequest(offset=17, limit=5, filter=FILTER, order_by=rq.OrderBy("p")),
    rq.CountRequest(filter=FILTER, exact=False),
    rq.FacetRequest(key="k", filter=FILTER, limit=3, exact=True),
]

RESULTS = [
    [ScoredPoint(id=1, version=4, score=0.5, payload={"a": [1, {"b": None}]}, vectors={"": VEC}, order_value=2.5)],
    ScrollPage(points=[Record(id="c2a9e1d6-0d49-4b4c-9a43-3c1f7f6c1d2a", payload={}, vectors=None)],
               next_page_offset=5),
    [FacetHit(value="x", count=3), FacetHit(value=True, count=1)],
    [PointGroup(id="g", hits=[ScoredPoint(id=2, version=0, score=1.0)], lookup=Record(id="g"))],
    rq.MatrixResult(ids=[1, 2], entries=[(0, 1, 0.25)]),
    CountResult(count=12),
]


@pytest.mark.parametrize("value", REQUESTS + RESULTS, ids=lambda v: type(v).__name__)
def test_read_types_round_trip(value: Any) -> None:
    assert _same(codec.decode(codec.encode(value)), value)


def test_every_read_type_has_a_distinct_tag() -> None:
    read_types = [cls for module in (rq, ex) for cls in vars(module).values()
                  if isinstance(cls, type) and cls.__module__ == module.__name__
                  and (dataclasses.is_dataclass(cls) or issubclass(cls, __import__("enum").Enum))]
    missing = [cls.__name__ for cls in read_types if cls not in codec.TAGS.values()]
    assert missing == []
    assert len(set(codec.TAGS.values())) == len(codec.TAGS)
