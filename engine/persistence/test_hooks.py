"""Test-only: widen crash windows so the kill -9 tests can hit them. Off unless the environment
asks for it; never set these in production.

    QUIVER_TEST_PAUSE_AT="flush,merge"   names of the points to pause at
    QUIVER_TEST_PAUSE_SECONDS="5"        how long each pause lasts (default 5)

Points: `flush` (delta records appended and fsynced, manifest not yet written), `segment_written`
(an optimizer result's files are complete, the swap has not happened), `merge` (a merge has copied
its sources and is about to build). Each pause logs `test pause` with its point first, so a test
knows when to kill.
"""

from __future__ import annotations

import logging
import os
import time

log = logging.getLogger("quiver.test_hooks")


def pause(point: str) -> None:
    wanted = os.environ.get("QUIVER_TEST_PAUSE_AT")
    if not wanted or point not in wanted.split(","):
        return
    seconds = float(os.environ.get("QUIVER_TEST_PAUSE_SECONDS", "5"))
    log.warning("test pause", extra={"point": point, "seconds": seconds})
    time.sleep(seconds)
