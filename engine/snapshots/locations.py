"""Where a snapshot to recover comes from: a `file://` path inside the snapshots directory, or an
`http(s)://` URL downloaded by the server itself. Error texts follow Qdrant's, which clients see."""

from __future__ import annotations

import contextlib
import http.client
import secrets
import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urlsplit

from engine.errors import BadRequest, Forbidden
from engine.snapshots.progress import ProgressLog

DOWNLOAD_TIMEOUT_S = 60.0
_CHUNK = 1 << 20


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


def _download(location: str, download_dir: Path, api_key: str | None) -> LocalSnapshot:
    download_dir.mkdir(parents=True, exist_ok=True)
    target = download_dir / f"download-{secrets.token_hex(8)}.snapshot"
    request = urllib.request.Request(location)
    if api_key is not None:
        request.add_header("api-key", api_key)
    parts = urlsplit(location)
    # Logged without user info or query string: either may carry credentials.
    progress = ProgressLog("snapshot download", f"{parts.scheme}://{parts.hostname}:{parts.port or ''}{parts.path}")
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_S) as response, open(target, "wb") as out:
            total = int(response.headers.get("content-length") or 0)
            done = 0
            while chunk := response.read(_CHUNK):
                out.write(chunk)
                done += len(chunk)
                progress(done, max(total, done))
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        with contextlib.suppress(FileNotFoundError):
            target.unlink()
        # a non-HTTP peer (e.g. a gRPC port) makes http.client quote its raw bytes: never echo them
        raise BadRequest(f"Failed to download snapshot from {progress.name}: {_plain(exc)}") from None
    progress.finished(bytes=done)
    return LocalSnapshot(target, temporary=True)


def _plain(exc: Exception) -> str:
    if isinstance(exc, http.client.HTTPException):
        return "the server did not answer with HTTP"
    text = str(exc)
    if not text.isprintable() or len(text) > 200:
        return type(exc).__name__
    return text


def fetch(location: str, snapshots_dir: Path, download_dir: Path, api_key: str | None = None) -> LocalSnapshot:
    """A local file holding the snapshot at `location` (downloaded into `download_dir` if remote)."""
    try:
        parts = urlsplit(location)
    except ValueError:
        raise BadRequest(f"Invalid snapshot URI: {location}") from None
    if parts.scheme == "file":
        return _local_file(parts.netloc, parts.path, snapshots_dir)
    if parts.scheme in ("http", "https"):
        return _download(location, download_dir, api_key)
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
