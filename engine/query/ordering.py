"""Points ordered by a payload value (`order_by`), by id, or at random: the scroll-like sources of
the query API (and of `points/scroll` with `order_by`)."""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from engine.deadline import Deadline
from engine.errors import BadRequest
from engine.filters import CompiledFilter
from engine.filters.datetimes import parse_datetime, to_micros
from engine.json_path import extract_values, parse_path
from engine.point_id import PointId, id_sort_key
from engine.query.candidates import Found
from engine.segment import Segment
from engine.shard.holder import ShardView
from engine.types.requests import Direction, OrderBy

ORDERABLE_INDEX_TYPES = ("integer", "float", "datetime")


def order_value(value: Any) -> int | float | None:
    """Numbers order as themselves; datetimes by microseconds since the epoch (as Qdrant)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            return to_micros(moment)
    return None


def by_value(col: ShardView, compiled: CompiledFilter | None, order_by: OrderBy,
             limit: int, deadline: Deadline | None = None) -> list[tuple[int | float, PointId, Segment, int]]:
    """(value, id, segment, offset) of the first `limit` (value, point) pairs in `order_by` order.
    A point with several values appears once per distinct value, as in Qdrant."""
    schema = col.payload_schema.get(order_by.key)
    if schema is None or schema.type not in ORDERABLE_INDEX_TYPES:
        raise BadRequest(
            f"No range index for `order_by` key: `{order_by.key}`. Please create one to use "
            "`order_by`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which "
            "payload schemas support Range conditions"
        )
    path = parse_path(order_by.key)
    rows: list[tuple[int | float, PointId, Segment, int]] = []
    for seg in col.segments:
        if deadline is not None:
            deadline.check()
        for offset in seg.matching(compiled):
            payload = seg.payload_at(int(offset)) or {}
            for value in extract_values(payload, path):
                ov = order_value(value)
                if ov is not None:
                    rows.append((ov, seg.point_id(int(offset)), seg, int(offset)))
    desc = order_by.direction is Direction.DESC
    rows.sort(key=lambda r: r[0], reverse=desc)
    if order_by.start_from is not None:
        start = order_by.start_from
        rows = [r for r in rows if (r[0] <= start if desc else r[0] >= start)]
    seen: set[tuple[int | float, PointId]] = set()
    out: list[tuple[int | float, PointId, Segment, int]] = []
    for row in rows:
        if (row[0], row[1]) in seen:
            continue
        seen.add((row[0], row[1]))
        out.append(row)
        if len(out) >= limit:
            break
    return out


def by_id(col: ShardView, compiled: CompiledFilter | None, limit: int,
          start: PointId | None = None, deadline: Deadline | None = None) -> list[tuple[PointId, Segment, int]]:
    """Matching points with id >= `start` in Qdrant's id order (integer ids ascending, then UUIDs),
    `limit + 1` of them when there is a next page. Integer ids are chosen with numpy (argpartition
    over the id column); UUIDs are only looked at when the integers do not fill the page."""
    count = limit + 1
    int_start = start if isinstance(start, int) else None
    segs: list[np.ndarray] = []
    offs: list[np.ndarray] = []
    keys: list[np.ndarray] = []
    uuids: list[tuple[Segment, np.ndarray]] = []
    for i, seg in enumerate(col.segments):
        if deadline is not None:
            deadline.check()  # a `timeout` stops a scroll between segments
        matched = seg.matching(compiled)
        uuid_mask = seg.ids.is_uuid[matched]
        if start is None or int_start is not None:
            ints = matched[~uuid_mask]
            k = seg.ids.int_keys[ints]
            if int_start is not None:
                keep = k >= np.uint64(int_start)
                ints, k = ints[keep], k[keep]
            segs.append(np.full(ints.shape[0], i, dtype=np.int64))
            offs.append(ints)
            keys.append(k)
        uuids.append((seg, matched[uuid_mask]))
    page: list[tuple[Segment, int]] = []
    if keys:
        all_keys = np.concatenate(keys)
        all_segs, all_offs = np.concatenate(segs), np.concatenate(offs)
        if all_keys.shape[0] > count:
            head = np.argpartition(all_keys, count - 1)[:count]
        else:
            head = np.arange(all_keys.shape[0])
        head = head[np.argsort(all_keys[head], kind="stable")]
        page = [(col.segments[int(all_segs[j])], int(all_offs[j])) for j in head.tolist()]
    if len(page) < count:
        start_key = None if start is None or int_start is not None else id_sort_key(start)
        rest = [(id_sort_key(seg.point_id(int(o))), seg, int(o)) for seg, offsets in uuids for o in offsets]
        rest = [r for r in rest if start_key is None or r[0] >= start_key]
        rest.sort(key=lambda r: r[0])
        page.extend((seg, o) for _, seg, o in rest[: count - len(page)])
    return [(seg.point_id(offset), seg, offset) for seg, offset in page]


def ordered(col: ShardView, compiled: CompiledFilter | None, order_by: OrderBy, limit: int) -> list[Found]:
    """The query API's `order_by`: score 1.0 and the order value, as Qdrant's query scroll gives every
    point it scrolls (lib/collection/src/shards/local_shard/scroll.rs `query_scroll`)."""
    return [Found(pid, 1.0, seg, offset, value) for value, pid, seg, offset in by_value(col, compiled, order_by, limit)]


def sample(col: ShardView, compiled: CompiledFilter | None, limit: int) -> list[Found]:
    """`sample: random`: up to `limit` distinct matching points drawn uniformly."""
    matched = [(seg, seg.matching(compiled)) for seg in col.segments]
    sizes = np.asarray([offsets.shape[0] for _, offsets in matched], dtype=np.int64)
    total = int(sizes.sum())
    picks = np.random.default_rng(random.getrandbits(64)).choice(total, size=min(limit, total), replace=False)
    bounds = np.cumsum(sizes)
    out = []
    for pick in picks.tolist():  # only the sampled points, never every matching one
        which = int(np.searchsorted(bounds, pick, side="right"))
        seg, offsets = matched[which]
        offset = int(offsets[pick - (int(bounds[which - 1]) if which else 0)])
        out.append(Found(seg.point_id(offset), 1.0, seg, offset))
    return out
