"""Segmented write-ahead log of opaque records (see :mod:`storage.wal.log` for durability)."""

from storage.wal.log import DEFAULT_CAPACITY_BYTES, FsyncPolicy, Wal

__all__ = ["DEFAULT_CAPACITY_BYTES", "FsyncPolicy", "Wal"]
