"""The stderr log handler writes the lines of one event-loop iteration together, in record order
with lines logged from other threads, and nothing stays unwritten after `flush`."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Iterator

import pytest

from server.logs import LoopBatchedHandler


class CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, CountingStream, LoopBatchedHandler]]:
    stream = CountingStream()
    handler = LoopBatchedHandler(stream)
    log = logging.getLogger("test.logs_batched")
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    yield log, stream, handler
    log.removeHandler(handler)


def test_one_write_per_loop_iteration_in_record_order(
        logged: tuple[logging.Logger, CountingStream, LoopBatchedHandler]) -> None:
    log, stream, _ = logged
    log.info("before the loop")
    assert stream.getvalue() == "before the loop\n"  # off the loop: written at once

    async def main() -> None:
        for i in range(5):
            log.info("line %d", i)
        assert stream.writes == 1  # still waiting for the end of the iteration
        worker = threading.Thread(target=lambda: log.info("from a thread"))
        worker.start()
        worker.join()  # written at once, after the waiting lines
        log.info("after the thread")
        await asyncio.sleep(0)
        log.info("next iteration")
        await asyncio.sleep(0)

    asyncio.run(main())
    lines = [f"line {i}" for i in range(5)]
    assert stream.getvalue().splitlines() == ["before the loop", *lines, "from a thread", "after the thread",
                                              "next iteration"]
    assert stream.writes == 4


def test_flush_writes_what_waits(logged: tuple[logging.Logger, CountingStream, LoopBatchedHandler]) -> None:
    log, stream, handler = logged

    async def main() -> None:
        log.info("waiting")
        handler.flush()
        assert stream.getvalue() == "waiting\n"

    asyncio.run(main())
    assert stream.getvalue() == "waiting\n"
