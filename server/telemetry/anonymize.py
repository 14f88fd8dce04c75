"""Qdrant's `anonymize=true`: names become a hash, large counts keep their 4-5 leading digits."""

from __future__ import annotations

import hashlib
import math


def anonymize_name(name: str) -> str:
    return str(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


def anonymize_count(value: int) -> int:
    if value <= 0:
        return value
    digits = round(math.log10(value))
    if digits > 4:
        coeff = 10 ** (digits - 4)
        return (value // coeff) * coeff
    return value
