"""Shard snapshot transfers (Qdrant's method `snapshot`): how a new or refilled replica gets a copy
of the shard without replaying the whole stream.

Source (a node with an Active replica of the shard): under the replica's apply lock it stages a
snapshot of its local engine collection (engine/snapshots/archive.py: a consistent hard-linked cut,
quick) and notes the replica's applied stream sequence S, so the snapshot holds exactly the
operations 1..S; outside the lock the staged copy is archived (tar + sha256) and put, in chunks of
`CHUNK` bytes, into the JetStream object store bucket `quiver-transfers` as object
`<uuid>_<shard>_p<target>_<transfer id>`. The transfer's metadata entry then gets
`"snapshot": {"object", "seq", "bytes", "chunks", "sha256"}`.

Target: it reads the object chunk by chunk into a file under its storage, recovers it as its local
replica (engine/snapshots/recover.py: checksum verified, extracted and fully loaded before it
replaces anything), writes its progress record at S (cluster/progress.py) and starts consuming the
stream from S + 1; the transfer then ends as every transfer does (cluster/transfers.py). The object is
deleted once restored (and by the source if the transfer goes away first).

Both sides log progress (`shard snapshot upload/download progress` with bytes and chunks) at most
every few seconds and at every quarter.
"""

from __future__ import annotations

import contextlib
import io
import logging
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from nats.js import JetStreamContext
from nats.js.api import ObjectMeta, ObjectMetaOptions, ObjectStoreConfig, StorageType
from nats.js.errors import BucketNotFoundError
from nats.js.object_store import ObjectStore

from cluster import names
from cluster.progress import Progress
from engine.collection import Collection
from engine.snapshots.archive import publish_archive, stage_collection
from engine.snapshots.recover import recover_from_archive
from engine.toc import TableOfContents

log = logging.getLogger("quiver.cluster.transfers")

BUCKET = "quiver-transfers"
CHUNK = 256 * 1024
"""Bytes per object-store chunk (one JetStream message each; NATS' default max payload is 1 MB)."""
BUCKET_TTL_S = 24 * 3600.0
"""An object nobody deleted (both nodes of a transfer died) goes away after this."""
PROGRESS_S = 2.0
ARCHIVE = "shard.snapshot"


def object_name(uuid_hex: str, shard_id: int, target: int, transfer_id: str) -> str:
    return f"{uuid_hex}_{shard_id}_p{target}_{transfer_id}"


async def bucket(js: JetStreamContext, replicas: int) -> ObjectStore:
    try:
        return await js.object_store(BUCKET)
    except BucketNotFoundError:
        config = ObjectStoreConfig(description="Quiver shard snapshots in transfer", ttl=BUCKET_TTL_S,
                                   storage=StorageType.FILE, replicas=replicas)
        return await js.create_object_store(BUCKET, config=config)


