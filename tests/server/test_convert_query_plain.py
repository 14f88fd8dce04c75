"""`points/query` bodies of a plain nearest search take a short path in `query_from_json`: it must
read them exactly as the full reader does, requests and errors alike."""

from typing import Any

import pytest

from engine.errors import EngineError
from server.convert import query_api as qconv
from server.convert.json_fields import WITH_VECTORS, aliased


def _full(body: Any) -> Any:
    """The full reader (what `query_from_json` runs for every other body)."""
    with qconv.in_model("internal."):
        obj = aliased(body, WITH_VECTORS)
        request = qconv._query(obj, limit=qconv.opt_limit(obj), offset=qconv.opt_int(obj, "offset", default=0) or 0)
        request.validate()
        return request


def _outcome(fn: Any, body: Any) -> Any:
    try:
        request = fn(body)
    except EngineError as exc:
        return type(exc), str(exc)
    vector = request.query.vector
    request.query.vector = None  # arrays compared apart (dataclass equality cannot compare them)
    return request, vector.dtype, vector.tolist()


BODIES: list[dict[str, Any]] = [
    {"query": [0.5, 1.5, -2.0], "limit": 10},
    {"query": [1, 2, 3]},  # integers, default limit
    {"query": [0.5, 1.5], "limit": 3, "with_payload": True, "with_vector": False},
    {"query": [0.5, 1.5], "with_payload": ["a", "b"], "with_vector": ["dense"]},
    {"query": [0.5, 1.5], "with_payload": {"exclude": ["a"]}},
    {"query": [0.5, True]},  # a JSON true inside the vector
    {"query": [0.5, "x"]},  # not a number
    {"query": [0.5, [1.0]]},  # nested after the first value
    {"query": [0.5, 1.5], "limit": 0},  # below the minimum (422)
    {"query": [0.5, 1.5], "limit": -1},  # negative (400)
    {"query": [0.5, 1.5], "limit": "ten"},
    {"query": [0.5, "x"], "limit": 0},  # both wrong: the limit's error first, as the full reader
    {"query": [0.5, 1.5], "with_payload": 3},
    {"query": [0.5, 1.5], "with_vector": 3},
]


@pytest.mark.parametrize("body", BODIES)
def test_a_plain_body_reads_as_the_full_reader_reads_it(body: dict[str, Any]) -> None:
    assert _outcome(qconv.query_from_json, dict(body)) == _outcome(_full, dict(body))


def test_other_bodies_take_the_full_reader() -> None:
    # a field outside the short path's (offset), an alias (with_vectors), a multivector, a point id
    for body in ({"query": [0.5, 1.5], "offset": 2}, {"query": [0.5, 1.5], "with_vectors": True},
                 {"query": [[0.5, 1.5], [1.0, 2.0]]}, {"query": 7}, {"query": {"nearest": [0.5, 1.5]}}):
        full = _full(dict(body))
        got = qconv.query_from_json(dict(body))
        assert type(got.query) is type(full.query)
        assert (got.offset, got.with_vector, got.query.point_id) == (full.offset, full.with_vector, full.query.point_id)
