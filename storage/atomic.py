"""Atomic replacement of small state files.

A reader (or a process restarted after a crash or power loss) sees either the complete old
content or the complete new content of a file, never a mix: the new bytes go to a temporary
file in the same directory, are fsynced, renamed over the target (rename is atomic within one
filesystem) and finally the directory is fsynced so the rename itself is durable.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_MARKER = ".tmp-"


def fsync_dir(path: str | os.PathLike[str]) -> None:
    """fsync a directory so that entries created, renamed or removed in it survive power loss."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_path(target: Path) -> Path:
    # Hidden, unique per writer, and in the same directory so os.replace never crosses filesystems.
    return target.with_name(f".{target.name}{TEMP_MARKER}{os.getpid()}-{secrets.token_hex(4)}")


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], fsync: bool = True) -> Iterator[BinaryIO]:
    """Yield a binary file object; on clean exit its content atomically replaces ``path``.

    If the body raises, the temporary file is removed and ``path`` is untouched. With
    ``fsync=False`` the swap is still atomic for other processes and survives a process crash,
    but after power loss the file may hold the old content (or, on some filesystems, be empty).
    """
    target = Path(path)
    tmp = _temp_path(target)
    f = open(tmp, "xb")  # noqa: SIM115 - closed explicitly below, before the rename
    try:
        yield f
        f.flush()
        if fsync:
            # Data must be on disk before the rename is, or a crash could expose an empty file.
            os.fsync(f.fileno())
        f.close()
        os.replace(tmp, target)
    except BaseException:
        f.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    if fsync:
        fsync_dir(target.parent)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, fsync: bool = True) -> None:
    """Replace ``path`` with ``data`` atomically (temp file, fsync, rename, fsync directory)."""
    with atomic_writer(path, fsync=fsync) as f:
        f.write(data)


def atomic_write_with(
    path: str | os.PathLike[str], write: Callable[[BinaryIO], object], fsync: bool = True
) -> None:
    """Like :func:`atomic_write_bytes`, but ``write(f)`` streams the content (e.g. ``np.save``)."""
    with atomic_writer(path, fsync=fsync) as f:
        write(f)


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """Return the whole content of ``path`` (raises ``FileNotFoundError`` if absent)."""
    with open(path, "rb") as f:
        return f.read()


def remove_stale_temps(directory: str | os.PathLike[str]) -> int:
    """Delete temporary files left in ``directory`` by writers that crashed mid-write.

    Only safe when no writer is active in the directory (e.g. at open). Returns the count removed.
    """
    removed = 0
    for entry in os.scandir(directory):
        if entry.name.startswith(".") and TEMP_MARKER in entry.name and entry.is_file():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(entry.path)
                removed += 1
    return removed
