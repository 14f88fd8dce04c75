"""The fair engine pool: a collection's share, the spare thread for other collections, round-robin
start of waiting work, and callers that gave up."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from server.fairness import FairPool


def _blocker(gate: threading.Event, started: list[str], name: str) -> Callable[[], str]:
    def run() -> str:
        started.append(name)
        assert gate.wait(10)
        return name
    return run


def _wait_for(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_one_collection_uses_its_share_and_another_gets_the_spare_thread() -> None:
    pool = FairPool(workers=2, spare=1)
    gate, started = threading.Event(), []
    try:
        a = [pool.submit("a", _blocker(gate, started, f"a{i}")) for i in range(3)]
        _wait_for(lambda: len(started) == 2)  # a's share: two at once
        assert pool.waiting() == {"a": 1}
        b = pool.submit("b", lambda: "b")
        assert b.result(timeout=10) == "b"  # not behind a's queue
        gate.set()
        assert [f.result(timeout=10) for f in a] == ["a0", "a1", "a2"]
    finally:
        gate.set()
        pool.shutdown()


def test_waiting_work_starts_round_robin_by_collection() -> None:
    pool = FairPool(workers=1, spare=0)
    gate, started = threading.Event(), []
    try:
        first = pool.submit("a", _blocker(gate, started, "a0"))
        _wait_for(lambda: started == ["a0"])
        order: list[str] = []
        queued = [pool.submit(key, lambda key=key: order.append(key)) for key in ("a", "a", "a", "b", "c")]
        gate.set()
        first.result(timeout=10)
        for future in queued:
            future.result(timeout=10)
        assert order == ["a", "b", "c", "a", "a"]  # b and c did not wait behind a's three
    finally:
        gate.set()
        pool.shutdown()


def test_a_cancelled_waiting_call_never_runs_and_errors_reach_the_caller() -> None:
    pool = FairPool(workers=1, spare=0)
    gate, started = threading.Event(), []
    try:
        first = pool.submit("a", _blocker(gate, started, "a0"))
        _wait_for(lambda: started == ["a0"])
        ran: list[int] = []
        given_up = pool.submit("a", lambda: ran.append(1))
        assert given_up.cancel()

        def fail() -> None:
            raise ValueError("bad")
        failing = pool.submit("a", fail)
        gate.set()
        first.result(timeout=10)
        assert isinstance(failing.exception(timeout=10), ValueError)
        assert ran == []
        assert pool.waiting() == {}
    finally:
        gate.set()
        pool.shutdown()
