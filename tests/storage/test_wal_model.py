"""Property test: the WAL against a plain list model, across appends, truncations and restarts."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from storage.wal import Wal

CAP = 200


class WalMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="walmodel-"))
        self.wal = Wal(self.dir, fsync="never", capacity_bytes=CAP)
        self.model: list[bytes] = []  # index == sequence number
        self.floor = 0  # every record >= floor must still be readable
        self.first_seen = 0

    @rule(data=st.binary(max_size=120))
    def append(self, data: bytes) -> None:
        assert self.wal.append(data) == len(self.model)
        self.model.append(data)

    @rule(batch=st.lists(st.binary(max_size=60), max_size=8))
    def append_many(self, batch: list[bytes]) -> None:
        assert self.wal.append_many(batch) == range(len(self.model), len(self.model) + len(batch))
        self.model.extend(batch)

    @precondition(lambda self: self.model)
    @rule(frac=st.floats(0, 1.2))
    def truncate(self, frac: float) -> None:
        seq = int(len(self.model) * frac)
        self.wal.truncate_before(seq)
        self.floor = max(self.floor, min(seq, len(self.model)))

    @rule()
    def reopen(self) -> None:
        self.wal.close()
        self.wal = Wal(self.dir, fsync="never", capacity_bytes=CAP)

    @invariant()
    def matches_model(self) -> None:
        got = list(self.wal.read_from(0))
        start = got[0][0] if got else len(self.model)
        # Truncation is segment-granular: some records below floor may remain, none at/above it lost.
        assert self.first_seen <= start <= self.floor
        self.first_seen = start
        assert got == [(s, self.model[s]) for s in range(start, len(self.model))]
        assert self.wal.next_seq == len(self.model)
        assert self.wal.first_seq == (start if got else None)

    def teardown(self) -> None:
        self.wal.close()
        shutil.rmtree(self.dir, ignore_errors=True)


WalMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=30, deadline=None)
TestWalModel = WalMachine.TestCase
