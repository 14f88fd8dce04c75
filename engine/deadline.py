"""A request's deadline, passed down from the service so long engine loops stop when the
caller's `timeout` has passed (the service answers Timeout then; the work must not run on)."""

from __future__ import annotations

import time

from engine.errors import Timeout


class Deadline:
    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._at = None if seconds is None else time.monotonic() + seconds

    @classmethod
    def after(cls, seconds: float | None) -> Deadline | None:
        """None when there is no timeout (nothing to check)."""
        return None if seconds is None else cls(seconds)

    def expired(self) -> bool:
        return self._at is not None and time.monotonic() >= self._at

    def check(self) -> None:
        """Raise Timeout once the deadline has passed."""
        if self.expired():
            raise Timeout(f"Operation timed out after {self.seconds} seconds")