class _Progress:
    """Throttled progress lines of one upload or download."""

    def __init__(self, what: str, obj: str, total: int) -> None:
        self.what, self.obj, self.total = what, obj, total
        self.done = self.chunks = 0
        self.started = self._last = time.monotonic()
        self._quarter = -1

    def add(self, n: int) -> None:
        self.done += n
        self.chunks += 1
        now = time.monotonic()
        quarter = 4 if self.total == 0 else self.done * 4 // self.total
        if quarter != self._quarter or now - self._last >= PROGRESS_S:
            self._quarter, self._last = quarter, now
            log.info(f"shard snapshot {self.what} progress",
                     extra={"object": self.obj, "bytes_done": self.done, "bytes_total": self.total,
                            "chunks": self.chunks, "percent": 100 if self.total == 0 else self.done * 100 // self.total})

    def finished(self) -> None:
        log.info(f"shard snapshot {self.what} finished",
                 extra={"object": self.obj, "bytes": self.done, "chunks": self.chunks,
                        "seconds": round(time.monotonic() - self.started, 3)})


class _Reader(io.RawIOBase):
    """The archive file as the object store reads it (`readinto`, in a worker thread)."""

    def __init__(self, file: io.BufferedReader, progress: _Progress) -> None:
        self._file, self._progress = file, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._file.readinto(buffer)
        if n:
            self._progress.add(n)
        return n or 0


class _Writer(io.RawIOBase):
    """The download's file as the object store writes it (`write`, in a worker thread)."""

    def __init__(self, file: io.BufferedWriter, progress: _Progress) -> None:
        self._file, self._progress = file, progress

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        n = self._file.write(data)
        self._progress.add(n)
        return n


def _work_dir(toc: TableOfContents) -> Path:
    if toc.root is None:
        raise RuntimeError("snapshot transfers need a storage path")
    return toc.root / "tmp" / f"transfer-{secrets.token_hex(8)}"


async def send(js: JetStreamContext, replicas: int, toc: TableOfContents, replica: Any, target: int,
               transfer_id: str, run: Any) -> dict[str, Any]:
    """Snapshot `replica` (a running cluster.replica.Replica) and put it in the object store for
    `target`; the transfer's `snapshot` entry."""
    obj = object_name(replica.uuid_hex, replica.shard_id, target, transfer_id)
    work = _work_dir(toc)
    try:
        async with replica.apply_lock:  # no operation applied meanwhile: the cut is exactly at `seq`
            seq = int(replica.applied)
            await run(stage_collection, replica.collection, work / "stage")
        description = await run(publish_archive, work / "stage", work, ARCHIVE, "shard transfer snapshot")
        path = work / description.name
        size = path.stat().st_size
        log.info("shard snapshot upload started", extra={"object": obj, "seq": seq, "bytes_total": size,
                                                         "stream": replica.stream})
        store = await bucket(js, replicas)
        progress = _Progress("upload", obj, size)
        meta = ObjectMeta(name=obj, description=f"{replica.stream} at sequence {seq}",
                          options=ObjectMetaOptions(max_chunk_size=CHUNK))
        with open(path, "rb") as file:
            info = await store.put(obj, _Reader(file, progress), meta=meta)  # type: ignore[arg-type]
        progress.finished()
        return {"object": obj, "seq": seq, "bytes": int(info.size or size), "chunks": int(info.chunks or 0),
                "sha256": description.checksum}
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def receive(js: JetStreamContext, replicas: int, toc: TableOfContents, uuid_hex: str, shard_id: int,
                  snapshot: dict[str, Any], progress_path: Path, run: Any) -> Collection:
    """Fetch the transfer's snapshot and make it this peer's replica, its progress record at the
    snapshot's sequence (the replica then consumes the stream from the next one)."""
    obj, seq = str(snapshot["object"]), int(snapshot["seq"])
    work = _work_dir(toc)
    work.mkdir(parents=True)
    try:
        store = await bucket(js, replicas)
        progress = _Progress("download", obj, int(snapshot.get("bytes", 0)))
        archive = work / ARCHIVE
        with open(archive, "wb") as file:
            await store.get(obj, writeinto=_Writer(file, progress))  # type: ignore[arg-type]
        progress.finished()
        name = names.replica_name(uuid_hex, shard_id)
        collection: Collection = await run(recover_from_archive, toc, name, archive, snapshot.get("sha256"),
                                           work, False)
        record = Progress(progress_path)
        try:
            record.starting(seq + 1, collection.last_op_num)  # read back as: applied up to `seq`
        finally:
            record.close()
        log.info("shard snapshot restored", extra={"object": obj, "seq": seq,
                                                   "points": collection.points_count()})
        return collection
    finally:
        shutil.rmtree(work, ignore_errors=True)


async def delete(js: JetStreamContext, replicas: int, obj: str) -> None:
    with contextlib.suppress(Exception):  # gone already, or NATS away (the bucket's TTL ends it)
        store = await bucket(js, replicas)
        await store.delete(obj)
