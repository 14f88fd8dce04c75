"""One collection's directory and its flush: what changed since the last flush, nothing more.

    <dir>/config.json           collection config, a versioned document (atomic writes)
    <dir>/manifest.json         the commit point: {"format", "op_num", "segments": [{"dir",
                                "deltas", "sealed"}], "payload_schema"} (atomic writes)
    <dir>/wal/                  operations after `op_num`
    <dir>/segments/<hex>/       one segment: a sealed base written once + deltas.log
                                (engine/persistence/segment_files.py)

Consistency: every manifest describes one cut of the whole collection at `op_num` — each listed
segment's base plus its delta log up to the listed length. A flush takes that cut under the
collection lock (only the points changed since the previous cut are copied), then, without the
lock: appends one record per changed segment to its delta log (fsync), writes the manifest, and
only then truncates the WAL and deletes directories no longer listed. A crash anywhere before the
manifest rename leaves the previous manifest, whose delta lengths cut off whatever was appended
since; the WAL still holds every operation after its `op_num`. Replay is idempotent (per-point
versions).

A segment without a base (the appendable one) whose delta log has grown to several times its
live points is written afresh into a new directory by the next flush (one record of its current
points); the old directory goes once the manifest names the new one.

Optimizer results: `write_segment` writes a sealed segment's base (outside the collection lock,
before the swap); the next flush — the optimizer calls `Collection.flush()` right after its swap —
lists it in the manifest instead of the segments it replaced. A restart after that flush finds the
optimized segments; a crash before it finds the old ones (the unlisted directory is removed).
"""

from __future__ import annotations

import json
import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.persistence import test_hooks
from engine.persistence.codec import FormatError, decode, decode_document, encode, encode_document
from engine.persistence.points_image import PointsImage, capture_points, encode_points
from engine.persistence.segment_files import DELTAS_FILE, load_segment, write_base
from engine.segment import Segment
from engine.types.config import CollectionConfig
from engine.types.operations import Operation
from engine.types.payload_schema import PayloadSchema
from storage.atomic import atomic_write_bytes, fsync_dir, read_bytes
from storage.delta_log import DeltaLog
from storage.wal import FsyncPolicy, Wal

log = logging.getLogger("quiver.persistence")
MIB = 1024 * 1024
MANIFEST = "manifest.json"
SEGMENTS = "segments"


@dataclass(slots=True)
class _Tracked:
    """Where one segment lives on disk and what of it is committed."""

    seg: Segment
    name: str
    based: bool
    """True when the segment has a sealed base; else it is persisted as records with vectors."""
    threshold: int
    """Points with a higher version changed since the last commit."""
    alive: np.ndarray
    """Liveness of offsets 0..size-1 as of the last commit."""
    log: DeltaLog | None = None


@dataclass(slots=True)
class _Entry:
    tracked: _Tracked
    image: PointsImage | None
    alive: np.ndarray
    sealed: bool


@dataclass(slots=True)
class FlushCut:
    """A consistent cut of a collection, taken under its lock, written by `CollectionStore.commit`."""

    op_num: int
    entries: list[_Entry]
    schema: dict[str, PayloadSchema]


