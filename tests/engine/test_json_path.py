"""JSON paths: parsing, reading with Qdrant's array rules, nested set and delete."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from qdrant_client.local.json_path_parser import parse_json_path
from qdrant_client.local.payload_value_extractor import value_by_key
from qdrant_client.local.payload_value_setter import delete_value_by_key, set_value_by_key

from engine.errors import BadInput
from engine.json_path import Index, Key, Wildcard, delete_path, extract_values, parse_path, set_by_key


def test_parse_items() -> None:
    assert parse_path("a").items == (Key("a"),)
    assert parse_path("a.b-c_d").items == (Key("a"), Key("b-c_d"))
    assert parse_path("a[].b").items == (Key("a"), Wildcard(), Key("b"))
    assert parse_path("a[0][12].b").items == (Key("a"), Index(0), Index(12), Key("b"))
    assert parse_path('"x.y".z').items == (Key("x.y"), Key("z"))
    assert parse_path("país.ciudad").items == (Key("país"), Key("ciudad"))


@pytest.mark.parametrize(
    "bad", ["", ".", "a.", ".a", "a..b", "a[", "a[x]", "a[-1]", "a]", "a b", '"a', "[0]", "a[0]b", '"a"b']
)
def test_parse_rejects(bad: str) -> None:
    with pytest.raises(BadInput):
        parse_path(bad)
    with pytest.raises(ValueError):
        parse_json_path(bad)  # the oracle agrees it is invalid


PAYLOAD: dict[str, Any] = {
    "a": 1,
    "tags": ["x", "y", ["z"]],
    "country": {"name": "DE", "cities": [{"name": "Berlin", "pop": [3, 4]}, {"name": "Bonn"}, 5]},
    "matrix": [[1, 2], [3]],
    "dotted.key": {"v": True},
    "nul": None,
}


@pytest.mark.parametrize(
    "path",
    [
        "a",
        "tags",
        "tags[]",
        "tags[2]",
        "tags[9]",
        "country",
        "country.name",
        "country.cities",
        "country.cities[].name",
        "country.cities.name",
        "country.cities[0].pop",
        "country.cities[].pop",
        "country.cities[1].pop",
        "matrix",
        "matrix[]",
        "matrix[][]",
        "matrix[0][1]",
        '"dotted.key".v',
        "nul",
        "missing.deeper",
        "a.b",
    ],
)
@pytest.mark.parametrize("flat", [True, False])
def test_extract_matches_local_mode(path: str, flat: bool) -> None:
    expected = value_by_key(PAYLOAD, path, flat=flat) or []
    assert extract_values(PAYLOAD, parse_path(path), flat=flat) == expected


def test_extract_examples() -> None:
    assert extract_values(PAYLOAD, parse_path("country.cities[].name")) == ["Berlin", "Bonn"]
    assert extract_values(PAYLOAD, parse_path("country.cities.name")) == []  # no implicit [] on keys
    assert extract_values(PAYLOAD, parse_path("tags")) == ["x", "y", ["z"]]  # one level flattened
    assert extract_values(PAYLOAD, parse_path("tags"), flat=False) == [["x", "y", ["z"]]]
    assert extract_values(None, "a") == []
    assert extract_values(5, "a") == []


SET_CASES: list[tuple[dict[str, Any], str, dict[str, Any]]] = [
    ({}, "a", {"x": 1}),
    ({"a": {"y": 2}}, "a", {"x": 1}),
    ({"a": 5}, "a", {"x": 1}),
    ({"a": 5}, "a.b.c", {"x": 1}),
    ({}, "a.b.c", {"x": 1}),
    ({"a": [{"k": 1}, 3, {"k": 2}]}, "a[]", {"x": 1}),
    ({"a": [{"k": 1}, 3, {"k": 2}]}, "a[].b", {"x": 1}),
    ({"a": [{"k": 1}, 3]}, "a[1]", {"x": 1}),
    ({"a": [{"k": 1}]}, "a[5]", {"x": 1}),
    ({"a": {"k": 1}}, "a[0]", {"x": 1}),
    ({"a": {"k": 1}}, "a[].b", {"x": 1}),
    ({"a": [[1], {"b": 2}]}, "a[0][0]", {"x": 1}),
    ({"a": [{"b": [{"c": 1}]}]}, "a[0].b[0].c", {"x": 1}),
]


@pytest.mark.parametrize(("payload", "key", "value"), SET_CASES)
def test_set_by_key_matches_local_mode(payload: dict[str, Any], key: str, value: dict[str, Any]) -> None:
    expected = copy.deepcopy(payload)
    set_value_by_key(expected, parse_json_path(key), copy.deepcopy(value))
    ours = copy.deepcopy(payload)
    set_by_key(ours, parse_path(key), value)
    assert ours == expected


def test_set_by_key_wildcard_copies_are_independent() -> None:
    payload: dict[str, Any] = {"a": [{}, {}]}
    set_by_key(payload, parse_path("a[]"), {"inner": {"v": 1}})
    payload["a"][0]["inner"]["v"] = 2
    assert payload["a"][1]["inner"]["v"] == 1


DELETE_CASES = [
    "a",
    "country.name",
    "country.cities[].name",
    "country.cities[0].pop",
    "country.cities[0]",
    "tags[]",
    "tags[0]",
    "matrix[][]",
    '"dotted.key".v',
    "missing",
    "missing.x",
    "a.b",
]


@pytest.mark.parametrize("key", DELETE_CASES)
def test_delete_path_matches_local_mode(key: str) -> None:
    expected = copy.deepcopy(PAYLOAD)
    delete_value_by_key(expected, parse_json_path(key))
    ours = copy.deepcopy(PAYLOAD)
    delete_path(ours, parse_path(key))
    assert ours == expected


def test_delete_examples() -> None:
    payload: dict[str, Any] = {"a": {"b": 1, "c": 2}, "l": [1, 2]}
    delete_path(payload, "a.b")
    delete_path(payload, "l[0]")  # a final index deletes nothing
    assert payload == {"a": {"c": 2}, "l": [1, 2]}
    delete_path(payload, "l[]")
    assert payload == {"a": {"c": 2}, "l": []}
