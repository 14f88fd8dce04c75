"""One collection's directory: config.json, the WAL, and flushed snapshots of its segments.

    <dir>/config.json             collection config (atomic writes)
    <dir>/wal/                    operations not yet covered by a flushed snapshot
    <dir>/snapshots/<op>/         segments as of operation <op>, plus state.msgpack
    <dir>/CURRENT                 name of the newest complete snapshot (atomic write = commit point)

A snapshot directory is written completely and fsynced before CURRENT names it, so a crash during
a flush leaves the previous snapshot and a WAL that still covers everything after it.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import msgpack

from engine.persistence.codec import decode, encode, from_plain, to_plain
from engine.persistence.segment_files import SegmentImage, read_segment, write_segment
from engine.segment import Segment
from engine.types.config import CollectionConfig
from engine.types.operations import Operation
from engine.types.payload_schema import PayloadSchema
from storage.atomic import atomic_write_bytes, fsync_dir, read_bytes
from storage.wal import FsyncPolicy, Wal

log = logging.getLogger("quiver.persistence")
MIB = 1024 * 1024


class CollectionStore:
    def __init__(self, directory: Path, config: CollectionConfig, fsync: FsyncPolicy) -> None:
        self.dir = directory
        self.wal = Wal(directory / "wal", capacity_bytes=config.wal_config.wal_capacity_mb * MIB, fsync=fsync,
                       start_seq=1)

    @classmethod
    def create(cls, directory: Path, config: CollectionConfig, fsync: FsyncPolicy) -> CollectionStore:
        if directory.exists():
            shutil.rmtree(directory)  # leftovers of a collection deleted while we were down
        directory.mkdir(parents=True)
        save_config(directory, config)
        fsync_dir(directory.parent)
        return cls(directory, config, fsync)

    def append(self, op: Operation) -> int:
        return self.wal.append(encode(op))

    def replay(self, after: int) -> Iterator[tuple[int, Operation]]:
        for seq, data in self.wal.read_from(after + 1):
            yield seq, decode(data)

    def write_snapshot(self, op_num: int, images: list[SegmentImage], schema: dict[str, PayloadSchema]) -> None:
        root = self.dir / "snapshots"
        target = root / f"{op_num:020d}"
        if target.exists():
            shutil.rmtree(target)
        for i, image in enumerate(images):
            write_segment(image, target / f"segment-{i}")
        state = {"op_num": op_num, "segments": len(images), "payload_schema": to_plain(schema)}
        atomic_write_bytes(target / "state.msgpack", msgpack.packb(state, use_bin_type=True))
        fsync_dir(root)
        atomic_write_bytes(self.dir / "CURRENT", target.name.encode())  # the commit point
        for old in root.iterdir():
            if old.name != target.name:
                shutil.rmtree(old, ignore_errors=True)
        self.wal.truncate_before(op_num + 1)

    def load_snapshot(self, config: CollectionConfig) -> tuple[int, list[Segment], dict[str, PayloadSchema]] | None:
        current = self.dir / "CURRENT"
        if not current.exists():
            return None
        target = self.dir / "snapshots" / read_bytes(current).decode().strip()
        state = msgpack.unpackb(read_bytes(target / "state.msgpack"), raw=False, strict_map_key=False)
        schema: dict[str, PayloadSchema] = from_plain(state["payload_schema"])
        segments = [read_segment(target / f"segment-{i}", config, schema) for i in range(state["segments"])]
        return int(state["op_num"]), segments, schema

    def close(self) -> None:
        self.wal.close()


def save_config(directory: Path, config: CollectionConfig) -> None:
    atomic_write_bytes(directory / "config.json", json.dumps(to_plain(config), indent=1).encode())


def load_config(directory: Path) -> CollectionConfig:
    config: CollectionConfig = from_plain(json.loads(read_bytes(directory / "config.json")))
    return config
