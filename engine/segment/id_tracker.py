"""External point id ⇄ internal offset, with the version (operation number) of each point.

Stored form (`IdArrays`): integer ids as a uint64 column, UUIDs as a (n, 16) uint8 column, and a
bool column telling which of the two each offset holds. Loading keeps integer ids in numpy (a
sorted copy to search); only UUIDs get Python objects (a dict each way).
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
    """Offsets of a loaded base are looked up without a Python object per point: integer ids in a
    sorted uint64 array (`searchsorted`), UUIDs in a dict (only they have one), liveness in a bool
    array. Ids allocated after the load (or by a tracker that never loaded one) are in a dict."""

    __slots__ = ("_offsets", "_tail", "_base", "_keys", "_key_offsets", "_uuid_offsets", "_uuid_text", "_live",
                 "_base_count", "versions", "int_keys", "is_uuid")

    def __init__(self) -> None:
        self._offsets: dict[PointId, int] = {}
        """Live ids of the offsets allocated after the base (all of them without a base)."""
        self._tail: list[PointId] = []
        """External id of each offset from `_base` on."""
        self._base = 0
        self._keys = np.zeros(0, dtype=np.uint64)
        """Integer ids of the base's live offsets, sorted; `_key_offsets` are their offsets."""
        self._key_offsets = np.zeros(0, dtype=np.int64)
        self._uuid_offsets: dict[str, int] = {}
        self._uuid_text: dict[int, str] = {}
        """Canonical text of every UUID offset of the base."""
        self._live = np.zeros(0, dtype=bool)
        """Base offsets that can still be looked up (`remove` clears them)."""
        self._base_count = 0
        self.versions = np.zeros(64, dtype=np.uint64)
        # Scroll orders by id (integers before UUIDs): integer ids as a numpy column so a page is
        # picked with argpartition instead of a Python sort key per point.
        self.int_keys = np.zeros(64, dtype=np.uint64)
        self.is_uuid = np.zeros(64, dtype=bool)

    def __len__(self) -> int:
        return self._base_count + len(self._offsets)

    @property
    def size(self) -> int:
        """Offsets ever allocated (including removed ones)."""
        return self._base + len(self._tail)

    def offset_of(self, pid: PointId) -> int | None:
        offset = self._offsets.get(pid)
        if offset is None and self._base_count:
            return self._base_offset(pid)
        return offset

    def _base_offset(self, pid: PointId) -> int | None:
        if isinstance(pid, str):
            offset = self._uuid_offsets.get(pid)
        else:
            keys = self._keys
            # a uint64 needle: a Python int would make numpy convert the whole array to compare
            i = int(keys.searchsorted(np.uint64(pid), side="right")) - 1  # the last offset of a repeated id wins
            if i < 0 or int(keys[i]) != pid:
                return None
            offset = int(self._key_offsets[i])
        return offset if offset is not None and self._live[offset] else None

    def point_id(self, offset: int) -> PointId:
        """The external id of `offset` (removed offsets keep theirs)."""
        if offset >= self._base:
            return self._tail[offset - self._base]
        if self.is_uuid[offset]:
            return self._uuid_text[offset]
        return int(self.int_keys[offset])

    def point_ids(self, offsets: list[int]) -> list[PointId]:
        if not self._base and not self._uuid_text:
            tail = self._tail
            return [tail[o] for o in offsets]
        if not self._uuid_text and offsets and max(offsets) < self._base:
            out: list[PointId] = self.int_keys[offsets].tolist()  # a loaded base of integer ids: one gather
            return out
        return [self.point_id(o) for o in offsets]

    def offsets_of(self, pids: list[PointId]) -> np.ndarray:
        """`offset_of` of many ids at once (-1 for those not live here): one vectorised search of
        the base instead of a lookup per id."""
        out = np.full(len(pids), -1, dtype=np.int64)
        ints: list[int] = []
        where: list[int] = []
        for i, pid in enumerate(pids):
            offset = self._offsets.get(pid)
            if offset is not None:
                out[i] = offset
            elif not self._base_count:
                continue
            elif isinstance(pid, str):
                found = self._base_offset(pid)
                if found is not None:
                    out[i] = found
            else:
                ints.append(pid)
                where.append(i)
        if ints and self._keys.size:
            wanted = np.asarray(ints, dtype=np.uint64)
            keys = self._keys
            at = keys.searchsorted(wanted, side="right") - 1
            hit = at >= 0
            hit[hit] = keys[at[hit]] == wanted[hit]
            offsets = self._key_offsets[at[hit]]
            live = self._live[offsets]
            out[np.asarray(where, dtype=np.int64)[hit][live]] = offsets[live]
        return out

    def any_known(self, pids: Iterable[PointId]) -> bool:
        """Whether any of `pids` is live here (an ingest batch asks this of every segment)."""
        return bool((self.offsets_of(list(pids)) >= 0).any())

    def _grow_to(self, end: int) -> None:
        while end > self.versions.shape[0]:
            self.versions = _grown(self.versions)
            self.int_keys = _grown(self.int_keys)
            self.is_uuid = _grown(self.is_uuid)

    def allocate(self, pid: PointId) -> int:
        offset = self.size
        self._tail.append(pid)
        self._offsets[pid] = offset
        self._grow_to(offset + 1)
        if isinstance(pid, int):
            self.int_keys[offset] = pid
            self.is_uuid[offset] = False
        else:
            self.is_uuid[offset] = True
        return offset

    def allocate_many(self, pids: list[PointId]) -> int:
        """Allocate consecutive offsets for new, distinct ids; returns the first."""
        start = self.size
        end = start + len(pids)
        self._tail.extend(pids)
        self._offsets.update(zip(pids, range(start, end), strict=True))
        self._grow_to(end)
        is_uuid = np.fromiter((isinstance(p, str) for p in pids), dtype=bool, count=len(pids))
        self.is_uuid[start:end] = is_uuid
        if not is_uuid.all():
            keys = np.zeros(len(pids), dtype=np.uint64)
            keys[~is_uuid] = np.fromiter((p for p in pids if not isinstance(p, str)), dtype=np.uint64)
            self.int_keys[start:end] = keys
        return start

    def remove(self, pid: PointId) -> int | None:
        offset = self._offsets.pop(pid, None)
        if offset is None and self._base_count:
            offset = self._base_offset(pid)
            if offset is not None:
                self._live[offset] = False
                self._base_count -= 1
        return offset

    def arrays(self, offsets: np.ndarray | None = None) -> IdArrays:
        """Stored form of the ids at `offsets` (all allocated offsets when None)."""
        size = self.size
        picked = np.arange(size) if offsets is None else offsets
        uuids = np.zeros((picked.shape[0], 16), dtype=np.uint8)
        is_uuid = self.is_uuid[:size][picked]
        if is_uuid.any():
            wanted = picked[is_uuid].tolist()
            raw = b"".join(bytes.fromhex(str(self.point_id(o)).replace("-", "")) for o in wanted)
            uuids[is_uuid] = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 16)
        return IdArrays(int_keys=self.int_keys[:size][picked].copy(), is_uuid=is_uuid.copy(), uuids=uuids)

    @classmethod
    def from_arrays(cls, ids: IdArrays, versions: np.ndarray, alive: np.ndarray) -> IdTracker:
        """A tracker over offsets 0..n-1 with these ids; only `alive` offsets can be looked up."""
        tracker = cls()
        n = int(ids.is_uuid.shape[0])
        live = np.asarray(alive[:n], dtype=bool).copy()
        is_uuid = np.asarray(ids.is_uuid, dtype=bool)
        tracker._base = n
        tracker._live = live
        tracker._base_count = int(live.sum())
        ints = np.flatnonzero(live & ~is_uuid)
        keys = np.asarray(ids.int_keys, dtype=np.uint64)[ints]
        order = np.argsort(keys, kind="stable")  # repeated ids stay in offset order
        tracker._keys = keys[order]
        tracker._key_offsets = ints[order]
        uuid_offsets = np.flatnonzero(is_uuid)
        if uuid_offsets.size:
            picked = IdArrays(int_keys=np.zeros(uuid_offsets.size, dtype=np.uint64),
                              is_uuid=np.ones(uuid_offsets.size, dtype=bool), uuids=ids.uuids[uuid_offsets])
            texts = picked.to_ids()
            tracker._uuid_text = dict(zip(uuid_offsets.tolist(), map(str, texts), strict=True))
            tracker._uuid_offsets = {t: o for o, t in tracker._uuid_text.items() if live[o]}
        capacity = max(n, 64)
        tracker.versions = np.zeros(capacity, dtype=np.uint64)
        tracker.versions[:n] = versions[:n]
        tracker.int_keys = np.zeros(capacity, dtype=np.uint64)
        tracker.int_keys[:n] = ids.int_keys
        tracker.is_uuid = np.zeros(capacity, dtype=bool)
        tracker.is_uuid[:n] = is_uuid
        return tracker

    def offsets_for(self, ids: Iterable[PointId]) -> np.ndarray:
        found = self.offsets_of(list(ids))
        return found[found >= 0]


def _grown(array: np.ndarray) -> np.ndarray:
    out = np.zeros(array.shape[0] * 2, dtype=array.dtype)
    out[: array.shape[0]] = array
    return out
