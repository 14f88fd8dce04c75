"""External point id ⇄ internal offset, with the version (operation number) of each point.

Stored form (`IdArrays`): integer ids as a uint64 column, UUIDs as a (n, 16) uint8 column, and a
bool column telling which of the two each offset holds. Loading builds the lookup with numpy and
one `dict(zip())` (no Python loop per point of our own).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from engine.point_id import PointId

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_UUID_DASHES = (8, 13, 18, 23)  # positions of '-' in the canonical 36-character form


@dataclass(slots=True)
class IdArrays:
    """External ids of consecutive offsets as numpy columns (the stored form)."""

    int_keys: np.ndarray  # uint64[n]
    is_uuid: np.ndarray  # bool[n]
    uuids: np.ndarray  # uint8[n, 16] (zero rows for integer ids)

    def to_ids(self) -> list[PointId]:
        """Python ids (int or canonical UUID string) of every offset."""
        out: list[PointId] = list(self.int_keys.tolist())
        where = np.flatnonzero(self.is_uuid)
        if where.size:
            raw = self.uuids[where]
            chars = np.empty((where.size, 36), dtype=np.uint8)
            hexed = np.stack([_HEX[raw >> 4], _HEX[raw & 15]], axis=2).reshape(where.size, 32)
            chars[:, [i for i in range(36) if i not in _UUID_DASHES]] = hexed
            chars[:, list(_UUID_DASHES)] = ord("-")
            texts = chars.view("S36").ravel().astype("U36").tolist()
            for offset, text in zip(where.tolist(), texts, strict=True):
                out[offset] = text
        return out


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

    def allocate_many(self, pids: list[PointId]) -> int:
        """Allocate consecutive offsets for new, distinct ids; returns the first."""
        start = len(self.external)
        end = start + len(pids)
        self.external.extend(pids)
        self._offsets.update(zip(pids, range(start, end), strict=True))
        while end > self.versions.shape[0]:
            self.versions = _grown(self.versions)
            self.int_keys = _grown(self.int_keys)
            self.is_uuid = _grown(self.is_uuid)
        is_uuid = np.fromiter((isinstance(p, str) for p in pids), dtype=bool, count=len(pids))
        self.is_uuid[start:end] = is_uuid
        if not is_uuid.all():
            keys = np.zeros(len(pids), dtype=np.uint64)
            keys[~is_uuid] = np.fromiter((p for p in pids if not isinstance(p, str)), dtype=np.uint64)
            self.int_keys[start:end] = keys
        return start

    def remove(self, pid: PointId) -> int | None:
        return self._offsets.pop(pid, None)

    def arrays(self, offsets: np.ndarray | None = None) -> IdArrays:
        """Stored form of the ids at `offsets` (all allocated offsets when None)."""
        size = self.size
        picked = np.arange(size) if offsets is None else offsets
        uuids = np.zeros((picked.shape[0], 16), dtype=np.uint8)
        is_uuid = self.is_uuid[:size][picked]
        if is_uuid.any():
            wanted = picked[is_uuid].tolist()
            raw = b"".join(bytes.fromhex(str(self.external[o]).replace("-", "")) for o in wanted)
            uuids[is_uuid] = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)
        return IdArrays(int_keys=self.int_keys[:size][picked].copy(), is_uuid=is_uuid.copy(), uuids=uuids)

    @classmethod
    def from_arrays(cls, ids: IdArrays, versions: np.ndarray, alive: np.ndarray) -> IdTracker:
        """A tracker over offsets 0..n-1 with these ids; only `alive` offsets can be looked up."""
        tracker = cls()
        n = int(ids.is_uuid.shape[0])
        tracker.external = ids.to_ids()
        live = np.flatnonzero(alive[:n])
        if live.size == n:
            tracker._offsets = dict(zip(tracker.external, range(n), strict=True))
        else:
            external = tracker.external
            tracker._offsets = {external[o]: o for o in live.tolist()}
        capacity = max(n, 64)
        tracker.versions = np.zeros(capacity, dtype=np.uint64)
        tracker.versions[:n] = versions[:n]
        tracker.int_keys = np.zeros(capacity, dtype=np.uint64)
        tracker.int_keys[:n] = ids.int_keys
        tracker.is_uuid = np.zeros(capacity, dtype=bool)
        tracker.is_uuid[:n] = ids.is_uuid
        return tracker

    def offsets_for(self, ids: Iterable[PointId]) -> np.ndarray:
        found = [o for o in (self._offsets.get(i) for i in ids) if o is not None]
        return np.asarray(found, dtype=np.int64)



def _grown(array: np.ndarray) -> np.ndarray:
    out = np.zeros(array.shape[0] * 2, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out
