"""How the write and read paths act on peer liveness: a shortage of live Active replicas must last
`GRACE_S` before it fails a request.

A peer counts as alive while its heartbeats keep coming (meta.py: dead `ALIVE_S` after the last
one). Under heavy load a heartbeat can come late while the peer works on (its event loop or its
NATS server starved of CPU, a put waiting on JetStream's quorum), so the peer is "dead" for a
moment: on a machine at load 12+ a `wait=true` write right after a create answered 500 `... not
enough active replicas` that way once. A request that finds too few live replicas therefore looks
again until the shortage has lasted `GRACE_S`: a late heartbeat arrives within it, while a killed
node stays dead and its requests fail `GRACE_S` after the bare check would have failed them. A
shortage no heartbeat can end fails at once: replicas that are not Active (Partial, Recovery) or
on a peer that left the cluster (its entry deleted: a clean stop, `DELETE /cluster/peer`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

GRACE_S = 2.0
"""How long too few live replicas are looked at again before a request fails."""
CHECK_S = 0.25
"""How often a short count is looked at again."""


class Shortage:
    """Tracks one request's shortage: `lasting(short)` is True once `short` held for the grace."""

    def __init__(self, grace: float | None = None) -> None:
        self.grace = GRACE_S if grace is None else grace
        self._since: float | None = None

    def lasting(self, short: bool, certain: bool = False) -> bool:
        """`certain`: no heartbeat can end the shortage (no grace)."""
        if short and certain:
            return True
        if not short:
            self._since = None
            return False
        now = time.monotonic()
        if self._since is None:
            self._since = now
        return now - self._since >= self.grace


async def enough(count: Callable[[], int], need: int, grace: float | None = None,
                 certain: Callable[[], bool] | None = None) -> int:
    """`count()` as soon as it reaches `need`; else its value once it stayed short for the grace
    (at once when `certain()` says no heartbeat can end the shortage)."""
    shortage = Shortage(grace)
    while True:
        have = count()
        if have >= need or shortage.lasting(True, certain is not None and certain()):
            return have
        await asyncio.sleep(CHECK_S)
