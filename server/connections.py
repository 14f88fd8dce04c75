"""REST connection guards on top of uvicorn's httptools protocol: a header timeout and a connection
limit, each logged (JSON, rate-limited) when it acts.

- A connection must complete a request's headers within `header_timeout` seconds of connecting or of
  the request's first byte (slow or silent clients: uvicorn alone waits for ever before the first
  request). Idle keep-alive connections are closed by uvicorn's `timeout_keep_alive`
  (`service.http_keep_alive_timeout_sec`); that is logged here too.
- At most `max_connections` are open: a new connection above the limit closes the longest-idle one
  (no request in flight), so idle connections can never keep the server from answering; only when
  every connection is busy is the new one refused (closed at once). The limit stays below the file
  descriptor limit, so accept() never fails for lack of descriptors.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("quiver.connections")
_RESERVED_FDS = 256
"""Descriptors kept for storage files, the gRPC port and logs when the limit is derived."""


def default_max_connections() -> int:
    """The soft descriptor limit minus a reserve (at least 64)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 25_000
    return max(64, soft - _RESERVED_FDS)


class _RateLimitedLog:
    """One line per reason per second at most, with how many events it stands for."""

    def __init__(self) -> None:
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def __call__(self, reason: str, peer: Any, open_connections: int) -> None:
        self._count[reason] = self._count.get(reason, 0) + 1
        now = time.monotonic()
        if now - self._last.get(reason, -1e9) < 1.0:
            return
        self._last[reason] = now
        events = self._count.pop(reason)
        peer_text = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) and len(peer) >= 2 else str(peer)
        log.warning("connection closed", extra={"reason": reason, "peer": peer_text, "events": events,
                                                "open_connections": open_connections})


def guarded_protocol(header_timeout: float, max_connections: int) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol with the guards above (pass it as uvicorn's `http`)."""
    report = _RateLimitedLog()
    registry: dict[GuardedProtocol, None] = {}
    """Open connections in the order they last became idle (oldest first)."""

    class GuardedProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            registry[self] = None
            if len(registry) > max_connections and not self._evict_idle():
                report("connection_limit", self.client, len(registry))
                self.transport.close()
                return
            self._arm_header_timer()

        def _evict_idle(self) -> bool:
            for other in registry:
                if other is not self and other._idle():
                    report("connection_limit_idle_evicted", other.client, len(registry))
                    registry.pop(other, None)
                    other.transport.close()
                    return True
            return False

        def _idle(self) -> bool:
            return (self.cycle is None or self.cycle.response_complete) and not self.pipeline

        def _arm_header_timer(self) -> None:
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(header_timeout, self._header_timed_out)

        def _disarm_header_timer(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _header_timed_out(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                report("header_timeout", self.client, len(registry))
                self.transport.close()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            registry.pop(self, None)
            registry[self] = None  # busy now: moves behind the idle ones
            self._arm_header_timer()

        def on_headers_complete(self) -> None:
            self._disarm_header_timer()
            super().on_headers_complete()

        def timeout_keep_alive_handler(self) -> None:
            if not self.transport.is_closing():
                report("keep_alive_timeout", self.client, len(registry))
            super().timeout_keep_alive_handler()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_header_timer()
            registry.pop(self, None)
            super().connection_lost(exc)

    return GuardedProtocol
