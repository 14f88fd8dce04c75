"""`python -m bench.core_v2.loop_cpu STORE [--requests N] [--repeats R]`: event-loop CPU per search
of the REST app with the engine stubbed, in-process, for A/B runs of the server's own Python.

STORE is a directory whose `storage/` holds collection `core_v2` (figure 1's storage after its
ingest, as for `bench.core_v2.ab_restarted`); it is copied. The app is built as `server/app.py`
builds it (settings, logging to a file, `ObservedService`, `build_app`) and driven as uvicorn drives
it, one request at a time, without uvicorn and without sockets: the figure is what Quiver runs on
the event loop per `points/query` (the lean path, access log and statistics, conversion, render and
the engine-pool hop) minus the HTTP parsing. `reads.query` answers a precomputed result on the pool
thread, so no engine CPU is in it. Prints the best of R rounds of N requests (main-thread CPU / N).
Run it from the checkout to measure (`cd CHECKOUT && python -m bench.core_v2.loop_cpu ...`).
"""

# ruff: noqa: E402  (BLAS threads pinned before numpy is imported, as the server does)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench.core_v2.server_search import COLLECTION, QUERY_PATH, plain_bodies
from bench.data import make_dataset
from engine.collection import reads
from engine.toc import TableOfContents
from server import service as service_module
from server.cli import event_loop_factory
from server.convert import query_api
from server.logs import setup_logging
from server.rest.app import build_app
from server.settings import load_settings
from server.telemetry.issues import IssueBoard
from server.telemetry.observed_service import ObservedService
from server.telemetry.requests import RequestStats


def _scope(body: bytes) -> dict[str, Any]:
    return {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
            "scheme": "http", "path": QUERY_PATH, "raw_path": QUERY_PATH.encode(), "query_string": b"",
            "root_path": "", "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 6333),
            "headers": [(b"host", b"127.0.0.1:6333"), (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode())]}


async def _one(app: Any, body: bytes) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(_scope(body), receive, send)
    if sent[0]["status"] != 200:
        raise RuntimeError(f"status {sent[0]['status']}: {sent[1].get('body', b'')[:300]!r}")


async def _rounds(app: Any, bodies: list[bytes], requests: int, repeats: int) -> float:
    for body in bodies[:100]:  # warm-up
        await _one(app, body)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.thread_time()
        for i in range(requests):
            await _one(app, bodies[i % len(bodies)])
        best = min(best, (time.thread_time() - t0) / requests)
    return best


def main() -> None:
    p = argparse.ArgumentParser(prog="python -m bench.core_v2.loop_cpu")
    p.add_argument("store", type=Path)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--repeats", type=int, default=7)
    args = p.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="core-v2-loop-cpu-"))
    try:
        shutil.copytree(args.store / "storage", tmp / "storage")
        settings, _ = load_settings(env={"QDRANT__STORAGE__STORAGE_PATH": str(tmp / "storage")})
        stderr = sys.stderr
        with (tmp / "server.log").open("w") as log:
            sys.stderr = log  # the access log is written, as by the server, but not to the terminal
            try:
                setup_logging(settings)
            finally:
                sys.stderr = stderr
            toc = TableOfContents(tmp / "storage")
            toc.load()
            service = ObservedService(toc, 0, issues=IssueBoard())
            try:
                app = build_app(service, settings, RequestStats())
                bodies = [orjson.dumps(b) for b in plain_bodies(make_dataset(20_000, 128, 200))]
                canned = reads.query(toc.get(COLLECTION), query_api.query_from_json(orjson.loads(bodies[0])))
                service_module.reads.query = lambda *_args: canned  # type: ignore[assignment, misc]
                with asyncio.Runner(loop_factory=event_loop_factory()) as runner:
                    best = runner.run(_rounds(app, bodies, args.requests, args.repeats))
            finally:
                service.shutdown()
                toc.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps({"loop_us_per_search": round(best * 1e6, 2), "requests": args.requests,
                      "repeats": args.repeats, "load": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
