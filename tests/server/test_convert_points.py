"""REST point-update conversion: parameters the engine cannot honour are refused, never ignored."""

import pytest

from engine.errors import BadRequest
from server.convert.points import overwrite_payload_from_json


def test_overwrite_payload_key_is_refused_not_ignored() -> None:
    with pytest.raises(BadRequest, match="not supported"):
        overwrite_payload_from_json({"payload": {"a": 1}, "points": [1], "key": "nested"})
