"""The state of some points of one segment, as plain arrays: what a delta record carries.

A delta record (one per segment per flush that changed it) holds, for the offsets changed since
the previous flush: version, alive flag and payload; and, for a segment without a sealed base
(the appendable one, persisted only as deltas), also the external ids and the vectors of every
kind. Records are msgpack maps of fixed-dtype arrays (format version `RECORD_FORMAT`):

    {"f": 1, "size": offsets allocated, "offsets": int64[k], "versions": uint64[k], "alive": bool[k],
     "payloads": [map | nil] * k,
     "ids": {"int": uint64[k], "is_uuid": bool[k], "uuid": uint8[k*16]} | nil,
     "vectors": {name: {"present": bool[k], "rows"|"counts"|"indices"|"values": array}} | nil}

Arrays are `{"~a": bytes, "d": dtype, "s": shape}` as in the codec.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgpack
import numpy as np

from engine.persistence.codec import FormatError, from_plain, to_plain
from engine.segment import Segment
from engine.segment.column_image import ColumnImage
from engine.segment.id_tracker import IdArrays
from engine.types.points import Payload

RECORD_FORMAT = 1


@dataclass(slots=True)
class PointsImage:
    size: int
    offsets: np.ndarray
    versions: np.ndarray
    alive: np.ndarray
    payloads: Sequence[Payload | None]
    ids: IdArrays | None = None
    vectors: dict[str, ColumnImage] | None = None


def capture_points(seg: Segment, offsets: np.ndarray, with_vectors: bool) -> PointsImage:
    """Copy the state of `offsets` (call under the lock that guards `seg`'s writers)."""
    offsets = np.asarray(offsets, dtype=np.int64)
    vectors = None
    if with_vectors:
        vectors = {name: column.image(offsets) for name, column in seg.columns.items()}
    return PointsImage(size=seg.size, offsets=offsets, versions=seg.ids.versions[offsets].copy(),
                       alive=seg.alive[offsets].copy(), payloads=[seg.payloads[o] for o in offsets.tolist()],
                       ids=seg.ids.arrays(offsets) if with_vectors else None, vectors=vectors)


def encode_points(image: PointsImage) -> bytes:
    record: dict[str, Any] = {
        "f": RECORD_FORMAT, "size": image.size, "offsets": to_plain(image.offsets),
        "versions": to_plain(image.versions), "alive": to_plain(image.alive), "payloads": image.payloads,
        "ids": None, "vectors": None,
    }
    if image.ids is not None:
        record["ids"] = {"int": to_plain(image.ids.int_keys), "is_uuid": to_plain(image.ids.is_uuid),
                         "uuid": to_plain(image.ids.uuids)}
    if image.vectors is not None:
        record["vectors"] = {name: {f: to_plain(getattr(col, f)) for f in ColumnImage.ARRAYS
                                    if getattr(col, f) is not None}
                             for name, col in image.vectors.items()}
    return msgpack.packb(record, use_bin_type=True)


def decode_points(data: bytes) -> PointsImage:
    record = msgpack.unpackb(data, raw=False, strict_map_key=False)
    if not isinstance(record, dict) or record.get("f") != RECORD_FORMAT:
        raise FormatError("not a delta record of a known format")
    ids = None
    if record["ids"] is not None:
        raw = record["ids"]
        ids = IdArrays(int_keys=from_plain(raw["int"]), is_uuid=from_plain(raw["is_uuid"]),
                       uuids=from_plain(raw["uuid"]))
    vectors = None
    if record["vectors"] is not None:
        vectors = {name: ColumnImage(**{f: from_plain(a) for f, a in arrays.items()})
                   for name, arrays in record["vectors"].items()}
    return PointsImage(size=int(record["size"]), offsets=from_plain(record["offsets"]),
                       versions=from_plain(record["versions"]), alive=from_plain(record["alive"]),
                       payloads=list(record["payloads"]), ids=ids, vectors=vectors)
