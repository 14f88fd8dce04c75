"""A segment's directory: a sealed *base* written once, plus a delta log of what changed since.

Base (only for sealed segments; written once, when the optimizer has built the segment, never
modified afterwards; format `SEGMENT_FORMAT` in segment.json):

    segment.json          {"format": 3, "size": n, "max_version": v, "vectors": [{"name", "kind",
                           "arrays", "rows_in_graph"?}], "hnsw": {vector index: {"count": c}},
                           "payload_indexes": [{"key", "file"}]}   (written last; 1 and 2 are still read)
    ids-int.npy  ids-is-uuid.npy  ids-uuid.npy    external ids (IdArrays)
    versions.npy  alive.npy                        per-offset version and liveness at build time
    payloads.msgpack                               one msgpack array of n payload maps (or nil)
    payloads-starts.npy                            int64[n + 1]: where each element of it starts
                                                   (format 3; the payloads stay packed in memory,
                                                   engine/segment/payload_store.py)
    vec-<i>-<present|rows|counts|indices|values>.npy   the ColumnImage of vector i (sorted names)
    hnsw-<i>.bin                                   hnswlib graph of dense vector i; when it covers
                                                   every offset once it is written in offset order and
                                                   holds the rows (`rows_in_graph`, no vec-<i>-rows.npy)
    quant-<i>-<array>.npy                          quantized codes of dense vector i, listed under
                                                   "quantization" (optional; persistence/quantized_files.py)
    index-<j>.msgpack                              payload index j: key, schema, state
                                                   (engine/payload_index/index_io.py)

Delta log (`deltas.log`, storage.delta_log): one PointsImage record per flush that changed the
segment. Sealed segments get versions, liveness and payloads of the changed offsets only; a
segment without a base (the appendable one, and a sealed one whose graph is not built yet) is
persisted entirely as records that also carry ids and vectors.

Loading = base arrays (dense vectors memory-mapped when the vector is `on_disk`), then every
record applied in order, last write wins — numpy assignments, no Python loop per stored point
except payload entries of changed points. Payload indexes stored in the base are loaded and
amended for the changed points; others (created later, geo, text) are rebuilt from payloads.
"""

from __future__ import annotations

import contextlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import numpy as np

from engine.json_path import extract_values, parse_path
from engine.payload_index.base import PayloadIndex
from engine.payload_index.index_io import export_state, import_state
from engine.persistence.codec import FormatError, decode_document, encode_document, from_plain, to_plain
from engine.persistence.graph_file import covers_offsets, rows_view, write_graph
from engine.persistence.points_image import PointsImage, decode_points
from engine.persistence.quantized_files import attach_quantized, write_quantized
from engine.segment import Segment
from engine.segment.column_image import ColumnImage
from engine.segment.hnsw_index import HnswIndex
from engine.segment.id_tracker import IdArrays, IdTracker
from engine.segment.multi_column import MultiColumn
from engine.segment.payload_store import PayloadStore, element_starts, map_file, pack_payloads
from engine.segment.sparse_column import SparseColumn
from engine.segment.vector_column import VectorColumn
from engine.types.config import CollectionConfig
from engine.types.payload_schema import PayloadSchema
from engine.types.points import Payload
from storage.arrays import load_array, open_array, save_array
from storage.atomic import atomic_write_bytes, fsync_dir, read_bytes

SEGMENT_FORMAT = 3
READABLE_FORMATS = (1, 2, 3)
"""1: every dense column has its own rows file. 2 adds `"rows_in_graph": true` on a vector whose
rows are the level-0 vectors of its graph file (engine/persistence/graph_file.py). 3 adds
`payloads-starts.npy` (without it the starts are found by one skip per payload at load)."""
BASE_FILE = "segment.json"
DELTAS_FILE = "deltas.log"
_KINDS = {VectorColumn: "dense", MultiColumn: "multi", SparseColumn: "sparse"}


@dataclass(slots=True)
class BaseState:
    """What a written base holds: the flush tracking starts from it."""

    size: int
    max_version: int
    alive: np.ndarray


