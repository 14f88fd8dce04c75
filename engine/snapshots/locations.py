"""Where a snapshot to recover comes from: a `file://` path inside the snapshots directory, or an
`http(s)://` URL downloaded by the server itself, within a `DownloadPolicy` (allowed hosts, a size
cap, an idle and a total time limit). Error texts follow Qdrant's, which clients see; every failed
download is a `BadRequest` with a plain message."""

from __future__ import annotations

import contextlib
import http.client
import secrets
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from engine.errors import BadRequest, Forbidden
from engine.snapshots.progress import ProgressLog

_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class DownloadPolicy:
    """What a recovery from an `http(s)://` URL may do (settings `service.snapshot_url_*`)."""

    enabled: bool = True
    max_bytes: int = 16 << 30
    timeout_s: float = 3600.0
    """The whole download, from connecting to the last byte."""
    idle_timeout_s: float = 60.0
    """The longest wait for any data (connect, headers, each read)."""
    allowed_hosts: tuple[str, ...] = ()
    """Host names or addresses a URL may name (exact, case-insensitive); empty allows all, as Qdrant."""

    def check_url(self, location: str) -> None:
        parts = urlsplit(location)
        if parts.scheme not in ("http", "https"):
            raise BadRequest(f"Snapshot download: only http:// and https:// may be followed, not {parts.scheme}://")
        host = (parts.hostname or "").lower()
        if self.allowed_hosts and host not in {h.lower() for h in self.allowed_hosts}:
            raise Forbidden(f"Snapshot download from host {host!r} is not allowed "
                            "(service.snapshot_url_allowed_hosts)")


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects are followed only to allowed hosts; the recover request's `api_key` goes only to
    the host it was given for (it is an unredirected header: re-added for the same host)."""

    def __init__(self, policy: DownloadPolicy, api_key: str | None) -> None:
        self.policy, self.api_key = policy, api_key

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str,
                         headers: http.client.HTTPMessage, newurl: str) -> urllib.request.Request | None:
        self.policy.check_url(newurl)
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and self.api_key is not None and urlsplit(newurl).netloc == urlsplit(req.full_url).netloc:
            new.add_unredirected_header("api-key", self.api_key)
        return new


@dataclass(slots=True)
class LocalSnapshot:
    path: Path
    temporary: bool
    """True when the file is our download and must be removed after the recovery."""

    def discard(self) -> None:
        if self.temporary:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def _local_file(url_host: str, url_path: str, snapshots_dir: Path) -> LocalSnapshot:
    path = Path(unquote(url_path))
    if url_host not in ("", "localhost") or not path.is_absolute():
        raise BadRequest("Invalid snapshot URI, file path must be absolute or on localhost")
    if not path.exists():
        raise BadRequest(f'Snapshot file "{path}" does not exist')
    # Resolve symlinks and `..` before the containment check, so neither can lead outside.
    real = path.resolve()
    allowed = snapshots_dir.resolve()
    if not real.is_relative_to(allowed):
        raise Forbidden(f'Snapshot file path must be inside the snapshots directory "{allowed}"')
    if not real.is_file():
        raise BadRequest(f'Snapshot file "{path}" is not a file')
    return LocalSnapshot(real, temporary=False)


def _download(location: str, download_dir: Path, api_key: str | None, policy: DownloadPolicy) -> LocalSnapshot:
    if not policy.enabled:
        raise Forbidden("Snapshot recovery from a URL is disabled (service.enable_snapshot_url_recovery)")
    policy.check_url(location)
    download_dir.mkdir(parents=True, exist_ok=True)
    target = download_dir / f"download-{secrets.token_hex(8)}.snapshot"
    request = urllib.request.Request(location)
    if api_key is not None:
        # only the key given in the recover request, never the caller's; not sent after a redirect elsewhere
        request.add_unredirected_header("api-key", api_key)
    parts = urlsplit(location)
    # Logged without user info or query string: either may carry credentials.
    progress = ProgressLog("snapshot download", f"{parts.scheme}://{parts.hostname}:{parts.port or ''}{parts.path}")
    opener = urllib.request.build_opener(_Redirects(policy, api_key))
    deadline = time.monotonic() + policy.timeout_s
    done = 0
    try:
        with opener.open(request, timeout=min(policy.idle_timeout_s, policy.timeout_s)) as response, \
                open(target, "wb") as out:
            total = int(response.headers.get("content-length") or 0)
            if total > policy.max_bytes:
                raise _TooLarge(total)
            while chunk := response.read1(_CHUNK):
                done += len(chunk)
                if done > policy.max_bytes:
                    raise _TooLarge(done)
                if time.monotonic() > deadline:
                    raise _TooSlow()
                out.write(chunk)
                progress(done, max(total, done))
    except (_TooLarge, _TooSlow, urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        reason = _limit_text(exc, policy) or _plain(exc)
        # a non-HTTP peer (e.g. a gRPC port) makes http.client quote its raw bytes: never echo them
        raise BadRequest(f"Failed to download snapshot from {progress.name}: {reason}") from None
    progress.finished(bytes=done)
    return LocalSnapshot(target, temporary=True)


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


def _limit_text(exc: Exception, policy: DownloadPolicy) -> str | None:
    if isinstance(exc, _TooLarge):
        return f"larger than {policy.max_bytes} bytes (service.snapshot_url_max_size_mb)"
    if isinstance(exc, _TooSlow):
        return f"took longer than {policy.timeout_s:g} s (service.snapshot_url_timeout_sec)"
    return None


def _plain(exc: Exception) -> str:
    if isinstance(exc, http.client.HTTPException):
        return "the server did not answer with HTTP"
    text = str(exc)
    if not text.isprintable() or len(text) > 200:
        return type(exc).__name__
    return text


def fetch(location: str, snapshots_dir: Path, download_dir: Path, api_key: str | None = None,
          policy: DownloadPolicy = DownloadPolicy()) -> LocalSnapshot:
    """A local file holding the snapshot at `location` (downloaded into `download_dir` if remote)."""
    try:
        parts = urlsplit(location)
        parts.port  # noqa: B018 (a port that is not a number raises here, not later as a 500)
    except ValueError:
        raise BadRequest(f"Invalid snapshot URI: {location}") from None
    if parts.scheme == "file":
        return _local_file(parts.netloc, parts.path, snapshots_dir)
    if parts.scheme in ("http", "https"):
        return _download(location, download_dir, api_key, policy)
    raise BadRequest(f"Invalid snapshot URI `{location}`: only file://, http:// and https:// are supported")


def save_upload(source: IO[bytes], download_dir: Path) -> LocalSnapshot:
    """Copy an uploaded file object (anything with `read`) to a temporary file next to the storage."""
    download_dir.mkdir(parents=True, exist_ok=True)
    target = download_dir / f"upload-{secrets.token_hex(8)}.snapshot"
    try:
        with open(target, "wb") as out:
            shutil.copyfileobj(source, out, _CHUNK)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        raise
    return LocalSnapshot(target, temporary=True)
