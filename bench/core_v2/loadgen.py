"""Closed-loop HTTP load: C keep-alive connections, each sending pre-encoded JSON POSTs back to back.

`python -m bench.core_v2.loadgen --port P --path /collections/c/points/query --bodies F.json
--concurrency 8 --requests 4000 --duration 10 [--server-pid PID]` prints one JSON object: count,
QPS, latency percentiles, the load generator's own CPU, and (with --server-pid) the server's
process and per-thread CPU over exactly the measured window (`bench.core_v2.procstat`).

Why not httpx or the stock client: on a 2-core machine the load generator shares the cores with
the server, and httpx's async client costs a few hundred µs of CPU per request — at the floor
app's thousands of requests per second that would be most of a core taken from the server. This
client is asyncio streams and a pre-built request per body: tens of µs per request. It speaks
only what it needs (HTTP/1.1, Content-Length responses) and fails loudly on anything else.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.core_v2.procstat import CpuWindow
from bench.server_proc import REPO_ROOT


def build_requests(host: str, port: int, path: str, bodies: list[bytes]) -> list[bytes]:
    head = f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    return [f"{head}Content-Length: {len(b)}\r\n\r\n".encode() + b for b in bodies]


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
        elif name.strip().lower() == "transfer-encoding":
            raise RuntimeError(f"unsupported Transfer-Encoding: {value.strip()}")
    if length is None:
        raise RuntimeError("response without Content-Length")
    return status, await reader.readexactly(length)


class Load:
    """Shared state of one run: which body is next, when to stop, what was recorded."""

    def __init__(self, requests: list[bytes], total: int, warmup: int) -> None:
        self.requests = requests
        self.next = itertools.count()
        self.total = total
        self.warmup = warmup
        self.deadline = float("inf")
        self.latencies: list[float] = []
        self.errors = 0
        self.first_error = ""
        self.body_bytes = 0
        self.sample = b""
        self.measuring = asyncio.Event()
        self.warm_done = 0

    def take(self) -> int | None:
        i = next(self.next)
        if i >= self.warmup + self.total or time.perf_counter() >= self.deadline:
            return None
        return i


async def worker(host: str, port: int, load: Load, on_warm: asyncio.Future[None]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while (i := load.take()) is not None:
            if i >= load.warmup:  # measured requests start together, once every warm-up one is back
                await load.measuring.wait()
                if time.perf_counter() >= load.deadline:
                    break
            t0 = time.perf_counter()
            writer.write(load.requests[i % len(load.requests)])
            status, body = await read_response(reader)
            dt = time.perf_counter() - t0
            if i < load.warmup:
                load.warm_done += 1
                if load.warm_done == load.warmup and not on_warm.done():
                    on_warm.set_result(None)
                continue
            if status != 200:
                load.errors += 1
                load.first_error = load.first_error or f"{status}: {body[:300]!r}"
                continue
            load.latencies.append(dt)
            load.body_bytes += len(body)
            if not load.sample:
                load.sample = body
    finally:
        writer.close()


async def run(host: str, port: int, path: str, bodies: list[bytes], concurrency: int, total: int,
              duration_s: float, server_pid: int, pool_prefix: str) -> dict[str, Any]:
    warmup = max(concurrency * 4, 20)
    load = Load(build_requests(host, port, path, bodies), total, warmup)
    on_warm: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    tasks = [asyncio.create_task(worker(host, port, load, on_warm)) for _ in range(concurrency)]
    await asyncio.wait([on_warm, *tasks], return_when=asyncio.FIRST_COMPLETED)
    if not on_warm.done():  # a worker failed during the warm-up
        await asyncio.gather(*tasks)
        raise RuntimeError("load generator stopped during warm-up")
    window = CpuWindow(server_pid).start() if server_pid else None
    ru0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    load.deadline = t0 + duration_s
    load.measuring.set()
    await asyncio.gather(*tasks)
    wall = time.perf_counter() - t0
    ru1 = resource.getrusage(resource.RUSAGE_SELF)
    if window is not None:
        window.stop()
    count = len(load.latencies)
    lat = sorted(load.latencies)
    client_cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    out: dict[str, Any] = {
        "concurrency": concurrency,
        "requests": count,
        "errors": load.errors,
        "first_error": load.first_error,
        "wall_s": round(wall, 3),
        "qps": round(count / wall, 1) if wall > 0 else 0.0,
        "p50_ms": round(_pct(lat, 50) * 1e3, 3),
        "p99_ms": round(_pct(lat, 99) * 1e3, 3),
        "mean_ms": round(sum(lat) / count * 1e3, 3) if count else None,
        "response_bytes_mean": round(load.body_bytes / count, 1) if count else None,
        "client_cpu_cores": round(client_cpu / wall, 3) if wall > 0 else None,
        "sample_response": load.sample.decode("utf-8", "replace"),
    }
    if window is not None:
        out["server"] = window.summary(count + load.errors, pool_prefix)
    return out


def _pct(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.core_v2.loadgen")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--path", required=True)
    p.add_argument("--bodies", type=Path, required=True, help="JSON file: a list of request bodies")
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--requests", type=int, default=4000, help="measured requests (after a warm-up)")
    p.add_argument("--duration", type=float, default=10.0, help="stop after this many seconds anyway")
    p.add_argument("--server-pid", type=int, default=0)
    p.add_argument("--pool-prefix", default="engine")
    args = p.parse_args(argv)
    bodies = [json.dumps(b, separators=(",", ":")).encode() for b in json.loads(args.bodies.read_text())]
    result = asyncio.run(run(args.host, args.port, args.path, bodies, args.concurrency, args.requests,
                             args.duration, args.server_pid, args.pool_prefix))
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()


def run_load(port: int, path: str, bodies: Path, concurrency: int, requests: int, duration_s: float,
             server_pid: int = 0) -> dict[str, Any]:
    """Run one load in a fresh `python -m bench.core_v2.loadgen` process and return its result."""
    cmd = [sys.executable, "-m", "bench.core_v2.loadgen", "--port", str(port), "--path", path,
           "--bodies", str(bodies), "--concurrency", str(concurrency), "--requests", str(requests),
           "--duration", str(duration_s), "--server-pid", str(server_pid)]
    done = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True, text=True, timeout=duration_s + 120)
    if done.returncode != 0:
        raise RuntimeError(f"load generator failed ({done.returncode}):\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result
