"""When a pause in a shard's writes means that an ingest has ended (the optimizer's idle rules).

A fixed pause misfires on a loaded machine: when each batch of a streaming ingest takes seconds
(a starved client, graphs being built on every core), a 2 s gap between two batches is the
ingest's own pace, and sealing there cuts one ingest into many small segments that merges then
rewrite. So the pause that counts as idle is measured against the pace of the writes: three times
the longest of the last eight gaps between writes that came while writes were streaming (a gap
that was itself a pause is not counted), at least `MIN_IDLE_SECONDS` and at most
`MAX_IDLE_SECONDS`. On a quiet machine an ingest sends batches every few hundred milliseconds,
so the idle rule waits 2 s as before.
"""

from __future__ import annotations

import time
from collections import deque

MIN_IDLE_SECONDS = 2.0
MAX_IDLE_SECONDS = 30.0
PACE_FACTOR = 3.0
PACE_WINDOW = 8


class WriteCadence:
    """The time of the last write and the recent gaps between writes (the shard's writer updates it)."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self._gaps: deque[float] = deque(maxlen=PACE_WINDOW)

    def note(self, now: float) -> None:
        """A write was applied at `now`."""
        gap = now - self.last
        if gap < self.idle_after():
            self._gaps.append(gap)
        self.last = now

    def idle_after(self) -> float:
        """How long writes must pause before the shard counts as idle."""
        return min(MAX_IDLE_SECONDS, max(MIN_IDLE_SECONDS, PACE_FACTOR * max(self._gaps, default=0.0)))

    def idle(self, now: float) -> bool:
        return now - self.last >= self.idle_after()
