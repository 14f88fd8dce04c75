"""`quiver migrate --from URL --to URL [--collections A B] [--batch N] [--grpc] [--api-key-from K]
[--api-key-to K] [--state FILE]`: copy collections, resume from the state file, verify, and exit 1 on
any mismatch (2 on bad arguments, a refused request such as a wrong API key, or a target collection
that exists without a checkpoint)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlparse

import grpc
from qdrant_client import QdrantClient
from qdrant_client.http.exceptions import UnexpectedResponse
from rich.console import Console
from rich.table import Table

from tools.migrate.schema import copy_aliases, create_collection_like
from tools.migrate.state import load_state, save_state
from tools.migrate.transfer import copy_points, progress_bar
from tools.migrate.verify import Check, verify_collection

CLIENT_TIMEOUT_S = 120


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="quiver migrate", description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("--from", dest="source", required=True, help="source server URL, e.g. http://host:6333")
    p.add_argument("--to", dest="target", required=True, help="target server URL")
    p.add_argument("--collections", nargs="+", default=None, help="collections to move (default: all)")
    p.add_argument("--batch", type=int, default=256, help="points per scroll/upsert batch (default 256)")
    p.add_argument("--grpc", action="store_true", help="talk gRPC to both servers (REST URL host, gRPC port)")
    p.add_argument("--from-grpc-port", type=int, default=6334, help="source gRPC port with --grpc")
    p.add_argument("--to-grpc-port", type=int, default=6334, help="target gRPC port with --grpc")
    p.add_argument("--api-key-from", default=None, help="API key of the source server")
    p.add_argument("--api-key-to", default=None, help="API key of the target server")
    p.add_argument("--state", type=Path, default=Path("quiver-migrate.state.json"),
                   help="checkpoint file; rerun with the same file to resume (default ./quiver-migrate.state.json)")
    p.add_argument("--sample", type=int, default=100, help="points compared field by field per collection")
    p.add_argument("--searches", type=int, default=20, help="sampled searches per vector per collection")
    p.add_argument("--min-overlap", type=float, default=0.95, help="least mean top-10 overlap that passes")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def _client(url: str, grpc: bool, grpc_port: int, api_key: str | None) -> QdrantClient:
    if urlparse(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    return QdrantClient(url=url, prefer_grpc=grpc, grpc_port=grpc_port, api_key=api_key, timeout=CLIENT_TIMEOUT_S)


def migrate(source: QdrantClient, target: QdrantClient, state_path: Path, source_label: str,
            target_label: str, collections: list[str] | None, batch: int, console: Console,
            show_progress: bool, sample: int = 100, searches: int = 20, min_overlap: float = 0.95) -> list[Check]:
    """Copy (or resume copying) `collections`, copy their aliases, verify; returns the checks."""
    state = load_state(state_path, source_label, target_label)
    available = [c.name for c in source.get_collections().collections]
    names = collections or available
    missing = [n for n in names if n not in available]
    if missing:
        raise ValueError(f"source has no collection {', '.join(missing)}")
    for name in names:
        entry = state.collection(name)
        if not entry.created:
            if target.collection_exists(name):
                raise ValueError(f"target already has a collection {name!r} and {state_path} has no checkpoint "
                                 "for it: delete it there, or resume with the state file of that migration")
            create_collection_like(source, target, name)
            entry.created = True
            save_state(state_path, state)
    with progress_bar(console, show_progress) as progress:
        for name in names:
            copy_points(source, target, name, state.collection(name), batch,
                        lambda: save_state(state_path, state), progress)
    copy_aliases(source, target, names)
    checks: list[Check] = []
    for name in names:
        checks.extend(verify_collection(source, target, name, sample, searches, min_overlap))
    return checks


def print_checks(console: Console, checks: list[Check]) -> None:
    table = Table(title="verification")
    for column in ("collection", "check", "source", "target", "result"):
        table.add_column(column)
    for c in checks:
        table.add_row(c.collection, c.check, c.source, c.target, "ok" if c.ok else "MISMATCH")
    console.print(table)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    console = Console(stderr=False)
    try:
        source = _client(args.source, args.grpc, args.from_grpc_port, args.api_key_from)
        target = _client(args.target, args.grpc, args.to_grpc_port, args.api_key_to)
        checks = migrate(source, target, args.state, args.source, args.target, args.collections,
                         args.batch, console, not args.no_progress, args.sample, args.searches, args.min_overlap)
    except ValueError as exc:
        print(f"quiver migrate: {exc}", file=sys.stderr)
        return 2
    except (UnexpectedResponse, grpc.RpcError) as exc:  # e.g. a wrong API key; the state file is kept
        print(f"quiver migrate: a server refused a request: {exc}", file=sys.stderr)
        return 2
    print_checks(console, checks)
    return 0 if all(c.ok for c in checks) else 1
