"""Copy every point of one collection: scroll the source by id with vectors and payload, upsert each
page into the target with `wait=true`, then checkpoint the next offset. Shows a progress bar with
points/s and ETA."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qdrant_client import QdrantClient, models
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from tools.migrate.state import CollectionState


class PointsPerSecond(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("  -- pts/s" if speed is None else f"{speed:,.0f} pts/s")


def progress_bar(console: Console, enabled: bool) -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), PointsPerSecond(),
                    TextColumn("ETA"), TimeRemainingColumn(), console=console, disable=not enabled)


def _as_point(record: models.Record) -> models.PointStruct:
    vector: Any = record.vector if record.vector is not None else {}
    return models.PointStruct(id=record.id, vector=vector, payload=record.payload or {})


def copy_points(source: QdrantClient, target: QdrantClient, name: str, state: CollectionState,
                batch: int, checkpoint: Callable[[], None], progress: Progress) -> None:
    """Resume from `state.offset`; call `checkpoint()` after every batch the target acknowledged."""
    total = source.count(name, exact=True).count
    task = progress.add_task(name, total=total, completed=min(state.copied, total))
    while not state.done:
        records, next_offset = source.scroll(name, limit=batch, offset=state.offset, with_payload=True,
                                             with_vectors=True)
        if records:
            target.upsert(name, points=[_as_point(r) for r in records], wait=True)
        state.copied += len(records)
        state.offset = next_offset if isinstance(next_offset, int | str) else None
        state.done = next_offset is None
        checkpoint()
        progress.update(task, completed=min(state.copied, total))