class CollectionStore:
    def __init__(self, directory: Path, config: CollectionConfig, fsync: FsyncPolicy) -> None:
        self.dir = directory
        self.fsync = fsync
        self.wal_capacity = config.wal_config.wal_capacity_mb * MIB
        self.wal = Wal(directory / "wal", capacity_bytes=self.wal_capacity, fsync=fsync, start_seq=1)
        self.op_num = 0
        """Operation number of the newest manifest."""
        self._tracked: dict[int, _Tracked] = {}
        self._listed: list[str] = []
        self._schema: dict[str, PayloadSchema] = {}
        self._pending: dict[int, _Tracked] = {}
        self._reserved: set[str] = set()
        self._mutex = threading.Lock()  # guards _pending/_reserved (the optimizer adds without flush_lock)

    @classmethod
    def create(cls, directory: Path, config: CollectionConfig, fsync: FsyncPolicy) -> CollectionStore:
        if directory.exists():
            shutil.rmtree(directory)  # leftovers of a collection deleted while we were down
        directory.mkdir(parents=True)
        save_config(directory, config)
        fsync_dir(directory.parent)
        return cls(directory, config, fsync)

    # ---- the WAL -------------------------------------------------------------------------------
    def append(self, op: Operation, sync: bool = True) -> int:
        return self.wal.append(encode(op), sync=sync)

    def sync(self, op_num: int) -> None:
        """Make operation `op_num` durable per the fsync policy (group commit)."""
        self.wal.sync(op_num)

    def replay(self, after: int) -> Iterator[tuple[int, Operation]]:
        for seq, data in self.wal.read_from(after + 1):
            yield seq, decode(data)

    # ---- segments written once -------------------------------------------------------------------
    def write_segment(self, seg: Segment, lock: threading.RLock | None = None) -> None:
        """Write sealed `seg`'s base now (vectors, ids, versions, payloads, graphs); it becomes the
        segment's durable form at the next flush. `lock`: the collection lock when `seg` is already
        visible to writers (see `segment_files.write_base`); call without holding it."""
        name = uuid.uuid4().hex
        with self._mutex:
            self._reserved.add(name)
        try:
            base = write_base(seg, self.dir / SEGMENTS / name, lock)
        except BaseException:
            with self._mutex:
                self._reserved.discard(name)
            shutil.rmtree(self.dir / SEGMENTS / name, ignore_errors=True)
            raise
        tracked = _Tracked(seg=seg, name=name, based=True, threshold=base.max_version, alive=base.alive)
        with self._mutex:
            old = self._pending.pop(id(seg), None)
            self._pending[id(seg)] = tracked
        if old is not None:
            self._forget(old.name)
        test_hooks.pause("segment_written")

    # ---- flush -----------------------------------------------------------------------------------
    def cut(self, segments: list[Segment], op_num: int, schema: dict[str, PayloadSchema],
            hold: Callable[[Segment], bool] | None = None) -> FlushCut | None:
        """What the next commit writes; None when nothing changed. Call under the collection lock
        (and the flush lock, which serialises cuts and commits).

        `hold` (periodic flushes): a segment without a base for which it is True (about to get one:
        the optimizer is indexing it) is not written as records; while such a segment has unwritten
        changes the whole cut waits (None) and the WAL keeps every operation since the manifest, up
        to `HOLD_MAX_WAL_BYTES`. A bulk ingest then writes each point once besides the WAL: in its
        sealed base."""
        entries: list[_Entry] = []
        structural = [s for s in segments] != [t.seg for t in self._tracked.values()] or schema != self._schema
        with self._mutex:
            pending = dict(self._pending)
        for seg in segments:
            tracked = pending.get(id(seg)) or self._tracked.get(id(seg))
            if tracked is None:
                tracked = _Tracked(seg=seg, name=uuid.uuid4().hex, based=False, threshold=0,
                                   alive=np.zeros(0, dtype=bool))
            if id(seg) in pending:
                structural = True
            elif _worth_rewriting(tracked):
                # A segment kept only as records accumulates every version of its points: start a
                # fresh directory holding just the current ones (the old one goes at the commit).
                tracked = _Tracked(seg=seg, name=uuid.uuid4().hex, based=False, threshold=0,
                                   alive=np.zeros(0, dtype=bool))
                structural = True
            size = seg.size
            alive = seg.alive[:size].copy()
            before = np.zeros(size, dtype=bool)
            known = min(size, tracked.alive.shape[0])
            before[:known] = tracked.alive[:known]
            changed = (seg.ids.versions[:size] > tracked.threshold) | (alive != before)
            changed[known:] = True
            offsets = np.flatnonzero(changed)
            if offsets.size and not tracked.based and hold is not None and hold(seg) and self._may_hold():
                return None
            image = capture_points(seg, offsets, with_vectors=not tracked.based) if offsets.size else None
            entries.append(_Entry(tracked=tracked, image=image, alive=alive, sealed=seg.sealed))
        sealed_flags = [e.sealed for e in entries] != [t.seg.sealed for t in self._tracked.values()]
        if op_num <= self.op_num and not structural and not sealed_flags and all(e.image is None for e in entries):
            return None
        return FlushCut(op_num=max(op_num, self.op_num), entries=entries, schema=dict(schema))

    def commit(self, cut: FlushCut) -> None:
        """Make `cut` durable (call without the collection lock, under the flush lock)."""
        rollback: list[tuple[DeltaLog, int, int]] = []
        try:
            for entry in cut.entries:
                tracked = entry.tracked
                if tracked.log is None:
                    directory = self.dir / SEGMENTS / tracked.name
                    directory.mkdir(parents=True, exist_ok=True)
                    tracked.log = DeltaLog(directory / DELTAS_FILE, 0, fsync=self.fsync != "never")
                if entry.image is not None:
                    rollback.append((tracked.log, tracked.log.length, tracked.log.count))
                    tracked.log.append(encode_points(entry.image))
            test_hooks.pause("flush")
            manifest = {
                "format": 1, "op_num": cut.op_num,
                "segments": [{"dir": e.tracked.name, "deltas": e.tracked.log.length if e.tracked.log else 0,
                              "sealed": e.sealed} for e in cut.entries],
                "payload_schema": encode_document(cut.schema),
            }
            atomic_write_bytes(self.dir / MANIFEST, json.dumps(manifest, indent=1).encode())  # the commit point
        except BaseException:
            for delta_log, length, count in rollback:
                delta_log.rollback(length, count)
            raise
        for entry in cut.entries:
            entry.tracked.threshold = cut.op_num
            entry.tracked.alive = entry.alive
        self._tracked = {id(e.tracked.seg): e.tracked for e in cut.entries}
        self._listed = [e.tracked.name for e in cut.entries]
        self._schema = cut.schema
        self.op_num = cut.op_num
        with self._mutex:
            for key, tracked in list(self._pending.items()):
                if self._tracked.get(key) is tracked:
                    del self._pending[key]
                    self._reserved.discard(tracked.name)
        self.wal.truncate_before(cut.op_num + 1)
        self._remove_unlisted()

    # ---- load ----------------------------------------------------------------------------------
    def load(self, config: CollectionConfig) -> tuple[int, list[Segment], dict[str, PayloadSchema]] | None:
        """Segments and payload schema of the newest manifest (None for a collection never flushed)."""
        path = self.dir / MANIFEST
        if not path.exists():
            self._remove_unlisted()
            return None
        manifest = json.loads(read_bytes(path))
        if manifest.get("format") != 1:
            raise FormatError(f"manifest format {manifest.get('format')!r} is not 1")
        schema: dict[str, PayloadSchema] = decode_document(manifest["payload_schema"])
        op_num = int(manifest["op_num"])
        segments = []
        for entry in manifest["segments"]:
            directory = self.dir / SEGMENTS / entry["dir"]
            committed = int(entry["deltas"])
            delta_log = DeltaLog(directory / DELTAS_FILE, committed, fsync=self.fsync != "never") if committed else None
            records = delta_log.records if delta_log is not None else []
            seg, base = load_segment(directory, records, bool(entry["sealed"]), config, schema)
            self._tracked[id(seg)] = _Tracked(seg=seg, name=entry["dir"], based=base is not None, threshold=op_num,
                                              alive=seg.alive[: seg.size].copy(), log=delta_log)
            segments.append(seg)
        self._listed = [entry["dir"] for entry in manifest["segments"]]
        self._schema = schema
        self.op_num = op_num
        self._remove_unlisted()
        return op_num, segments, schema

    def _may_hold(self) -> bool:
        return self.wal.segment_count * self.wal_capacity <= HOLD_MAX_WAL_BYTES

    def listed(self) -> list[tuple[str, int]]:
        """(directory name, committed delta bytes) of each segment in the manifest (for snapshots)."""
        return [(t.name, t.log.length if t.log else 0) for t in self._tracked.values()]

    def close(self) -> None:
        self.wal.close()

    def _forget(self, name: str) -> None:
        with self._mutex:
            self._reserved.discard(name)
        shutil.rmtree(self.dir / SEGMENTS / name, ignore_errors=True)

    def _remove_unlisted(self) -> None:
        """Directories of segments replaced by an optimizer swap, or written by a build that never
        got committed (a crash before the manifest named them)."""
        root = self.dir / SEGMENTS
        if not root.exists():
            return
        with self._mutex:
            keep = set(self._listed) | self._reserved
        for child in root.iterdir():
            if child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


REWRITE_MIN_BYTES = 8 * MIB
HOLD_MAX_WAL_BYTES = 512 * MIB
"""A held flush goes ahead once the WAL since the manifest is this large (bounds replay after a crash)."""


def _worth_rewriting(tracked: _Tracked) -> bool:
    """A records-only segment whose log is several times the size of its live points."""
    if tracked.based or tracked.log is None or tracked.log.length < REWRITE_MIN_BYTES:
        return False
    seg = tracked.seg
    per_point = 64 + sum(c.dim * c.item_bytes for c in seg.dense.values())  # ids, version, flags, payload
    return tracked.log.length > 4 * max(1, len(seg)) * per_point


def save_config(directory: Path, config: CollectionConfig) -> None:
    atomic_write_bytes(directory / "config.json", json.dumps(encode_document(config), indent=1).encode())


def load_config(directory: Path) -> CollectionConfig:
    config = decode_document(json.loads(read_bytes(directory / "config.json")))
    if not isinstance(config, CollectionConfig):
        raise FormatError("config.json does not hold a collection config")
    return config
