"""`GET /collections/{name}/optimizations`: the optimizer's running, queued and completed work as
Qdrant's `OptimizationsResponse` (the `with` list and `completed_limit` as Qdrant reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from engine.errors import BadInput, MalformedRequest
from engine.segment import Segment
from engine.shard.optimizer import queued
from engine.shard.shard import Shard
from engine.shard.tracker import Tracked, log_of, segment_uuid

DEFAULT_COMPLETED_LIMIT = 16


@dataclass(frozen=True, slots=True)
class OptimizationsOptions:
    queued: bool = False
    completed_limit: int | None = None
    idle_segments: bool = False


def options_from_query(with_fields: str | None, completed_limit: str | None) -> OptimizationsOptions:
    limit = DEFAULT_COMPLETED_LIMIT
    if completed_limit is not None:
        if not completed_limit.isdigit():
            raise MalformedRequest("Deserialize error in query parameters: invalid digit found in string")
        limit = int(completed_limit)
    want_queued = want_completed = want_idle = False
    for part in (with_fields or "").split(","):
        match part.strip():
            case "":
                pass
            case "queued":
                want_queued = True
            case "completed":
                want_completed = True
            case "idle_segments":
                want_idle = True
            case _:
                raise BadInput(f"Unknown field in 'with' parameter: {part}")
    return OptimizationsOptions(want_queued, limit if want_completed else None, want_idle)


def _when(stamp: float | None) -> str | None:
    if stamp is None:
        return None
    return datetime.fromtimestamp(stamp, UTC).isoformat().replace("+00:00", "Z")


def _segment(seg: Segment) -> dict[str, Any]:
    return {"uuid": segment_uuid(seg), "points_count": len(seg)}


def _optimization(entry: Tracked) -> dict[str, Any]:
    status: Any = entry.status if not entry.status.startswith("error: ") else {"error": entry.status[7:]}
    progress: dict[str, Any] = {"name": entry.optimizer, "started_at": _when(entry.started_at)}
    if entry.finished_at is not None:
        progress["finished_at"] = _when(entry.finished_at)
        progress["duration_sec"] = round(entry.finished_at - entry.started_at, 6)
    return {
        "uuid": entry.uuid,
        "optimizer": entry.optimizer,
        "status": status,
        "segments": [{"uuid": u, "points_count": n} for u, n in entry.segments],
        "progress": progress,
    }


def optimizations_to_json(shard: Shard, options: OptimizationsOptions) -> dict[str, Any]:
    running, completed, _ = log_of(shard).snapshot()
    pending = queued(shard)
    busy = {u for entry in running for u, _ in entry.segments}
    planned = {id(seg) for _, segs in pending for seg in segs}
    idle = [seg for seg in shard.holder.segments
            if id(seg) not in planned and segment_uuid(seg) not in busy and not seg.indexing]
    out: dict[str, Any] = {
        "summary": {
            "queued_optimizations": len(pending),
            "queued_segments": len(planned),
            "queued_points": sum(len(seg) for _, segs in pending for seg in segs),
            "idle_segments": len(idle),
        },
        "running": [_optimization(entry) for entry in running],
    }
    if options.queued:
        out["queued"] = [{"optimizer": name, "segments": [_segment(s) for s in segs]} for name, segs in pending]
    if options.completed_limit is not None:
        out["completed"] = [_optimization(entry) for entry in completed[: options.completed_limit]]
    if options.idle_segments:
        out["idle_segments"] = [_segment(seg) for seg in idle]
    return out
