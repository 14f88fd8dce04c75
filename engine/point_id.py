"""Point ids: unsigned 64-bit integers or UUIDs (kept in lowercase hyphenated form)."""

from __future__ import annotations

import uuid
from typing import Any

from engine.errors import BadInput

PointId = int | str
"""An external point id: an int in [0, 2**64) or a canonical UUID string."""

U64_MAX = 2**64 - 1


def parse_point_id(raw: Any) -> PointId:
    """Normalise a user-supplied id; raise BadInput with Qdrant's wording when it is neither."""
    if isinstance(raw, bool):
        raise BadInput(f"Unable to parse point id: {raw!r}")
    if isinstance(raw, int):
        if 0 <= raw <= U64_MAX:
            return raw
        raise BadInput(f"Unable to parse point id: {raw}. Only unsigned integers and UUIDs are allowed")
    if isinstance(raw, str):
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise BadInput(
                f"Unable to parse UUID: {raw}. Only unsigned integers and UUIDs are allowed"
            ) from None
    raise BadInput(f"Unable to parse point id: {raw!r}")


def id_sort_key(pid: PointId) -> tuple[int, int | str]:
    """Qdrant orders integer ids before UUIDs, each by value (scroll order)."""
    if isinstance(pid, int):
        return (0, pid)
    return (1, uuid.UUID(pid).int)
