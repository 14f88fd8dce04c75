"""Tar archives: round trip with progress, checksum, and refusal of unsafe members."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from storage.errors import ArchiveError, UnsafeArchiveError
from storage.tar import create_tar, extract_tar, sha256_file


def make_tree(root: Path) -> None:
    (root / "segments" / "s1").mkdir(parents=True)
    (root / "config.json").write_bytes(b'{"a": 1}')
    (root / "segments" / "s1" / "vectors.npy").write_bytes(bytes(range(256)) * 5000)
    (root / "empty").mkdir()


def test_round_trip_with_progress(tmp_path: Path) -> None:
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    make_tree(src)
    calls: list[tuple[int, int]] = []
    total = create_tar(src, tmp_path / "snap.tar", progress=lambda d, t: calls.append((d, t)))
    assert total == 8 + 256 * 5000
    assert calls[-1] == (total, total)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    names = extract_tar(tmp_path / "snap.tar", out)
    assert "segments/s1/vectors.npy" in names and "empty" in names
    assert (out / "config.json").read_bytes() == b'{"a": 1}'
    assert (out / "segments" / "s1" / "vectors.npy").read_bytes() == bytes(range(256)) * 5000
    assert (out / "empty").is_dir()


def test_symlinks_in_source_are_skipped(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "real").write_bytes(b"x")
    (src / "link").symlink_to("/etc/passwd")
    create_tar(src, tmp_path / "a.tar")
    with tarfile.open(tmp_path / "a.tar") as tar:
        assert tar.getnames() == ["real"]


def test_sha256_matches_hashlib(tmp_path: Path) -> None:
    p = tmp_path / "f"
    data = b"abc" * 1_000_000
    p.write_bytes(data)
    assert sha256_file(p, chunk_size=4096) == hashlib.sha256(data).hexdigest()


def evil_tar(path: Path, member: tarfile.TarInfo, data: bytes = b"") -> None:
    with tarfile.open(path, "w") as tar:
        ok = tarfile.TarInfo("fine.txt")
        ok.size = 2
        tar.addfile(ok, io.BytesIO(b"ok"))
        member.size = len(data) if member.isreg() else 0
        tar.addfile(member, io.BytesIO(data) if member.isreg() else None)


def info(name: str, kind: bytes = tarfile.REGTYPE, linkname: str = "") -> tarfile.TarInfo:
    m = tarfile.TarInfo(name)
    m.type = kind
    m.linkname = linkname
    return m


@pytest.mark.parametrize(
    "member",
    [
        info("/etc/evil"),
        info("../evil"),
        info("a/../../evil"),
        info("a/b/../../../evil"),
        info("link", tarfile.SYMTYPE, "/etc/passwd"),
        info("link", tarfile.SYMTYPE, "../outside"),
        info("a/link", tarfile.SYMTYPE, "../../outside"),
        info("hard", tarfile.LNKTYPE, "/etc/passwd"),
        info("hard", tarfile.LNKTYPE, "../outside"),
        info("dev", tarfile.CHRTYPE),
        info("blk", tarfile.BLKTYPE),
        info("fifo", tarfile.FIFOTYPE),
    ],
    ids=lambda m: f"{m.name}->{m.linkname}" if m.linkname else m.name,
)
def test_unsafe_members_are_refused_before_writing(tmp_path: Path, member: tarfile.TarInfo) -> None:
    evil_tar(tmp_path / "evil.tar", member, b"pwned")
    target = tmp_path / "target" / "inner"
    with pytest.raises(UnsafeArchiveError):
        extract_tar(tmp_path / "evil.tar", target)
    assert not target.exists()  # nothing extracted, not even the safe member
    assert not (tmp_path / "evil").exists() and not (tmp_path / "target" / "evil").exists()


def test_internal_links_are_allowed(tmp_path: Path) -> None:
    with tarfile.open(tmp_path / "a.tar", "w") as tar:
        f = tarfile.TarInfo("dir/file")
        f.size = 3
        tar.addfile(f, io.BytesIO(b"abc"))
        tar.addfile(info("dir/alias", tarfile.SYMTYPE, "file"))
    extract_tar(tmp_path / "a.tar", tmp_path / "out")
    assert (tmp_path / "out" / "dir" / "alias").read_bytes() == b"abc"


def test_symlink_chain_escape_is_refused(tmp_path: Path) -> None:
    # Each link looks harmless alone; writing through them would land outside the target.
    with tarfile.open(tmp_path / "a.tar", "w") as tar:
        tar.addfile(info("sub", tarfile.DIRTYPE))
        tar.addfile(info("sub/up", tarfile.SYMTYPE, ".."))
        tar.addfile(info("sub/up/x", tarfile.SYMTYPE, ".."))  # resolves to target's parent
        f = info("sub/up/x/escaped")
        f.size = 1
        tar.addfile(f, io.BytesIO(b"!"))
    with pytest.raises(UnsafeArchiveError):
        extract_tar(tmp_path / "a.tar", tmp_path / "out")
    assert not (tmp_path / "escaped").exists()


def test_not_a_tar_file_is_an_archive_error(tmp_path: Path) -> None:
    (tmp_path / "junk.tar").write_bytes(b"this is not a tar archive" * 40)
    with pytest.raises(ArchiveError):
        extract_tar(tmp_path / "junk.tar", tmp_path / "out")
