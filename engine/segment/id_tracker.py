"""External point id ⇄ internal offset, with the version (operation number) of each point."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from engine.point_id import PointId


class IdTracker:
    __slots__ = ("_offsets", "external", "versions", "int_keys", "is_uuid")

    def __init__(self) -> None:
        self._offsets: dict[PointId, int] = {}
        self.external: list[PointId] = []
        self.versions = np.zeros(64, dtype=np.uint64)
        # Scroll orders by id (integers before UUIDs): integer ids as a numpy column so a page is
        # picked with argpartition instead of a Python sort key per point.
        self.int_keys = np.zeros(64, dtype=np.uint64)
        self.is_uuid = np.zeros(64, dtype=bool)

    def __len__(self) -> int:
        return len(self._offsets)

    @property
    def size(self) -> int:
        """Offsets ever allocated (including removed ones)."""
        return len(self.external)

    def offset_of(self, pid: PointId) -> int | None:
        return self._offsets.get(pid)

    def allocate(self, pid: PointId) -> int:
        offset = len(self.external)
        self.external.append(pid)
        self._offsets[pid] = offset
        if offset >= self.versions.shape[0]:
            self.versions = _grown(self.versions)
            self.int_keys = _grown(self.int_keys)
            self.is_uuid = _grown(self.is_uuid)
        if isinstance(pid, int):
            self.int_keys[offset] = pid
            self.is_uuid[offset] = False
        else:
            self.is_uuid[offset] = True
        return offset

    def remove(self, pid: PointId) -> int | None:
        return self._offsets.pop(pid, None)

    def offsets_for(self, ids: Iterable[PointId]) -> np.ndarray:
        found = [o for o in (self._offsets.get(i) for i in ids) if o is not None]
        return np.asarray(found, dtype=np.int64)



def _grown(array: np.ndarray) -> np.ndarray:
    out = np.zeros(array.shape[0] * 2, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out
