"""Logging for every logger of the process (Quiver's, uvicorn's, grpc's): one handler on stderr,
one formatter, levels from `log_level` / `logger.log_level`.

A level is Qdrant's filter syntax: `LEVEL[,target=LEVEL...]`, e.g. `INFO,quiver.access=off` (a
target is a Python logger name; Rust-style `a::b` is read as `a.b`). `logger.format` is `json`
(Quiver's default: one JSON object per line) or `text`."""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

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


def _timestamp(record: logging.LogRecord) -> str:
    return f"{_Seconds.text(int(record.created))}.{int(record.msecs):03d}Z"


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
    handler = logging.StreamHandler(sys.stderr)
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
