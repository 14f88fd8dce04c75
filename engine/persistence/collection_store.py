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

The WAL is the durable form of a segment without a base (the appendable one, and one being
indexed) until its base is written: a periodic flush does not write records of such a segment
(it is *held*); it commits everything else (sealed segments' deltas, optimizer results) and the
manifest's `op_num` stays at the last operation before the oldest held change, so the WAL is
truncated only up to there and a restart replays it from there. A listed segment may then hold
state newer than `op_num`: replay still converges, because every operation after `op_num` is
replayed in order and per-point versions skip what a segment already has. A held segment is
written as records when the WAL since the manifest outgrows a bound (`HOLD_MAX_WAL_BYTES` for a
segment the optimizer is about to index, `HOLD_APPENDABLE_WAL_BYTES` otherwise) and by every
non-periodic flush (shutdown, snapshots).

A segment without a base whose delta log has grown to several times its live points is written
afresh into a new directory by the next flush that writes it (one record of its current points);
the old directory goes once the manifest names the new one.

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
    """The committed state is that of this operation: points with a higher version changed since
    (for a held segment: the oldest operation the WAL must keep for it)."""
    alive: np.ndarray
    """Liveness of offsets 0..size-1 as of the last commit."""
    log: DeltaLog | None = None


@dataclass(slots=True)
class _Entry:
    tracked: _Tracked
    image: PointsImage | None
    alive: np.ndarray
    sealed: bool
    held: bool = False
    """Changed, but left to the WAL: not written, its tracking does not advance."""


@dataclass(slots=True)
class FlushCut:
    """A consistent cut of a collection, taken under its lock, written by `CollectionStore.commit`."""

    op_num: int
    """The state cut: every operation up to here is applied."""
    entries: list[_Entry]
    schema: dict[str, PayloadSchema]
    replay_from: int
    """The manifest's `op_num`: the WAL after it is kept (below `op_num` while a segment is held)."""


class CollectionStore:
    def __init__(self, directory: Path, config: CollectionConfig, fsync: FsyncPolicy) -> None:
        self.dir = directory
        self.fsync = fsync
        self.wal_capacity = config.wal_config.wal_capacity_mb * MIB
        self.wal = Wal(directory / "wal", capacity_bytes=self.wal_capacity, fsync=fsync, start_seq=1)
        self.op_num = 0
        """Operation number of the newest manifest."""
        self._tracked: dict[int, _Tracked] = {}
        self._listed: list[tuple[str, int, bool]] = []
        """(directory, committed delta bytes, sealed) of each segment the newest manifest names."""
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

        `hold` (periodic flushes): a changed segment without a base is left to the WAL (held, see
        the module docstring) while the WAL since the manifest is within the bound; `hold(seg)`
        True means the optimizer is about to index it (the larger bound). A bulk ingest then
        writes each point once besides the WAL: in its sealed base. None (shutdown, snapshots):
        everything is written."""
        entries: list[_Entry] = []
        structural = schema != self._schema  # and below: a new base, a rewrite, another list of segments
        with self._mutex:
            pending = dict(self._pending)
        for seg in segments:
            tracked = pending.get(id(seg)) or self._tracked.get(id(seg))
            if tracked is None:  # new since the last commit: nothing of it is committed
                tracked = _Tracked(seg=seg, name=uuid.uuid4().hex, based=False, threshold=self.op_num,
                                   alive=np.zeros(0, dtype=bool))
            offsets = _changed(seg, tracked)
            if offsets.size and not tracked.based and hold is not None and self._may_hold(hold(seg)):
                entries.append(_Entry(tracked=tracked, image=None, alive=tracked.alive, sealed=seg.sealed, held=True))
                continue
            if id(seg) in pending:
                structural = True
            elif _worth_rewriting(tracked):
                # A segment kept only as records accumulates every version of its points: start a
                # fresh directory holding just the current ones (the old one goes at the commit).
                tracked = _Tracked(seg=seg, name=uuid.uuid4().hex, based=False, threshold=self.op_num,
                                   alive=np.zeros(0, dtype=bool))
                offsets = _changed(seg, tracked)
                structural = True
            image = capture_points(seg, offsets, with_vectors=not tracked.based) if offsets.size else None
            entries.append(_Entry(tracked=tracked, image=image, alive=seg.alive[: seg.size].copy(), sealed=seg.sealed))
        replay_from = min([op_num, *(e.tracked.threshold for e in entries if e.held)])
        listed = [(e.tracked.name, e.sealed) for e in entries if _listed(e)]
        if (replay_from <= self.op_num and not structural and all(e.image is None for e in entries)
                and listed == [(name, sealed) for name, _, sealed in self._listed]):
            return None
        return FlushCut(op_num=max(op_num, self.op_num), entries=entries, schema=dict(schema), replay_from=replay_from)

    def commit(self, cut: FlushCut) -> None:
        """Make `cut` durable (call without the collection lock, under the flush lock)."""
        rollback: list[tuple[DeltaLog, int, int]] = []
        try:
            for entry in cut.entries:
                tracked = entry.tracked
                if entry.held:
                    continue
                if tracked.log is None:
                    directory = self.dir / SEGMENTS / tracked.name
                    directory.mkdir(parents=True, exist_ok=True)
                    tracked.log = DeltaLog(directory / DELTAS_FILE, 0, fsync=self.fsync != "never")
                if entry.image is not None:
                    rollback.append((tracked.log, tracked.log.length, tracked.log.count))
                    tracked.log.append(encode_points(entry.image))
            test_hooks.pause("flush")
            listed = [e for e in cut.entries if _listed(e)]
            manifest = {
                "format": 1, "op_num": cut.replay_from,
                "segments": [{"dir": e.tracked.name, "deltas": e.tracked.log.length if e.tracked.log else 0,
                              "sealed": e.sealed} for e in listed],
                "payload_schema": encode_document(cut.schema),
            }
            atomic_write_bytes(self.dir / MANIFEST, json.dumps(manifest, indent=1).encode())  # the commit point
        except BaseException:
            for delta_log, length, count in rollback:
                delta_log.rollback(length, count)
            raise
        for entry in cut.entries:
            if not entry.held:
                entry.tracked.threshold = cut.op_num
                entry.tracked.alive = entry.alive
        self._tracked = {id(e.tracked.seg): e.tracked for e in cut.entries}
        self._listed = [(e.tracked.name, e.tracked.log.length if e.tracked.log else 0, e.sealed) for e in listed]
        self._schema = cut.schema
        self.op_num = cut.replay_from
        with self._mutex:
            for key, tracked in list(self._pending.items()):
                if self._tracked.get(key) is tracked:
                    del self._pending[key]
                    self._reserved.discard(tracked.name)
        self.wal.truncate_before(cut.replay_from + 1)
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
        self._listed = [(entry["dir"], int(entry["deltas"]), bool(entry["sealed"])) for entry in manifest["segments"]]
        self._schema = schema
        self.op_num = op_num
        self._remove_unlisted()
        return op_num, segments, schema

    def _may_hold(self, awaiting_index: bool) -> bool:
        """Whether the WAL since the manifest is small enough to keep holding a segment."""
        bound = HOLD_MAX_WAL_BYTES if awaiting_index else HOLD_APPENDABLE_WAL_BYTES
        return self.wal.segment_count * self.wal_capacity <= bound

    def listed(self) -> list[tuple[str, int]]:
        """(directory name, committed delta bytes) of each segment in the manifest (for snapshots)."""
        return [(name, length) for name, length, _ in self._listed]

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
            keep = {name for name, _, _ in self._listed} | self._reserved
        for child in root.iterdir():
            if child.name not in keep:
                shutil.rmtree(child, ignore_errors=True)


REWRITE_MIN_BYTES = 8 * MIB
HOLD_MAX_WAL_BYTES = 512 * MIB
"""A segment the optimizer is about to index is written as records once the WAL since the manifest is
this large (bounds replay after a crash; an ingest streams up to `max_segment_size` into it)."""
HOLD_APPENDABLE_WAL_BYTES = 64 * MIB
"""The same bound for any other segment without a base (below the indexing threshold, or a collection
that does not index): its WAL is replayed after a crash, so it is kept short."""


def _changed(seg: Segment, tracked: _Tracked) -> np.ndarray:
    """Offsets whose version is newer than the committed state, whose liveness changed, or that are new."""
    size = seg.size
    before = np.zeros(size, dtype=bool)
    known = min(size, tracked.alive.shape[0])
    before[:known] = tracked.alive[:known]
    changed = (seg.ids.versions[:size] > tracked.threshold) | (seg.alive[:size] != before)
    changed[known:] = True
    return np.flatnonzero(changed)


def _listed(entry: _Entry) -> bool:
    """A held segment is named by the manifest only with what it has committed (records may
    exist from a flush before it was held); one that never committed anything is only in the WAL."""
    return not entry.held or entry.tracked.log is not None


def _worth_rewriting(tracked: _Tracked) -> bool:
    """A records-only segment whose log is several times the size of its live points."""
    if tracked.based or tracked.log is None or tracked.log.length < REWRITE_MIN_BYTES:
        return False
    seg = tracked.seg
    per_point = 64 + sum(c.row_bytes for c in seg.dense.values())  # ids, version, flags, payload
    return tracked.log.length > 4 * max(1, len(seg)) * per_point


def save_config(directory: Path, config: CollectionConfig) -> None:
    atomic_write_bytes(directory / "config.json", json.dumps(encode_document(config), indent=1).encode())


def load_config(directory: Path) -> CollectionConfig:
    config = decode_document(json.loads(read_bytes(directory / "config.json")))
    if not isinstance(config, CollectionConfig):
        raise FormatError("config.json does not hold a collection config")
    return config
