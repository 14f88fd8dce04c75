"""Composition root: settings → engine → REST app (+ gRPC server later), all in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn

from engine.optimizer import Optimizer
from engine.persistence.flusher import Flusher
from engine.toc import TableOfContents
from server.rest.app import build_app
from server.service import Service
from server.settings import Settings

log = logging.getLogger("quiver")


class _Server(uvicorn.Server):
    """uvicorn re-raises a captured SIGTERM after serving, which would kill the process before the
    engine is flushed; we handle the signals ourselves instead."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _request_exit(server: uvicorn.Server) -> None:
    log.info("signal received, stopping")
    server.should_exit = True


async def serve(settings: Settings) -> None:
    if settings.fsync not in ("always", "interval", "never"):
        raise SystemExit(f"unknown WAL fsync policy {settings.fsync!r}: use always, interval or never")
    toc = TableOfContents(settings.storage_path, fsync=settings.fsync)  # type: ignore[arg-type]
    toc.load()
    optimizer = Optimizer(toc)
    optimizer.start()
    flusher = Flusher(toc)
    flusher.start()
    service = Service(toc, settings.workers)
    app = build_app(service, settings)
    config = uvicorn.Config(app, host=settings.host, port=settings.http_port, log_level="warning",
                            access_log=False, lifespan="off", limit_concurrency=None)
    server = _Server(config)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _request_exit, server)
    log.info("listening", extra={"http": f"{settings.host}:{settings.http_port}"})
    await server.serve()
    log.info("shutting down")
    flusher.stop()
    optimizer.stop()
    service.shutdown()
    toc.close()  # flush everything and close the WALs
    log.info("stopped")
