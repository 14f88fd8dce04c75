"""Logging for every logger of the process (Quiver's, uvicorn's, grpc's): one handler on stderr,
one formatter, levels from `log_level` / `logger.log_level`.

A level is Qdrant's filter syntax: `LEVEL[,target=LEVEL...]`, e.g. `INFO,quiver.access=off` (a
target is a Python logger name; Rust-style `a::b` is read as `a.b`). `logger.format` is `json`
(Quiver's default: one JSON object per line) or `text`."""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from typing import IO, TYPE_CHECKING

import orjson

if TYPE_CHECKING:
    from server.settings import Settings

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys()) | {"message", "asctime", "color_message"}
_LEVELS = {"trace": logging.DEBUG, "debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
           "warning": logging.WARNING, "error": logging.ERROR, "critical": logging.CRITICAL,
           "off": logging.CRITICAL + 10}
# Loggers too chatty below INFO unless a directive names them: grpc's cython layer logs
# "Loaded running loop" at DEBUG for every RPC.
_QUIET = ("grpc._cython.cygrpc", "grpc.aio", "asyncio", "hpack", "multipart")


class _Seconds:
    """The last whole second formatted, and its text: the access log formats thousands of lines a
    second, `strftime` once per second is enough. One tuple, swapped whole (threads share it)."""

    last: tuple[int, str] = (-1, "")

    @classmethod
    def text(cls, second: int) -> str:
        cached = cls.last
        if cached[0] != second:
            cached = cls.last = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        return cached[1]


class _Millis:
    """The last millisecond's timestamp text: under load several lines share one millisecond (the
    access log's), and they reuse its text. One tuple, swapped whole (threads share it)."""

    last: tuple[int, int, str] = (-1, -1, "")

    @classmethod
    def text(cls, second: int, msecs: int) -> str:
        cached = cls.last
        if cached[0] != second or cached[1] != msecs:
            cached = cls.last = (second, msecs, f"{_Seconds.text(second)}.{msecs:03d}Z")
        return cached[2]


def _timestamp(record: logging.LogRecord) -> str:
    return _Millis.text(int(record.created), int(record.msecs))


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{k}={v}" for k, v in vars(record).items() if k not in _STANDARD)
        line = f"{_timestamp(record)} {record.levelname:<7} {record.name}: {record.getMessage()}"
        if extra:
            line += " " + extra
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class LoopBatchedHandler(logging.StreamHandler[IO[str]]):
    """A stream handler that writes the lines logged on a running event loop once per loop
    iteration, together, instead of one write (and flush) per line.

    The access log writes a line per request; each write is a system call that lets go of the GIL,
    and the event loop then waits to take it back from an engine thread between its hnswlib calls.
    Under load one loop iteration serves several requests, so their lines go out in one write at
    the end of it (`call_soon`). A line logged off the loop (an engine or optimizer thread) is
    written at once, after any lines still waiting, so the stream keeps the order of the records;
    `flush` (and `logging.shutdown` at exit) writes whatever waits."""

    def __init__(self, stream: IO[str]) -> None:
        super().__init__(stream)
        self._pending: list[str] = []
        self._scheduled_on: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:  # called with self.lock held (Handler.handle)
        try:
            line = self.format(record) + self.terminator
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                loop = None
            if loop is None:
                self._write(line)
                return
            self._pending.append(line)
            if self._scheduled_on is not loop:  # first line of this iteration (or of a new loop)
                self._scheduled_on = loop
                loop.call_soon(self.flush)
        except Exception:  # noqa: BLE001 - logging reports its own failures (stderr), as StreamHandler
            self.handleError(record)

    def flush(self) -> None:
        self.acquire()
        try:
            self._scheduled_on = None
            self._write("")
        finally:
            self.release()

    def _write(self, line: str) -> None:
        """`line` after the waiting lines, in one write, then a flush of the stream."""
        if self._pending:
            line = "".join(self._pending) + line
            self._pending.clear()
        if line:
            self.stream.write(line)
        if self.stream and hasattr(self.stream, "flush"):
            self.stream.flush()


def parse_level(spec: str) -> tuple[int, dict[str, int]]:
    """`INFO,a.b=debug` → (root level, {logger: level}); ValueError names the bad part."""
    root = logging.INFO
    targets: dict[str, int] = {}
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        name, sep, level = part.rpartition("=")
        value = _LEVELS.get((level if sep else part).strip().lower())
        if value is None:
            raise ValueError(f"unknown log level {(level if sep else part).strip()!r} in {spec!r}")
        if sep:
            targets[name.strip().replace("::", ".")] = value
        else:
            root = value
    return root, targets


def setup_logging(settings: Settings) -> None:
    """Raises `ConfigError` (one line) for a log level that cannot be parsed."""
    from server.settings import ConfigError

    spec = settings.effective_log_level
    try:
        root_level, targets = parse_level(spec)
    except ValueError as exc:
        key = "logger.log_level" if settings.logger.log_level else "log_level"
        raise ConfigError(f"invalid configuration: '{key}': {exc}") from None
    handler = LoopBatchedHandler(sys.stderr)
    handler.setFormatter(TextFormatter() if settings.logger.format == "text" else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(root_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        # uvicorn may have installed its own handlers; everything goes through the root's
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(root_level, logging.INFO))
    for name, level in targets.items():
        logging.getLogger(name).setLevel(level)
