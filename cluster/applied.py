"""What the replicas reported applied, for writers waiting with `wait=true`.

Every node subscribes once to `qv.applied.>`; a report `{"p": peer, "s": seq, "e": error}` raises
that peer's applied sequence of that shard stream. A writer waits for `need` reports at or beyond its
sequence from the shard's Active replicas; an error a replica reports for exactly that sequence is
the write's answer (the engine on every replica raises the same one). The waiting itself is the writer's (cluster/writes.py): it also
watches the replicas' liveness.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import OrderedDict

StreamKey = tuple[str, int]
_KEEP_ERRORS = 4096


class AppliedTracker:
    def __init__(self) -> None:
        self.seqs: dict[StreamKey, dict[int, int]] = {}
        self._errors: OrderedDict[tuple[str, int, int], list[str]] = OrderedDict()
        self._changed: dict[StreamKey, asyncio.Event] = {}

    def on_report(self, subject: str, data: bytes) -> None:
        parts = subject.split(".")
        if len(parts) != 4:
            return
        try:
            key = (parts[2], int(parts[3]))
            body = json.loads(data)
            peer, seq, error = int(body["p"]), int(body["s"]), body.get("e")
        except (ValueError, KeyError, TypeError):
            return
        self.note(key, peer, seq, error)

    def note(self, key: StreamKey, peer: int, seq: int, error: list[str] | None = None) -> None:
        peers = self.seqs.setdefault(key, {})
        peers[peer] = max(peers.get(peer, 0), seq)
        if error:
            self._errors[(key[0], key[1], seq)] = error
            while len(self._errors) > _KEEP_ERRORS:
                self._errors.popitem(last=False)
        event = self._changed.pop(key, None)
        if event is not None:
            event.set()

    def error(self, key: StreamKey, seq: int) -> list[str] | None:
        """The error a replica reported for exactly `seq` (every replica raises the same)."""
        return self._errors.get((key[0], key[1], seq))

    def reported(self, key: StreamKey, seq: int) -> set[int]:
        """The peers that applied `seq` (or later) of that stream."""
        return {peer for peer, applied in self.seqs.get(key, {}).items() if applied >= seq}

    async def changed(self, key: StreamKey, timeout: float) -> None:
        """Until a new report for that stream arrives, or `timeout` seconds."""
        event = self._changed.setdefault(key, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout)
