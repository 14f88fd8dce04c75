"""SipHash-2-4 with a zero key over canonical point-id bytes: the hash behind `slice` conditions.

Numeric ids hash their 8 little-endian bytes, UUIDs their 16 RFC 4122 bytes.
"""

from __future__ import annotations

import uuid

from engine.point_id import PointId

_M = 2**64 - 1


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _M


def _round(v: list[int]) -> None:
    v[0] = (v[0] + v[1]) & _M
    v[1] = _rotl(v[1], 13) ^ v[0]
    v[0] = _rotl(v[0], 32)
    v[2] = (v[2] + v[3]) & _M
    v[3] = _rotl(v[3], 16) ^ v[2]
    v[0] = (v[0] + v[3]) & _M
    v[3] = _rotl(v[3], 21) ^ v[0]
    v[2] = (v[2] + v[1]) & _M
    v[1] = _rotl(v[1], 17) ^ v[2]
    v[2] = _rotl(v[2], 32)


def siphash24(data: bytes, k0: int = 0, k1: int = 0) -> int:
    # the initial state is the ASCII of "somepseudorandomlygeneratedbytes" xor the key
    v = [
        k0 ^ 0x736F6D6570736575,
        k1 ^ 0x646F72616E646F6D,
        k0 ^ 0x6C7967656E657261,
        k1 ^ 0x7465646279746573,
    ]
    full = len(data) // 8 * 8
    blocks = [int.from_bytes(data[i : i + 8], "little") for i in range(0, full, 8)]
    # final block: remaining bytes, zero padded, length in the top byte
    blocks.append(int.from_bytes(data[full:].ljust(8, b"\0"), "little") | ((len(data) & 0xFF) << 56))
    for m in blocks:
        v[3] ^= m
        _round(v)
        _round(v)
        v[0] ^= m
    v[2] ^= 0xFF
    for _ in range(4):
        _round(v)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def id_slice(pid: PointId, total: int) -> int:
    """Which of `total` slices the point id falls in."""
    raw = pid.to_bytes(8, "little") if isinstance(pid, int) else uuid.UUID(pid).bytes
    return siphash24(raw) % total