def write_base(seg: Segment, directory: Path, lock: threading.RLock | None = None) -> BaseState:
    """Write sealed `seg` as a base into the new directory `directory`.

    `lock`: the lock of the segment's writers when `seg` is already visible to them (its deletes
    and payload edits are copied under it; dense rows of a sealed segment never change, so they are
    written from the live array). None for a segment nobody else can see yet (an optimizer
    result before its swap)."""
    directory.mkdir(parents=True)
    names = sorted(seg.columns)
    with lock if lock is not None else contextlib.nullcontext():
        size = seg.size
        everyone = np.arange(size, dtype=np.int64)
        versions = seg.ids.versions[:size].copy()
        alive = seg.alive[:size].copy()
        payloads: list[Payload | None] = seg.payloads[:size]
        ids = seg.ids.arrays()
        images = {}
        for name in names:
            column = seg.columns[name]
            if isinstance(column, VectorColumn):
                column.ensure_capacity(size)
                images[name] = ColumnImage(present=column.present[:size].copy(), rows=column.data[:size])
            else:
                images[name] = column.image(everyone)
        indexes = [(key, index.schema, state) for key, index in sorted(seg.indexes.items())
                   if (state := export_state(index)) is not None]
        graphs = {names.index(name): index.state() for name, index in seg.hnsw.items()}
    counts = {i: count for i, (_, count) in graphs.items()}
    in_graph = set()
    for i, (state, _) in graphs.items():
        column = seg.columns[names[i]]
        holds = (isinstance(column, VectorColumn) and column.data.dtype == np.float32
                 and bool(images[names[i]].present.all()) and covers_offsets(state, size))
        write_graph(state, directory / f"hnsw-{i}.bin", in_offset_order=holds)
        if holds:
            in_graph.add(i)  # its rows are the graph's level-0 vectors: no second copy on disk
    del graphs
    save_array(directory / "ids-int.npy", ids.int_keys)
    save_array(directory / "ids-is-uuid.npy", ids.is_uuid)
    save_array(directory / "ids-uuid.npy", ids.uuids)
    save_array(directory / "versions.npy", versions)
    save_array(directory / "alive.npy", alive)
    packed, starts = pack_payloads(payloads)
    del payloads
    atomic_write_bytes(directory / "payloads.msgpack", packed)
    save_array(directory / "payloads-starts.npy", starts)
    vectors = []
    for i, name in enumerate(names):
        arrays = [f for f in ColumnImage.ARRAYS if getattr(images[name], f) is not None
                  and not (f == "rows" and i in in_graph)]
        for field in arrays:
            save_array(directory / f"vec-{i}-{field}.npy", getattr(images[name], field))
        entry: dict[str, Any] = {"name": name, "kind": _KINDS[type(seg.columns[name])], "arrays": arrays}
        if i in in_graph:
            entry["rows_in_graph"] = True
        vectors.append(entry)
    payload_indexes = []
    for j, (key, schema, state) in enumerate(indexes):
        record = {"key": key, "schema": encode_document(schema), "state": {k: to_plain(v) for k, v in state.items()}}
        atomic_write_bytes(directory / f"index-{j}.msgpack", msgpack.packb(record, use_bin_type=True))
        payload_indexes.append({"key": key, "file": f"index-{j}.msgpack"})
    max_version = int(versions.max()) if size else 0
    meta = {"format": SEGMENT_FORMAT, "size": size, "max_version": max_version, "vectors": vectors,
            "hnsw": {str(i): {"count": count} for i, count in counts.items()}, "payload_indexes": payload_indexes,
            "quantization": write_quantized(seg, directory, names)}
    atomic_write_bytes(directory / BASE_FILE, json.dumps(meta, indent=1).encode())  # the base is complete
    fsync_dir(directory.parent)
    return BaseState(size=size, max_version=max_version, alive=alive)


