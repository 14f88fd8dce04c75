"""release_free_heap gives memory freed inside glibc's heap back to the system."""

import sys
from pathlib import Path

import pytest

from storage.memory import release_free_heap


def _rss_anon_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1])
    raise AssertionError("no RssAnon")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_freed_small_blocks_leave_the_resident_set() -> None:
    blocks = [bytes(1000) + bytes([i % 256]) for i in range(60_000)]  # ~60 MB of heap blocks, not mmap'd
    keep = blocks[-1:]  # the top of the heap stays in use: glibc cannot shrink it by itself
    del blocks
    before = _rss_anon_kb()
    assert release_free_heap()
    after = _rss_anon_kb()
    assert before - after > 30_000, (before, after)
    assert keep[0][-1] == 59_999 % 256
