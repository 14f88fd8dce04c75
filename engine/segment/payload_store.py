"""A segment's payloads by offset, compact where a base holds them.

A segment loaded from a sealed base does not keep one Python dict per point: its payloads stay
the msgpack bytes of the base's `payloads.msgpack` (memory-mapped, so they are page cache, not
heap) and an array of where each one starts; a read decodes the one it asks for (a fresh dict the
caller may keep or change). Payloads written after the load (deltas replayed, set_payload,
deletes) are kept as Python values in `_changed`; offsets appended after the base (an appendable
segment, or a store that never had a base) in a plain list.

The sequence protocol (`len`, `[i]`, `[a:b]`, iteration, `[i] = p`, `append`, `extend`) is all a
segment, its payload indexes and the filters use; every reader gets `None` for "no payload".
"""

from __future__ import annotations

import mmap
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import overload

import msgpack
import numpy as np

from engine.types.points import Payload

_RUN = 4096
"""Most offsets decoded together by `PayloadStore.many`."""
_GAP = 8
"""A run ends where the next offset is further than this: at most 8 payloads decoded per one asked."""


class PayloadStore(Sequence[Payload | None]):
    __slots__ = ("_blob", "_view", "_starts", "_at", "_base", "_changed", "_tail")

    def __init__(self, payloads: Iterable[Payload | None] = ()) -> None:
        self._blob: bytes | mmap.mmap = b""
        self._view = memoryview(b"")
        """`_blob` without copies: slices of it are what a read decodes."""
        self._starts = np.zeros(1, dtype=np.int64)
        self._at = self._starts.data
        """`_starts` as a memoryview: indexing it gives Python ints without numpy scalars."""
        self._base = 0
        self._changed: dict[int, Payload | None] = {}
        self._tail: list[Payload | None] = list(payloads)

    @classmethod
    def packed(cls, blob: bytes | mmap.mmap, starts: np.ndarray) -> PayloadStore:
        """Payload i is the msgpack value `blob[starts[i]:starts[i + 1]]` (nil or a map)."""
        store = cls()
        store._blob = blob
        store._view = memoryview(blob)
        store._starts = np.ascontiguousarray(starts, dtype=np.int64)
        store._at = store._starts.data
        store._base = int(store._starts.shape[0]) - 1
        return store

    @property
    def packed_count(self) -> int:
        """Offsets still read from the packed bytes (not rewritten since the load)."""
        return self._base - len(self._changed)

    def __len__(self) -> int:
        return self._base + len(self._tail)

    @overload
    def __getitem__(self, index: int) -> Payload | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[Payload | None]: ...

    def __getitem__(self, index: int | slice) -> Payload | None | list[Payload | None]:
        if isinstance(index, slice):
            return [self._get(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        return self._get(index)

    def _get(self, offset: int) -> Payload | None:
        base = self._base
        if offset >= base:
            return self._tail[offset - base]
        if offset < 0:
            raise IndexError(offset)
        changed = self._changed
        if changed and offset in changed:
            return changed[offset]
        at = self._at
        payload = msgpack.unpackb(self._view[at[offset]: at[offset + 1]], raw=False, strict_map_key=False)
        return payload if payload else None

    def many(self, offsets: Iterable[int]) -> Iterator[Payload | None]:
        """The payloads of `offsets` (ascending, as a scan or an index build asks for them) in their
        order: runs of the packed base are decoded in one streaming pass each instead of one
        call per point."""
        base, changed, at, view = self._base, self._changed, self._at, self._view
        pending: list[int] = []

        def flush() -> Iterator[Payload | None]:
            first, last = pending[0], pending[-1]
            unpacker = msgpack.Unpacker(raw=False, strict_map_key=False, max_buffer_size=max(at[last + 1] - at[first], 1))
            unpacker.feed(view[at[first]: at[last + 1]])
            decoded = list(unpacker)  # consecutive elements: decoded in C
            for o in pending:
                payload = changed[o] if changed and o in changed else decoded[o - first]
                yield payload if payload else None
            pending.clear()

        for offset in offsets:
            if offset >= base or offset < 0:
                if pending:
                    yield from flush()
                yield self._get(offset)
                continue
            if pending and (offset <= pending[-1] or offset - pending[-1] > _GAP or len(pending) >= _RUN):
                yield from flush()
            pending.append(offset)
        if pending:
            yield from flush()

    def __iter__(self) -> Iterator[Payload | None]:
        for offset in range(len(self)):
            yield self._get(offset)

    def __setitem__(self, offset: int, payload: Payload | None) -> None:
        if offset < 0:
            offset += len(self)
        if offset >= self._base:
            self._tail[offset - self._base] = payload
        elif offset < 0:
            raise IndexError(offset)
        else:
            self._changed[offset] = payload

    def append(self, payload: Payload | None) -> None:
        self._tail.append(payload)

    def extend(self, payloads: Iterable[Payload | None]) -> None:
        self._tail.extend(payloads)


def pack_payloads(payloads: Sequence[Payload | None]) -> tuple[bytes, np.ndarray]:
    """The bytes of `payloads.msgpack` (one msgpack array of the payloads) and where each element
    starts in them (n + 1 positions, the last one is the end)."""
    packer = msgpack.Packer(use_bin_type=True)
    parts = [packer.pack(p if p else None) for p in payloads]
    header = packer.pack_array_header(len(parts))
    lengths = np.fromiter((len(p) for p in parts), dtype=np.int64, count=len(parts))
    starts = np.empty(len(parts) + 1, dtype=np.int64)
    starts[0] = len(header)
    np.cumsum(lengths, out=starts[1:])
    starts[1:] += len(header)
    return header + b"".join(parts), starts


def element_starts(blob: bytes | mmap.mmap) -> np.ndarray:
    """Where each element of the msgpack array `blob` starts (n + 1 positions): for a base written
    before the positions were stored with it (segment format 2). One skip per element."""
    unpacker = msgpack.Unpacker(raw=False, max_buffer_size=max(len(blob), 1))
    unpacker.feed(blob)
    n = unpacker.read_array_header()
    starts = np.empty(n + 1, dtype=np.int64)
    starts[0] = unpacker.tell()
    for i in range(n):
        unpacker.skip()
        starts[i + 1] = unpacker.tell()
    return starts


def map_file(path: Path) -> bytes | mmap.mmap:
    """The file's bytes as a read-only map (b"" for an empty file, which cannot be mapped)."""
    with path.open("rb") as f:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
