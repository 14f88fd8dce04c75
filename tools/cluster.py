"""A local Quiver cluster on one machine: N clustered `nats-server -js` and N Quiver nodes.

    python -m tools.cluster [--nodes 3] [--nats 3] [--dir DIR] [--base-port 6333]   (`make cluster` = 3 + 3)

Every process gets its own free ports and its own directory under DIR (a temporary directory, removed on
exit, unless --dir is given: then its storage is kept and reused by the next run). It waits until JetStream
has a meta leader and every node answers /readyz, prints the REST and gRPC URL of each node, and runs in
the foreground; Ctrl-C (or SIGTERM) stops everything.

The compat suite (compat_tests/test_compat_cluster*.py) drives the same `LocalCluster` to start, kill -9
and restart single processes. This module uses the standard library only and imports nothing of Quiver:
the nodes are `python -m server` subprocesses configured by environment variables, as a user runs them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
NATS_READY_TIMEOUT_S = 30.0
NODE_READY_TIMEOUT_S = 90.0


def free_port(taken: set[int] | None = None) -> int:
    """A port nothing listens on now (and not in `taken`, the ports this cluster already chose)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if taken is None or port not in taken:
            if taken is not None:
                taken.add(port)
            return port


def _http_get(url: str, timeout: float = 1.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 (local http only)
            return int(answer.status), answer.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


@dataclass(slots=True)
class _Process:
    """One child process in its own session (so kill -9 takes its whole group), logging to a file."""

    name: str
    workdir: Path
    process: subprocess.Popen[bytes] | None = None
    runs: int = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"{self.name}.{self.runs}.log"

    def _spawn(self, argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        if self.alive():
            raise RuntimeError(f"{self.name} is already running")
        self.runs += 1
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the process group: no chance to flush or say goodbye (a crash)."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM and wait; SIGKILL when it does not exit in time."""
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def log_tail(self, max_chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-max_chars:]
        except OSError:
            return f"<no log for {self.name}>"

    def _check_alive(self) -> None:
        if not self.alive():
            code = self.process.returncode if self.process else None
            raise RuntimeError(f"{self.name} exited ({code}) during start-up:\n{self.log_tail()}")


@dataclass(slots=True)
class NatsServer(_Process):
    client_port: int = 0
    route_port: int = 0
    monitor_port: int = 0
    routes: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"nats://{HOST}:{self.client_port}"

    def start(self) -> None:
        argv = [
            shutil.which("nats-server") or "nats-server",
            "--jetstream",
            "--store_dir", str(self.workdir / "jetstream"),
            "--server_name", self.name,
            "--addr", HOST,
            "--port", str(self.client_port),
            "--http_port", str(self.monitor_port),
        ]
        if self.routes:  # a single server runs JetStream unclustered
            argv += [
                "--cluster_name", "quiver",
                "--cluster", f"nats://{HOST}:{self.route_port}",
                "--routes", ",".join(f"nats://{HOST}:{port}" for port in self.routes),
            ]
        self._spawn(argv)

    def jetstream_ready(self, cluster_size: int, healthy: bool = True) -> bool:
        """JetStream answers and, when clustered, this server knows the meta leader and all peers;
        `healthy`: also every stream and consumer it holds is current (`/healthz`)."""
        try:
            status, body = _http_get(f"http://{HOST}:{self.monitor_port}/jsz")
        except (OSError, urllib.error.URLError):
            return False
        if status != 200:
            return False
        info: dict[str, Any] = json.loads(body)
        if cluster_size <= 1:
            return "config" in info
        meta = info.get("meta_cluster") or {}
        if not meta.get("leader") or int(meta.get("cluster_size") or 0) < cluster_size:
            return False
        if not healthy:
            return True
        try:
            return _http_get(f"http://{HOST}:{self.monitor_port}/healthz")[0] == 200
        except (OSError, urllib.error.URLError):
            return False

    def wait_ready(self, cluster_size: int, timeout: float = NATS_READY_TIMEOUT_S, healthy: bool = True) -> None:
        """`healthy=False` for a server restarted into a live cluster: rejoining the meta group is
        enough; its streams and consumers catch up afterwards (under load a consumer can stay
        behind its group for longer than the timeout while the cluster serves every write)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if self.jetstream_ready(cluster_size, healthy):
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name}: JetStream not ready after {timeout}s:\n{self.log_tail()}")


@dataclass(slots=True)
class QuiverNode(_Process):
    http_port: int = 0
    grpc_port: int = 0
    nats_urls: list[str] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    clustered: bool = True
    """False: a standalone node (cluster mode off), e.g. the baseline of bench/cluster.py."""

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def grpc_url(self) -> str:
        return f"{HOST}:{self.grpc_port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "QDRANT__SERVICE__HOST": HOST,
                "QDRANT__SERVICE__HTTP_PORT": str(self.http_port),
                "QDRANT__SERVICE__GRPC_PORT": str(self.grpc_port),
                "QDRANT__STORAGE__STORAGE_PATH": str(self.workdir / "storage"),
                "QDRANT__STORAGE__SNAPSHOTS_PATH": str(self.workdir / "snapshots"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.clustered:
            env["QDRANT__CLUSTER__ENABLED"] = "true"
            # comma-separated, as every list setting given by one environment variable
            env["QDRANT__CLUSTER__NATS__SERVERS"] = ",".join(self.nats_urls)
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        """Start (or restart after kill/stop: same ports, same storage, so the same peer id)."""
        self._spawn([sys.executable, "-m", "server"], env=self.env(), cwd=REPO_ROOT)

    def ready(self) -> bool:
        try:
            return _http_get(f"{self.url}/readyz")[0] == 200
        except (OSError, urllib.error.URLError):
            return False

    def wait_ready(self, timeout: float = NODE_READY_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._check_alive()
            if self.ready():
                return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.log_tail()}")


class LocalCluster:
    """`nats` clustered JetStream servers and `nodes` Quiver nodes, every one with its own ports and dir."""

    def __init__(self, root: Path, nodes: int = 3, nats: int = 3, node_env: dict[str, str] | None = None,
                 base_port: int | None = None):
        """`base_port`: node i serves REST on base_port + 10 i and gRPC on the port after (else free ports)."""
        if nodes < 1 or nats < 1:
            raise ValueError("a cluster needs at least one NATS server and one node")
        self.root = root
        taken: set[int] = set()
        fixed = [] if base_port is None else [base_port + 10 * i + d for i in range(nodes) for d in (0, 1)]
        taken.update(fixed)
        routes = [free_port(taken) for _ in range(nats)] if nats > 1 else [0]
        self.nats = [
            NatsServer(
                f"nats{i}", root / f"nats{i}", client_port=free_port(taken), route_port=routes[i],
                monitor_port=free_port(taken), routes=[p for j, p in enumerate(routes) if j != i and nats > 1],
            )
            for i in range(nats)
        ]
        urls = [server.url for server in self.nats]
        self.nodes = [
            QuiverNode(
                f"node{i}", root / f"node{i}",
                http_port=fixed[2 * i] if fixed else free_port(taken),
                grpc_port=fixed[2 * i + 1] if fixed else free_port(taken),
                nats_urls=urls[i:] + urls[:i],  # each node prefers a different server first
                extra_env=dict(node_env or {}),
            )
            for i in range(nodes)
        ]

    def start(self) -> None:
        try:
            for server in self.nats:
                server.start()
            for server in self.nats:
                server.wait_ready(len(self.nats))
            for node in self.nodes:
                node.start()
            for node in self.nodes:
                node.wait_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()
        for server in self.nats:
            server.stop()

    def describe(self) -> str:
        lines = [f"Quiver cluster: {len(self.nodes)} nodes, {len(self.nats)} nats-server (JetStream)"]
        for node in self.nodes:
            lines.append(f"  {node.name}: REST {node.url}  gRPC {node.grpc_url}  (log {node.log_path})")
        lines.append("  NATS: " + ", ".join(server.url for server in self.nats))
        return "\n".join(lines)

    @contextlib.contextmanager
    def running(self) -> Iterator[LocalCluster]:
        self.start()
        try:
            yield self
        finally:
            self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=3, help="Quiver nodes (default 3)")
    parser.add_argument("--nats", type=int, default=3, help="clustered nats-server processes (default 3)")
    parser.add_argument("--dir", type=Path, help="keep storage here (default: a temp dir removed on exit)")
    parser.add_argument("--base-port", type=int,
                        help="node i: REST on BASE + 10 i, gRPC on BASE + 10 i + 1 (default: free ports)")
    args = parser.parse_args(argv)
    if shutil.which("nats-server") is None:
        print("nats-server not found: run `sudo bash tools/setup_nats.sh` (Debian's nats-server)", file=sys.stderr)
        return 2
    root = args.dir.resolve() if args.dir else Path(tempfile.mkdtemp(prefix="quiver-cluster-"))
    stop_requested = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    cluster = LocalCluster(root, nodes=args.nodes, nats=args.nats, base_port=args.base_port)
    try:
        cluster.start()
        print(cluster.describe(), flush=True)
        print("Ctrl-C stops everything.", flush=True)
        while not stop_requested:
            for proc in [*cluster.nats, *cluster.nodes]:
                if not proc.alive():
                    print(f"{proc.name} exited: see {proc.log_path}", file=sys.stderr, flush=True)
                    stop_requested = True
            time.sleep(0.5)
    except RuntimeError as exc:
        print(f"cluster start failed: {exc}", file=sys.stderr)
        return 1
    finally:
        cluster.stop()
        if not args.dir:
            shutil.rmtree(root, ignore_errors=True)
    print("cluster stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
