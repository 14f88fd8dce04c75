"""Datetime payload values and range bounds: the formats Qdrant accepts, compared as UTC instants.

Accepted: `YYYY-MM-DD`, `YYYY-MM-DD[T| ]HH:MM`, and `YYYY-MM-DD[T| ]HH:MM:SS[.fraction]` with an
optional offset (`Z`, `z`, `+HH:MM`, `+HHMM`, `+HH`, optionally after one space, or ` UTC`).
No offset means UTC. Fractions beyond microseconds are truncated (Python's resolution).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

_PATTERN = re.compile(
    r"(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2})(?:\.(?P<f>\d+))?"
    r"(?P<tz> UTC| ?(?:[Zz]|[+-]\d{2}(?::?\d{2})?))?)?)?"
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


def _offset(tz: str) -> timezone:
    tz = tz.strip()
    if tz in ("Z", "z", "UTC"):
        return UTC
    sign = -1 if tz[0] == "-" else 1
    digits = tz[1:].replace(":", "")
    hours = int(digits[:2])
    minutes = int(digits[2:4]) if len(digits) > 2 else 0
    if minutes >= 60:
        raise ValueError("bad offset")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_datetime(text: str) -> datetime | None:
    """A timezone-aware datetime, or None when `text` is not a datetime Qdrant accepts."""
    m = _PATTERN.fullmatch(text.lstrip())
    if m is None:
        return None
    fraction = m["f"] or ""
    micros = int((fraction[:6]).ljust(6, "0")) if fraction else 0
    try:
        tz = _offset(m["tz"]) if m["tz"] else UTC
        return datetime(
            int(m["y"]),
            int(m["mo"]),
            int(m["d"]),
            int(m["h"] or 0),
            int(m["mi"] or 0),
            int(m["s"] or 0),
            micros,
            tzinfo=tz,
        )
    except ValueError:
        return None


def as_aware(dt: datetime) -> datetime:
    """Naive datetimes are read as UTC."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def to_micros(dt: datetime) -> int:
    """Microseconds since the Unix epoch (fits int64 for years 1..9999)."""
    return (as_aware(dt) - EPOCH) // _MICRO
