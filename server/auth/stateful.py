"""The stateful check of a JWT's `value_exists` claim: some point of the named collection must
match every (key, value) pair, as Qdrant verifies it (a scroll of one point, here a count)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.types.requests import CountRequest
from server.auth.policy import ValueExists
from server.convert.filters import filter_from_json
from server.service import Service


def value_exists_check(service: Service) -> ValueExists:
    async def exists(collection: str, matches: Sequence[tuple[str, Any]]) -> bool:
        condition = filter_from_json({"must": [{"key": key, "match": {"value": value}} for key, value in matches]})
        return await service.count(collection, CountRequest(filter=condition, exact=True)) > 0

    return exists
