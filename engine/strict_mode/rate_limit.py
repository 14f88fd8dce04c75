"""Read / write rate limits of strict mode: Qdrant's token bucket, one per collection and kind.

A bucket holds `limit` tokens (operations per minute), starts full (bursts are allowed), and
refills at limit / 60 tokens per second. A request costs what Qdrant charges: a read 1 per query
vector plus 1 per filter condition, a scroll / count / facet 1 plus its conditions; a write 1
per point it writes (at least 1). A request that can never fit is refused for good; one that
must wait is refused with the seconds until it would fit (HTTP 429 with Retry-After, gRPC
RESOURCE_EXHAUSTED).
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from typing import Literal

from engine.errors import RateLimited

Kind = Literal["Read", "Write"]


class TokenBucket:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.per_second = per_minute / 60.0
        self.tokens = float(per_minute)
        self.last = time.monotonic()
        self.lock = threading.Lock()

    def consume(self, cost: int, kind: Kind) -> None:
        with self.lock:
            if cost > self.capacity:
                raise RateLimited(f"{kind} rate limit exceeded, request larger than rate limiter capacity, "
                                  "please try to split your request", None)
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + self.per_second * (now - self.last))
            self.last = now
            if self.tokens >= cost:
                self.tokens -= cost
                return
            wait = math.ceil((cost - self.tokens) / self.per_second)
            raise RateLimited(f"{kind} rate limit exceeded: Operation requires {cost} tokens but only "
                              f"{self.tokens:.1f} were available. Retry after {wait}s", wait)


_BUCKETS: weakref.WeakKeyDictionary[object, dict[Kind, tuple[int, TokenBucket]]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def consume(owner: object, kind: Kind, per_minute: int | None, cost: int) -> None:
    """Charge `cost` to `owner`'s bucket of `kind` (a new full bucket when the limit changed)."""
    if per_minute is None:
        return
    with _LOCK:
        buckets = _BUCKETS.setdefault(owner, {})
        held = buckets.get(kind)
        if held is None or held[0] != per_minute:
            held = (per_minute, TokenBucket(per_minute))
            buckets[kind] = held
    held[1].consume(cost, kind)
