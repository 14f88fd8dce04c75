"""`quiver serve`: read the configuration, set up logging, then run the server until a signal."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable

from server.config.support import unimplemented
from server.logs import setup_logging
from server.settings import ConfigError, load_settings
from server.startup import StartupSnapshots, parse_collection_snapshot

log = logging.getLogger("quiver.config")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="quiver serve", description="Qdrant-compatible vector database server")
    parser.add_argument("--config-path", default=None, help="YAML config file in Qdrant's layout")
    parser.add_argument("--storage-snapshot", default=None, help="restore a full-storage snapshot into empty storage")
    parser.add_argument("--snapshot", action="append", default=[], metavar="PATH:COLLECTION",
                        help="recover a collection from a snapshot file at start (repeatable)")
    parser.add_argument("--force-snapshot", action="store_true", help="let snapshots replace existing data")
    return parser


def serve_command(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        settings, sources = load_settings(args.config_path)
        setup_logging(settings)
    except ConfigError as exc:
        print(f"quiver: {exc}", file=sys.stderr)
        return 2
    for warning in sources.warnings:
        log.warning(warning)
    if sources.files:
        log.info("configuration files read", extra={"files": sources.files})
    ignored, pending = unimplemented(sources.given_keys())
    if ignored or pending:
        log.warning("configuration keys ignored: Quiver does not implement them",
                    extra={"ignored": ignored, "not_implemented_yet": pending})
    snapshots = StartupSnapshots(storage_snapshot=args.storage_snapshot,
                                 collection_snapshots=[parse_collection_snapshot(s) for s in args.snapshot],
                                 force=args.force_snapshot)
    from server.app import serve  # the engine and transports load only for this command

    with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
        runner.run(serve(settings, snapshots))
    return 0


def event_loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's event loop (libuv, in C) where it is installed, else asyncio's default. The REST
    loop's own CPU per request (epoll, transports, the pool threads' wake-ups) is what it cuts."""
    try:
        import uvloop
    except ImportError:  # not a dependency on every platform (it has no Windows build)
        return None
    return uvloop.new_event_loop
