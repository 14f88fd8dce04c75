"""Tar archives of directories (snapshots) and path-traversal-safe extraction; file checksums.

Archives are plain (uncompressed) tar, member names relative to the archived directory,
written in sorted order so the same tree gives the same member order. Only directories and
regular files are archived; symlinks and special files in the source are skipped (a snapshot
holds data files only). The caller keeps the tree stable while archiving (a file that shrinks
mid-read makes tarfile raise).

Extraction treats the archive as hostile (it may be a user upload): every member is checked
before anything is written, then ``tarfile``'s ``"data"`` filter is applied as a second line
of defence, which also resolves symlink chains against the real target directory.
"""

from __future__ import annotations

import hashlib
import io
import os
import posixpath
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, cast

from storage.atomic import atomic_writer
from storage.errors import ArchiveError, UnsafeArchiveError

ProgressFn = Callable[[int, int], None]
"""Called as ``progress(bytes_done, bytes_total)`` while file data is archived."""

_CHUNK = 1 << 20


class _ProgressReader(io.RawIOBase):
    """Wraps a file being archived and reports each chunk tarfile reads."""

    def __init__(self, raw: IO[bytes], report: Callable[[int], None]) -> None:
        self._raw = raw
        self._report = report

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._report(len(data))
        return data


def _collect(src: Path) -> tuple[list[Path], int]:
    entries: list[Path] = []
    total = 0
    for root, dirs, files in os.walk(src):
        dirs.sort()
        base = Path(root)
        for name in dirs:
            if not (base / name).is_symlink():
                entries.append(base / name)
        for name in sorted(files):
            path = base / name
            if path.is_file() and not path.is_symlink():
                entries.append(path)
                total += path.stat().st_size
    return entries, total


def create_tar(
    src_dir: str | os.PathLike[str],
    dest: str | os.PathLike[str],
    progress: ProgressFn | None = None,
    fsync: bool = True,
) -> int:
    """Archive ``src_dir`` into ``dest`` atomically (``dest`` appears complete or not at all).

    Returns the total bytes of file data archived.
    """
    src = Path(src_dir)
    entries, total = _collect(src)
    done = 0

    def report(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None and n:
            progress(done, total)

    with (
        atomic_writer(dest, fsync=fsync) as out,
        tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for path in entries:
            info = tar.gettarinfo(str(path), arcname=path.relative_to(src).as_posix())
            if info.isdir():
                tar.addfile(info)
                continue
            with open(path, "rb") as fh:
                tar.addfile(info, cast(IO[bytes], _ProgressReader(fh, report)))
    if progress is not None and total == 0:
        progress(0, 0)
    return total


def _unsafe(member: tarfile.TarInfo, why: str) -> UnsafeArchiveError:
    return UnsafeArchiveError(f"refusing archive member {member.name!r}: {why}")


def _escapes(relative: str) -> bool:
    """True if a '/'-separated path, taken relative to the target root, leaves it."""
    norm = posixpath.normpath(relative)
    return norm == ".." or norm.startswith("../") or posixpath.isabs(norm)


def check_member(member: tarfile.TarInfo) -> None:
    """Raise :class:`UnsafeArchiveError` unless extracting ``member`` stays inside the target."""
    name = member.name
    if not name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        raise _unsafe(member, "absolute path")
    if ".." in name.replace("\\", "/").split("/"):
        raise _unsafe(member, "'..' in path")
    if member.isdev() or not (member.isreg() or member.isdir() or member.issym() or member.islnk()):
        raise _unsafe(member, "device, fifo or other special file")
    if member.issym():
        target = posixpath.join(posixpath.dirname(name), member.linkname)
        if posixpath.isabs(member.linkname) or _escapes(target):
            raise _unsafe(member, f"symlink to {member.linkname!r} leaves the target directory")
    if member.islnk() and (posixpath.isabs(member.linkname) or _escapes(member.linkname)):
        raise _unsafe(member, f"hard link to {member.linkname!r} leaves the target directory")


def extract_tar(archive: str | os.PathLike[str], target_dir: str | os.PathLike[str]) -> list[str]:
    """Extract ``archive`` into ``target_dir`` (created if needed); return the member names.

    Raises :class:`UnsafeArchiveError` before writing anything if a member is absolute, contains
    ``..``, is a device/fifo, or is a link leading outside ``target_dir``; :class:`ArchiveError`
    if the file is not a readable tar archive. Escapes only visible through a chain of links
    are caught by the ``"data"`` filter during extraction, and a truncated archive fails midway:
    both can leave partial output, so extract into a fresh directory and discard it on error.
    """
    target = Path(target_dir)
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            members = tar.getmembers()
            for member in members:
                check_member(member)
            target.mkdir(parents=True, exist_ok=True)
            tar.extractall(target, members=members, filter="data")
    except tarfile.FilterError as exc:
        raise UnsafeArchiveError(f"refusing archive: {exc}") from exc
    except tarfile.TarError as exc:
        raise ArchiveError(f"cannot read archive {archive}: {exc}") from exc
    return [m.name for m in members]


def sha256_file(path: str | os.PathLike[str], chunk_size: int = _CHUNK) -> str:
    """Hex sha256 of a file, read in chunks (constant memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
