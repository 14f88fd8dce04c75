"""A segment on disk: numpy arrays (ids' versions, live mask, and per named vector of any kind the
arrays of its `ColumnImage`: presence, rows, run lengths, sparse indices/values), a msgpack file of
ids, payloads and flags, and hnswlib graph files. Payload indexes and sparse posting lists are
rebuilt on load (they are derived data)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import numpy as np

from engine.point_id import PointId
from engine.segment import Segment
from engine.segment.column_image import ColumnImage
from engine.segment.hnsw_index import HnswIndex
from engine.types.config import CollectionConfig
from engine.types.payload_schema import PayloadSchema
from storage.arrays import load_array, save_array
from storage.atomic import atomic_write_bytes, fsync_dir, read_bytes


@dataclass(slots=True)
class SegmentImage:
    """A consistent copy of a segment's state, taken under the collection lock, written without it."""

    size: int
    sealed: bool
    external: list[PointId]
    versions: np.ndarray
    alive: np.ndarray
    vectors: dict[str, ColumnImage]
    payloads: list[dict[str, Any] | None]
    hnsw: dict[str, HnswIndex]


def capture(seg: Segment) -> SegmentImage:
    """Copy what is mutable; payload dicts are replaced (never mutated) on write, so a shallow list
    copy is a snapshot."""
    size = seg.size
    everyone = np.arange(size, dtype=np.int64)
    vectors = {name: column.image(everyone) for name, column in seg.columns.items()}
    return SegmentImage(size=size, sealed=seg.sealed, external=list(seg.ids.external),
                        versions=seg.ids.versions[:size].copy(), alive=seg.alive[:size].copy(),
                        vectors=vectors, payloads=list(seg.payloads), hnsw=dict(seg.hnsw))


def write_segment(image: SegmentImage, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    names = sorted(image.vectors)
    meta = {"size": image.size, "sealed": image.sealed, "external": image.external, "names": names,
            "hnsw": {name: image.hnsw[name].count for name in image.hnsw}}
    atomic_write_bytes(directory / "segment.msgpack", msgpack.packb(meta, use_bin_type=True))
    atomic_write_bytes(directory / "payloads.msgpack", msgpack.packb(image.payloads, use_bin_type=True))
    save_array(directory / "versions.npy", image.versions)
    save_array(directory / "alive.npy", image.alive)
    for i, name in enumerate(names):
        column = image.vectors[name]
        for field in ColumnImage.ARRAYS:
            array = getattr(column, field)
            if array is not None:
                save_array(directory / f"column-{i}-{field}.npy", array)
        if name in image.hnsw:
            tmp = directory / f"hnsw-{i}.bin.tmp"
            image.hnsw[name].save(str(tmp))
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, directory / f"hnsw-{i}.bin")
    fsync_dir(directory)


def read_segment(directory: Path, config: CollectionConfig, schema: dict[str, PayloadSchema]) -> Segment:
    meta = msgpack.unpackb(read_bytes(directory / "segment.msgpack"), raw=False, strict_map_key=False)
    payloads = msgpack.unpackb(read_bytes(directory / "payloads.msgpack"), raw=False, strict_map_key=False)
    seg = Segment(config.params.vectors, config.params.sparse_vectors)
    size = int(meta["size"])
    for pid, alive in zip(meta["external"], load_array(directory / "alive.npy").tolist(), strict=True):
        offset = seg.ids.allocate(pid)
        if not alive:
            seg.ids.remove(pid)
        del offset
    seg.ids.versions[:size] = load_array(directory / "versions.npy")
    seg.alive = np.zeros(max(size, 64), dtype=bool)
    seg.alive[:size] = load_array(directory / "alive.npy")
    seg.payloads = payloads
    for i, name in enumerate(meta["names"]):
        column = seg.columns.get(name)
        if column is None:
            continue
        column.ensure_capacity(size)
        column.load(0, _read_image(directory, i))
        if name in meta["hnsw"]:
            params = config.params.vectors[name]
            seg.hnsw[name] = HnswIndex.load(str(directory / f"hnsw-{i}.bin"), params.distance, params.size,
                                            config.effective_hnsw(name), int(meta["hnsw"][name]),
                                            params.storage_type)
    seg.sealed = bool(meta["sealed"])
    for key, s in schema.items():
        seg.create_index(key, s)
    return seg


def _read_image(directory: Path, i: int) -> ColumnImage:
    if not (directory / f"column-{i}-present.npy").exists():  # the dense-only layout of earlier versions
        return ColumnImage(present=load_array(directory / f"present-{i}.npy"),
                           rows=load_array(directory / f"vectors-{i}.npy"))
    arrays = {field: load_array(directory / f"column-{i}-{field}.npy") for field in ColumnImage.ARRAYS
              if (directory / f"column-{i}-{field}.npy").exists()}
    return ColumnImage(**arrays)
