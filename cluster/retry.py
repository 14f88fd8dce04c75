"""Retrying NATS calls through the moments a JetStream stream has no leader (just created, or its
leader's server died and the Raft group is electing): "no response from stream", timeouts, no
responders, a reconnecting client. Only for calls that are safe to repeat: KV compare-and-set
(a repeated CAS fails on the revision and the caller re-reads), publishes carrying a
`Nats-Msg-Id` (JetStream drops the duplicate and answers the first one's sequence)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import nats.errors
from nats.js.errors import NoStreamResponseError, ServiceUnavailableError

log = logging.getLogger("quiver.cluster")
T = TypeVar("T")

TRANSIENT: tuple[type[BaseException], ...] = (
    NoStreamResponseError, ServiceUnavailableError, nats.errors.TimeoutError, nats.errors.NoRespondersError,
    nats.errors.ConnectionReconnectingError, nats.errors.StaleConnectionError,
)
RETRY_FOR_S = 30.0
"""Long enough for a JetStream Raft election after a server dies (seconds; more on a loaded machine)."""


async def retrying(call: Callable[[], Awaitable[T]], what: str, for_s: float = RETRY_FOR_S) -> T:
    deadline = time.monotonic() + for_s
    delay = 0.05
    while True:
        try:
            return await call()
        except TRANSIENT as e:
            if time.monotonic() + delay > deadline:
                raise
            log.debug("retrying a NATS call", extra={"call": what, "reason": type(e).__name__})
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
