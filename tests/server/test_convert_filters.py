"""REST JSON → engine filters and payload schemas: accepted shapes and rejected ones."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from engine.errors import BadInput, EngineError, MalformedRequest, ValidationError
from engine.types.filters import (
    DatetimeRange,
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
    MatchAny,
    MatchExcept,
    MatchPhrase,
    MatchPrefix,
    MatchText,
    MatchTextAny,
    MatchValue,
    MinShould,
    Nested,
    Range,
    Slice,
)
from engine.types.payload_schema import IndexParams, PayloadSchema, SnowballStemmer, StopwordsSet
from server.convert.filters import filter_from_json
from server.convert.payload_schema import payload_schema_from_json, payload_schema_to_json


def test_null_and_empty() -> None:
    assert filter_from_json(None) is None
    assert filter_from_json({}) == Filter()
    assert filter_from_json({"must": None, "should": [], "must_not": None}) == Filter()


def test_clause_as_single_object_or_list() -> None:
    one = {"key": "a", "match": {"value": "x"}}
    assert filter_from_json({"must": one}) == filter_from_json({"must": [one]})
    assert filter_from_json({"must": one}) == Filter(must=(FieldMatch("a", MatchValue("x")),))


def test_every_condition_kind() -> None:
    got = filter_from_json(
        {
            "must": [
                {"key": "a", "match": {"value": 3}},
                {"key": "a", "match": {"value": True}},
                {"key": "a", "match": {"any": ["x", "y", "x"]}},
                {"key": "a", "match": {"except": [1, 2]}},
                {"key": "t", "match": {"text": "hello"}},
                {"key": "t", "match": {"text_any": "hello world"}},
                {"key": "t", "match": {"phrase": "hello world"}},
                {"key": "k", "match": {"prefix": "he"}},
                {"key": "n", "range": {"gte": 1, "lt": 2.5}},
                {"key": "d", "range": {"gt": "2023-01-01T00:00:00+02:00", "lte": "2024-01-01"}},
                {"key": "g", "geo_radius": {"center": {"lon": 1, "lat": 2}, "radius": 1000}},
                {"key": "l", "values_count": {"gt": 1}},
                {"is_empty": {"key": "e"}},
                {"is_null": {"key": "z"}},
                {"has_id": [1, "550E8400-E29B-41D4-A716-446655440000"]},
                {"has_vector": "img"},
                {"nested": {"key": "arr", "filter": {"must": {"key": "x", "match": {"value": 1}}}}},
                {"slice": {"total": 4, "index": 3}},
                {"should": [{"key": "a", "is_empty": True}]},
            ]
        }
    )
    assert got is not None
    assert got.must == (
        FieldMatch("a", MatchValue(3)),
        FieldMatch("a", MatchValue(True)),
        FieldMatch("a", MatchAny(("x", "y"))),
        FieldMatch("a", MatchExcept((1, 2))),
        FieldMatch("t", MatchText("hello")),
        FieldMatch("t", MatchTextAny("hello world")),
        FieldMatch("t", MatchPhrase("hello world")),
        FieldMatch("k", MatchPrefix("he")),
        FieldRange("n", Range(gte=1.0, lt=2.5)),
        FieldRange(
            "d",
            DatetimeRange(
                gt=datetime(2023, 1, 1, tzinfo=timezone(timedelta(hours=2))),
                lte=datetime(2024, 1, 1, tzinfo=UTC),
            ),
        ),
        got.must[10],
        FieldValuesCount("l", got.must[11].values_count),  # type: ignore[union-attr]
        IsEmpty("e"),
        IsNull("z"),
        HasId(frozenset({1, "550e8400-e29b-41d4-a716-446655440000"})),
        HasVector("img"),
        Nested("arr", Filter(must=(FieldMatch("x", MatchValue(1)),))),
        Slice(4, 3),
        Filter(should=(IsEmpty("a"),)),
    )
    assert isinstance(got.must[10], FieldGeoRadius) and got.must[10].geo_radius.radius == 1000.0


def test_field_condition_flags_and_several_checks() -> None:
    assert filter_from_json({"must": {"key": "a", "is_empty": False}}) == Filter(
        must=(Filter(must_not=(IsEmpty("a"),)),)
    )
    assert filter_from_json({"must": {"key": "a", "is_null": True}}) == Filter(must=(IsNull("a"),))
    several = filter_from_json({"must": {"key": "a", "match": {"value": 1}, "range": {"gt": 5}}})
    assert several == Filter(
        must=(Filter(should=(FieldMatch("a", MatchValue(1)), FieldRange("a", Range(gt=5.0)))),)
    )


def test_min_should_and_nested_filter() -> None:
    got = filter_from_json(
        {"min_should": {"conditions": [{"has_vector": ""}, {"must": [{"has_id": [1]}]}], "min_count": 2}}
    )
    assert got == Filter(
        min_should=MinShould((HasVector(""), Filter(must=(HasId(frozenset({1})),))), 2)
    )


def test_polygon_with_hole() -> None:
    ring = {"points": [{"lon": 0, "lat": 0}, {"lon": 4, "lat": 0}, {"lon": 4, "lat": 4}, {"lon": 0, "lat": 0}]}
    got = filter_from_json({"must": {"key": "g", "geo_polygon": {"exterior": ring, "interiors": [ring]}}})
    assert got is not None and isinstance(got.must[0], FieldGeoPolygon)
    assert len(got.must[0].geo_polygon.interiors) == 1


@pytest.mark.parametrize(
    ("body", "kind", "fragment"),
    [
        ([], MalformedRequest, "expected an object"),
        ({"must": [], "maybe": []}, MalformedRequest, "unknown field `maybe`"),
        ({"must": 5}, MalformedRequest, "condition or an array"),
        ({"must": [{"foo": 1}]}, MalformedRequest, "untagged enum Condition"),
        ({"must": [{"key": "a"}]}, ValidationError, "At least one field condition"),
        ({"must": [{"key": "a", "match": {"value": 1.5}}]}, MalformedRequest, "value"),
        ({"must": [{"key": "a", "match": {"colour": "red"}}]}, MalformedRequest, "untagged enum Match"),
        ({"must": [{"key": "a", "match": {"any": [1, "x"]}}]}, MalformedRequest, "not mixed"),
        ({"must": [{"key": "a", "match": {"any": [True]}}]}, MalformedRequest, "strings or of integers"),
        ({"must": [{"key": "a", "range": {"gt": 1, "lt": "2020-01-01"}}]}, MalformedRequest, "RangeInterface"),
        ({"must": [{"key": "a", "range": {"gt": "yesterday"}}]}, MalformedRequest, "not a datetime"),
        ({"must": [{"key": "a..b", "match": {"value": 1}}]}, MalformedRequest, "invalid JSON path"),
        ({"must": [{"key": 5, "match": {"value": 1}}]}, MalformedRequest, "string"),
        ({"must": [{"key": "a", "values_count": {"gt": -1}}]}, MalformedRequest, "unsigned"),
        ({"must": [{"key": "a", "geo_radius": {"center": {"lon": 0, "lat": 91}, "radius": 1}}]}, ValidationError, "lat"),
        ({"must": [{"key": "a", "geo_radius": {"center": {"lon": 0}, "radius": 1}}]}, MalformedRequest, "lat"),
        (
            {"must": [{"key": "g", "geo_polygon": {"exterior": {"points": [{"lon": 0, "lat": 0}] * 3}}}]},
            ValidationError,
            "at least 4 points",
        ),
        ({"min_should": {"conditions": [], "min_count": 0}}, ValidationError, "min_count"),
        ({"min_should": {"conditions": {}, "min_count": 1}}, MalformedRequest, "array"),
        ({"must": [{"has_id": "abc"}]}, MalformedRequest, "array"),
        ({"must": [{"has_id": ["not-a-uuid"]}]}, BadInput, "Unable to parse"),
        ({"must": [{"nested": {"key": "a"}}]}, MalformedRequest, "filter"),
        ({"must": [{"slice": {"total": 2, "index": 2}}]}, ValidationError, "index"),
    ],
)
def test_rejects(body: Any, kind: type[EngineError], fragment: str) -> None:
    with pytest.raises(kind) as err:
        filter_from_json(body)
    assert fragment in err.value.message


# ---- payload schemas ---------------------------------------------------------------------------


def test_schema_plain_and_params() -> None:
    assert payload_schema_from_json("keyword") == PayloadSchema("keyword")
    got = payload_schema_from_json(
        {
            "type": "text",
            "tokenizer": "prefix",
            "min_token_len": 2,
            "lowercase": False,
            "stopwords": {"languages": ["english"], "custom": ["foo"]},
            "stemmer": {"type": "snowball", "language": "english"},
            "phrase_matching": True,
        }
    )
    assert got == PayloadSchema(
        "text",
        IndexParams(
            tokenizer="prefix",
            min_token_len=2,
            lowercase=False,
            stopwords=StopwordsSet(("english",), ("foo",)),
            stemmer=SnowballStemmer("english"),
            phrase_matching=True,
        ),
    )
    assert payload_schema_from_json({"type": "integer", "lookup": False, "is_principal": True}).params == IndexParams(
        lookup=False, is_principal=True
    )


def test_schema_to_json() -> None:
    assert payload_schema_to_json(PayloadSchema("keyword"), 3) == {"data_type": "keyword", "points": 3}
    schema = payload_schema_from_json({"type": "keyword", "is_tenant": True, "on_disk": None})
    assert payload_schema_to_json(schema, 0) == {
        "data_type": "keyword",
        "params": {"type": "keyword", "is_tenant": True},
        "points": 0,
    }
    text = payload_schema_from_json({"type": "text", "stopwords": "english", "stemmer": {"type": "snowball", "language": "english"}})
    assert payload_schema_to_json(text, 1)["params"] == {
        "type": "text",
        "stopwords": "english",
        "stemmer": {"type": "snowball", "language": "english"},
    }


@pytest.mark.parametrize(
    "bad",
    [
        "keywords",
        5,
        None,
        {"tokenizer": "word"},
        {"type": "integer", "lookup": False, "range": False},
        {"type": "integer", "range": "yes"},
        {"type": "text", "tokenizer": "bpe"},
        {"type": "text", "min_token_len": -1},
        {"type": "text", "stopwords": "klingon"},
        {"type": "text", "stemmer": {"type": "porter"}},
        {"type": "float", "memory": "warm"},
    ],
)
def test_schema_rejects(bad: Any) -> None:
    with pytest.raises((MalformedRequest, ValidationError)):
        payload_schema_from_json(bad)



def test_unknown_fields_are_ignored_below_the_filter() -> None:
    """Only `Filter` denies unknown fields in Qdrant; its conditions, ranges and matches ignore them,
    and `Match` (untagged) takes the first variant in Qdrant's order that fits."""
    got = filter_from_json({"must": [
        {"key": "a", "match": {"value": 1, "text": "x"}},
        {"key": "b", "match": {"value": 1.5, "text": "x"}},
        {"key": "c", "range": {"gt": 1, "between": 2}},
        {"is_empty": {"key": "d", "x": 1}},
    ]})
    assert got is not None
    assert got.must == (
        FieldMatch("a", MatchValue(1)),
        FieldMatch("b", MatchText("x")),
        FieldRange("c", Range(gt=1.0)),
        IsEmpty("d"),
    )
