"""REST point-update conversion: parameters the engine cannot honour are refused, never ignored."""

from typing import Any

import numpy as np
import pytest

from engine.errors import BadRequest, MalformedRequest
from server.convert import points as conv
from server.convert.points import overwrite_payload_from_json


def test_overwrite_payload_key_is_refused_not_ignored() -> None:
    with pytest.raises(BadRequest, match="not supported"):
        overwrite_payload_from_json({"payload": {"a": 1}, "points": [1], "key": "nested"})


# ---- upsert of plain points: one array for the whole batch (`_plain_points`) ----------------------
def _one_by_one(body: dict[str, Any]) -> list[Any]:
    return [conv._point(p) for p in body["points"]]


def _outcome(fn: Any, body: dict[str, Any]) -> Any:
    try:
        return [(p.id, {k: v.tolist() for k, v in p.vectors.items()}, p.payload) for p in fn(body)]
    except MalformedRequest as exc:
        return type(exc), exc.message


BODIES = [
    {"points": [{"id": 1, "vector": [0.5, 1.5], "payload": {"a": 1}}, {"id": 2, "vector": [2, 3]}]},
    {"points": [{"id": 1, "vector": [0.0, 1.0], "payload": {"a": {"b": [1.5]}}}]},  # exact 0/1, nested payload
    {"points": [{"id": 1, "vector": [0.5, True]}]},  # a JSON true inside a vector
    {"points": [{"id": 1, "vector": [1.0, 2.0]}, {"id": 2, "vector": [1.0, 2.0, 3.0]}]},  # ragged
    {"points": [{"id": 1, "vector": [1.0, [2.0]]}]},  # nested
    {"points": [{"id": 1, "vector": [1.0, "x"]}]},  # not a number
    {"points": [{"id": 1, "vector": [1.0, 2.0]}, {"id": -3, "vector": [1.0, 2.0]}]},  # a bad id
    {"points": [{"id": 1, "vector": [1.0, 2.0], "payload": {"x": float("nan")}}]},  # non-finite payload
    {"points": [{"id": 1, "vector": [1.0, 2.0], "payload": []}]},  # payload not an object
    {"points": [{"vector": [1.0, 2.0]}]},  # no id
    {"points": [{"id": 1, "vectors": [1.0, 2.0]}, {"id": 2, "vector": [1.0, 2.0]}]},  # the alias
    {"points": [{"id": 1, "vector": {"a": [1.0, 2.0]}}]},  # named vectors
]


@pytest.mark.parametrize("body", BODIES)
def test_a_plain_batch_reads_as_point_by_point(body: dict[str, Any]) -> None:
    expected = _outcome(_one_by_one, body)
    assert _outcome(lambda b: conv.upsert_from_json(b).points, body) == expected


def test_plain_vectors_are_float32_rows() -> None:
    points = conv._plain_points([{"id": 1, "vector": [1, 2]}, {"id": 2, "vector": [0.25, 0.5]}])
    assert points is not None
    assert [p.vectors[""].dtype for p in points] == [np.float32, np.float32]
    assert points[1].vectors[""].tolist() == [0.25, 0.5] and points[0].vectors[""].flags.c_contiguous
