"""Storage error kinds.

The storage layer raises these (plus plain ``OSError`` for I/O failures it cannot interpret);
the engine decides what each means for a collection. None of them carries an HTTP code.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base class for every error raised deliberately by ``storage``."""


class CorruptionError(StorageError):
    """Persisted bytes fail validation (bad magic, CRC mismatch, missing records) somewhere
    other than a recoverable torn tail. Data that was once acknowledged may be lost."""


class LockedError(StorageError):
    """Another open handle (in this or another process) already owns the directory."""


class ClosedError(StorageError):
    """The object was used after ``close()``."""


class ArchiveError(StorageError):
    """A tar archive cannot be read (truncated, not a tar file)."""


class UnsafeArchiveError(ArchiveError):
    """A tar member would escape the target directory or is a kind we refuse to create."""
