"""Copy every point of one collection: scroll the source by id with vectors and payload, upsert each
page into the target with `wait=true`, then checkpoint the next offset; a reader thread keeps one
page ahead. Shows a progress bar with points/s and ETA."""

from __future__ import annotations

import queue
import threading
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


Page = tuple[list[models.PointStruct], Any]


def _read_ahead(source: QdrantClient, name: str, offset: Any, batch: int,
                pages: queue.Queue[Page | BaseException]) -> None:
    """Scroll the source (and build the target's points) one page ahead of the upserts: reading
    and writing overlap. Stops after the last page or the first error, which it hands over."""
    try:
        while True:
            records, next_offset = source.scroll(name, limit=batch, offset=offset, with_payload=True,
                                                 with_vectors=True)
            pages.put(([_as_point(r) for r in records], next_offset))
            if next_offset is None:
                return
            offset = next_offset
    except BaseException as exc:  # handed to the writer, which raises it
        pages.put(exc)


def copy_points(source: QdrantClient, target: QdrantClient, name: str, state: CollectionState,
                batch: int, checkpoint: Callable[[], None], progress: Progress) -> None:
    """Resume from `state.offset`; call `checkpoint()` after every batch the target acknowledged
    (`wait=true`), in scroll order, so the saved offset never passes a point not yet written."""
    total = source.count(name, exact=True).count
    task = progress.add_task(name, total=total, completed=min(state.copied, total))
    if state.done:
        return
    pages: queue.Queue[Page | BaseException] = queue.Queue(maxsize=2)
    reader = threading.Thread(target=_read_ahead, args=(source, name, state.offset, batch, pages), daemon=True)
    reader.start()
    while not state.done:
        page = pages.get()
        if isinstance(page, BaseException):
            raise page
        points, next_offset = page
        if points:
            target.upsert(name, points=points, wait=True)
        state.copied += len(points)
        state.offset = next_offset if isinstance(next_offset, int | str) else None
        state.done = next_offset is None
        checkpoint()
        progress.update(task, completed=min(state.copied, total))
    reader.join()
