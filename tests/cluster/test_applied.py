"""The applied-report bookkeeping writers wait on."""

from __future__ import annotations

import asyncio
import json

from cluster.applied import AppliedTracker


def test_reports_raise_each_peers_sequence_and_keep_errors() -> None:
    tracker = AppliedTracker()
    key = ("u", 3)
    tracker.on_report("qv.applied.u.3", json.dumps({"p": 1, "s": 5, "e": None}).encode())
    tracker.on_report("qv.applied.u.3", json.dumps({"p": 2, "s": 4, "e": None}).encode())
    tracker.on_report("qv.applied.u.3", json.dumps({"p": 1, "s": 2, "e": None}).encode())  # late: no step back
    assert tracker.reported(key, 4) == {1, 2} and tracker.reported(key, 5) == {1}
    tracker.on_report("qv.applied.u.3", json.dumps({"p": 2, "s": 6, "e": ["NotFound", "No point"]}).encode())
    assert tracker.error(key, 6) == ["NotFound", "No point"] and tracker.error(key, 5) is None
    tracker.on_report("qv.applied.u.3", b"not json")
    tracker.on_report("qv.applied.bad", b"{}")
    assert tracker.reported(("u", 3), 6) == {2}


def test_changed_wakes_on_a_report_or_times_out() -> None:
    async def scenario() -> tuple[float, bool]:
        tracker = AppliedTracker()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await tracker.changed(("u", 0), 0.05)
        waited = loop.time() - started
        waiter = asyncio.create_task(tracker.changed(("u", 0), 5))
        await asyncio.sleep(0)
        tracker.note(("u", 0), 1, 1)
        await asyncio.wait_for(waiter, 1)
        return waited, waiter.done()
    waited, woke = asyncio.run(scenario())
    assert waited >= 0.04 and woke