def load_segment(directory: Path, records: list[bytes], sealed: bool, config: CollectionConfig,
                 schema: dict[str, PayloadSchema]) -> tuple[Segment, BaseState | None]:
    """The segment stored in `directory` with its committed delta `records`."""
    params = config.params
    seg = Segment(params.vectors, params.sparse_vectors)
    base = _read_base(directory, config) if (directory / BASE_FILE).exists() else None
    deltas = [decode_points(r) for r in records]
    size = max([base[0].size if base else 0, *(d.size for d in deltas)])
    versions = np.zeros(size, dtype=np.uint64)
    alive = np.zeros(size, dtype=bool)
    stored = base[0].payloads if base else None
    payloads = stored if isinstance(stored, PayloadStore) else PayloadStore([None] * size)
    if len(payloads) < size:
        payloads.extend([None] * (size - len(payloads)))
    ids = IdArrays(np.zeros(size, dtype=np.uint64), np.zeros(size, dtype=bool), np.zeros((size, 16), np.uint8))
    for number, image in enumerate(([base[0]] if base else []) + deltas):
        o = image.offsets
        versions[o], alive[o] = image.versions, image.alive
        if number > 0 or base is None:
            for offset, payload in zip(o.tolist(), image.payloads, strict=True):
                payloads[offset] = payload
        if image.ids is not None:
            ids.int_keys[o], ids.is_uuid[o], ids.uuids[o] = image.ids.int_keys, image.ids.is_uuid, image.ids.uuids
    seg.ids = IdTracker.from_arrays(ids, versions, alive)
    seg.alive = np.zeros(max(size, 64), dtype=bool)
    seg.alive[:size] = alive
    seg.payloads = payloads
    if base is not None:
        if any(d.vectors is not None for d in deltas):
            raise FormatError(f"{directory}: vector deltas on a sealed base")
        _attach_base_vectors(seg, base[0], alive)
        _attach_graphs(seg, directory, base[1], base[0].alive, alive, config)
        attach_quantized(seg, directory, base[1], config)
        seg.sealed = True
    else:
        _attach_logged_vectors(seg, deltas, size)
        seg.sealed = sealed
    changed = np.unique(np.concatenate([d.offsets for d in deltas])) if deltas else np.empty(0, np.int64)
    for key, s in schema.items():
        loaded = _load_index(directory, base[1], key, s) if base is not None else None
        if loaded is None:
            seg.create_index(key, s)  # not in the base (created after it, or a kind rebuilt on load)
            continue
        path = parse_path(key)
        for offset in changed.tolist():  # points whose payload or liveness changed since the base
            loaded.remove(offset)
            payload = payloads[offset] if alive[offset] else None
            values = extract_values(payload, path) if payload else None
            if values:
                loaded.add(offset, values)
        seg.indexes[key] = loaded
    state = BaseState(size=base[0].size, max_version=int(base[1]["max_version"]),
                      alive=base[0].alive) if base else None
    return seg, state


def _read_base(directory: Path, config: CollectionConfig) -> tuple[PointsImage, dict[str, Any]]:
    meta = json.loads(read_bytes(directory / BASE_FILE))
    if meta.get("format") not in READABLE_FORMATS:
        raise FormatError(f"{directory}: segment format {meta.get('format')!r} is not one of {READABLE_FORMATS}")
    size = int(meta["size"])
    ids = IdArrays(int_keys=load_array(directory / "ids-int.npy"), is_uuid=load_array(directory / "ids-is-uuid.npy"),
                   uuids=load_array(directory / "ids-uuid.npy"))
    blob = map_file(directory / "payloads.msgpack")
    starts_file = directory / "payloads-starts.npy"
    payloads = PayloadStore.packed(blob, load_array(starts_file) if starts_file.exists() else element_starts(blob))
    if len(payloads) != size:
        raise FormatError(f"{directory}: {len(payloads)} payloads for {size} points")
    vectors: dict[str, ColumnImage] = {}
    for i, entry in enumerate(meta["vectors"]):
        name = entry["name"]
        params = config.params.vectors.get(name)
        mapped = entry["kind"] == "dense" and params is not None and bool(params.on_disk)
        arrays = {f: (open_array if mapped and f == "rows" else load_array)(directory / f"vec-{i}-{f}.npy")
                  for f in entry["arrays"]}
        if entry.get("rows_in_graph"):
            if params is None:
                continue  # a vector the config no longer has
            arrays["rows"] = rows_view(directory / f"hnsw-{i}.bin", size, params.size, in_ram=not mapped)
        vectors[name] = ColumnImage(**arrays)
    image = PointsImage(size=size, offsets=np.arange(size, dtype=np.int64), versions=load_array(directory / "versions.npy"),
                        alive=load_array(directory / "alive.npy"), payloads=payloads, ids=ids, vectors=vectors)
    meta["names"] = [entry["name"] for entry in meta["vectors"]]
    return image, meta


