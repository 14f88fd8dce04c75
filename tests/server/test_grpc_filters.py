"""gRPC Filter → engine filter: every condition converts to exactly what the REST converter gives
for the same filter (the stock client's own REST→gRPC conversion produces the gRPC message)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from qdrant_client import models
from qdrant_client.conversions.conversion import RestToGrpc

from engine.errors import EngineError, ValidationError
from engine.types.filters import DatetimeRange, FieldRange, Filter
from server.convert.filters import filter_from_json
from server.convert.grpc.filters import filter_from_pb
from server.pb import qdrant_common_pb2 as cpb

BOX = models.GeoBoundingBox(top_left=models.GeoPoint(lon=1, lat=50), bottom_right=models.GeoPoint(lon=5, lat=40))
RING = models.GeoLineString(points=[models.GeoPoint(lon=0, lat=0), models.GeoPoint(lon=1, lat=0),
                                    models.GeoPoint(lon=1, lat=1), models.GeoPoint(lon=0, lat=0)])
CONDITIONS: list[Any] = [
    models.FieldCondition(key="k", match=models.MatchValue(value="x")),
    models.FieldCondition(key="k", match=models.MatchValue(value=-3)),
    models.FieldCondition(key="k", match=models.MatchValue(value=True)),
    models.FieldCondition(key="k", match=models.MatchText(text="hello world")),
    models.FieldCondition(key="k", match=models.MatchTextAny(text_any="a b")),
    models.FieldCondition(key="k", match=models.MatchPhrase(phrase="a b")),
    models.FieldCondition(key="k", match=models.MatchAny(any=["a", "b"])),
    models.FieldCondition(key="k", match=models.MatchAny(any=[1, 2])),
    models.FieldCondition(key="k", match=models.MatchExcept(**{"except": ["a"]})),
    models.FieldCondition(key="k", match=models.MatchExcept(**{"except": [5]})),
    models.FieldCondition(key="n", range=models.Range(gt=1, lte=2.5)),
    models.FieldCondition(key="geo", geo_bounding_box=BOX),
    models.FieldCondition(key="geo", geo_radius=models.GeoRadius(center=models.GeoPoint(lon=1, lat=2), radius=1000)),
    models.FieldCondition(key="geo", geo_polygon=models.GeoPolygon(exterior=RING, interiors=[RING])),
    models.FieldCondition(key="tags", values_count=models.ValuesCount(gte=1, lt=3)),
    models.FieldCondition(key="a.b[].c", is_empty=False),
    models.FieldCondition(key="x", is_null=True),
    models.IsEmptyCondition(is_empty=models.PayloadField(key="e")),
    models.IsNullCondition(is_null=models.PayloadField(key="n")),
    models.HasIdCondition(has_id=[1, "5c56c793-69f3-4fbf-87e6-c4bf54c28c26"]),
    models.HasVectorCondition(has_vector="image"),
    models.NestedCondition(nested=models.Nested(key="items", filter=models.Filter(
        must=[models.FieldCondition(key="q", range=models.Range(gte=2))]))),
    models.Filter(should=[models.FieldCondition(key="k", match=models.MatchValue(value="y"))]),
]


def _to_server_pb(flt: models.Filter) -> Any:
    """The client's gRPC message, re-read with our generated classes (byte-identical descriptors)."""
    return cpb.Filter.FromString(RestToGrpc.convert_filter(flt).SerializeToString())


def _rest_json(flt: models.Filter) -> Any:
    return flt.model_dump(mode="json", exclude_none=True, by_alias=True)


@pytest.mark.parametrize("condition", CONDITIONS, ids=lambda c: type(c).__name__)
def test_each_condition_matches_rest(condition: Any) -> None:
    flt = models.Filter(must=[condition], must_not=[condition], should=[condition])
    assert filter_from_pb(_to_server_pb(flt)) == filter_from_json(_rest_json(flt))


def test_min_should_matches_rest() -> None:
    flt = models.Filter(min_should=models.MinShould(conditions=CONDITIONS[:3], min_count=2))
    assert filter_from_pb(_to_server_pb(flt)) == filter_from_json(_rest_json(flt))


def test_datetime_range_from_timestamps() -> None:
    when = datetime(2024, 5, 6, 7, 8, 9, 123000, tzinfo=UTC)
    fc = cpb.FieldCondition(key="t")
    fc.datetime_range.gte.FromDatetime(when)
    got = filter_from_pb(cpb.Filter(must=[cpb.Condition(field=fc)]))
    assert got == Filter(must=(FieldRange("t", DatetimeRange(gte=when)),))
    rest = filter_from_json({"must": [{"key": "t", "range": {"gte": "2024-05-06T07:08:09.123Z"}}]})
    assert got == rest


def test_absent_filter_is_none() -> None:
    assert filter_from_pb(cpb.Filter(), present=False) is None
    assert filter_from_pb(cpb.Filter()) == Filter()


@pytest.mark.parametrize(
    "condition",
    [
        cpb.Condition(),  # no variant set
        cpb.Condition(field=cpb.FieldCondition(key="k")),  # no check on the key
        cpb.Condition(field=cpb.FieldCondition(key="k", match=cpb.Match())),
        cpb.Condition(field=cpb.FieldCondition(key="g", geo_radius=cpb.GeoRadius(
            center=cpb.GeoPoint(lon=0, lat=91), radius=1))),
        cpb.Condition(slice=cpb.SliceCondition(total=2, index=2)),
        cpb.Condition(nested=cpb.NestedCondition(key="items")),
        cpb.Condition(field=cpb.FieldCondition(key="a..b", is_null=True)),
    ],
)
def test_bad_conditions_are_input_errors(condition: Any) -> None:
    with pytest.raises(EngineError):
        filter_from_pb(cpb.Filter(must=[condition]))


def test_min_count_zero_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        filter_from_pb(cpb.Filter(min_should=cpb.MinShould(min_count=0)))