def _load_index(directory: Path, meta: dict[str, Any], key: str, schema: PayloadSchema) -> PayloadIndex | None:
    for entry in meta.get("payload_indexes", ()):
        if entry["key"] != key:
            continue
        record = msgpack.unpackb(read_bytes(directory / entry["file"]), raw=False, strict_map_key=False)
        if decode_document(record["schema"]) != schema:
            return None  # the index was re-created with other parameters since the base was written
        # Arrays are decoded; the lists ("flat": indexed values, "terms") hold only the scalar
        # payload values value indexes accept, which from_plain returns unchanged: skipping it saves
        # two Python calls per indexed value on every restart (~2M calls for two indexes at 1M points).
        state = {k: v if isinstance(v, list) else from_plain(v) for k, v in record["state"].items()}
        return import_state(key, schema, state)
    return None


def _attach_base_vectors(seg: Segment, base: PointsImage, alive: np.ndarray) -> None:
    everyone = np.arange(base.size, dtype=np.int64)
    for name, image in (base.vectors or {}).items():
        column = seg.columns.get(name)
        if column is None:
            continue  # a vector the config no longer has
        if isinstance(column, VectorColumn) and image.rows is not None:
            column.adopt(image.rows, image.present.copy())
        else:  # multi and sparse vectors of deleted points are dropped (sparse postings count for IDF)
            column.load(0, image.pick(everyone, keep=alive[: base.size]))


def _attach_graphs(seg: Segment, directory: Path, meta: dict[str, Any], base_alive: np.ndarray, alive: np.ndarray,
                   config: CollectionConfig) -> None:
    gone = np.flatnonzero(base_alive & ~alive[: base_alive.shape[0]]).tolist()  # deleted since the build
    for key, entry in meta["hnsw"].items():
        name = meta["names"][int(key)]
        params = config.params.vectors.get(name)
        if params is None:
            continue
        index = HnswIndex.load(str(directory / f"hnsw-{key}.bin"), params.distance, params.size,
                               config.effective_hnsw(name), int(entry["count"]), params.storage_type)
        for offset in gone:
            index.mark_deleted(offset)
        seg.hnsw[name] = index


def _attach_logged_vectors(seg: Segment, deltas: list[PointsImage], size: int) -> None:
    """Vectors of a segment kept only as records: the last record of each offset wins."""
    position = np.full(size, -1, dtype=np.int64)
    start = 0
    for d in deltas:
        position[d.offsets] = start + np.arange(d.offsets.shape[0])
        start += d.offsets.shape[0]
    known = position >= 0
    for name, column in seg.columns.items():
        if size == 0 or not any(d.vectors is not None and name in d.vectors for d in deltas):
            continue
        # records written before the vector was created have no image of it: the points are absent
        # there (an image of the empty column keeps the concatenation aligned with `position`)
        parts = [d.vectors[name] if d.vectors is not None and name in d.vectors
                 else column.image(np.zeros(d.offsets.shape[0], dtype=np.int64)) for d in deltas]
        joined = ColumnImage.concat(parts)
        column.load(0, joined.pick(np.where(known, position, 0), keep=known))
