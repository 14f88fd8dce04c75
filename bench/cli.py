"""Command line: build the seeded data set once, run each selected system on it, write results.

python -m bench                      # 100,000 × 128, 1,000 queries, all systems
python -m bench --quick              # 20,000 × 128, 200 queries: a fast sanity run
python -m bench --systems hnswlib,quiver --n 50000
"""

from __future__ import annotations

import argparse
import dataclasses
import shlex
import sys
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from bench.config import RunConfig
from bench.data import make_dataset
from bench.machine import machine_info
from bench.measure import Stopwatch
from bench.report import update_readme, write_json
from bench.systems import registry

QUICK_N = 20_000
QUICK_QUERIES = 200


def parse_args(argv: list[str]) -> argparse.Namespace:
    systems = ",".join(registry())
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=None, help="points (default 100,000; 20,000 with --quick)")
    p.add_argument("--dim", type=int, default=128, help="vector dimension (default 128)")
    p.add_argument("--queries", type=int, default=None, help="queries (default 1,000; 200 with --quick)")
    p.add_argument("--systems", default=systems, help=f"comma list, subset of {systems}")
    p.add_argument("--quick", action="store_true", help=f"{QUICK_N:,} points, {QUICK_QUERIES} queries")
    p.add_argument("--memory-queries", type=int, default=50, help="query cap for QdrantClient(':memory:')")
    p.add_argument("--index-wait", type=float, default=120.0, help="max seconds to wait for Quiver to index")
    p.add_argument("--server-time-queries", type=int, default=200, help="raw-httpx queries per Quiver row")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--noise", type=float, default=1.5, help="cluster noise std (centres have std 1)")
    p.add_argument("--data", choices=["synthetic", "minilm"], default="synthetic",
                   help="synthetic clusters, or real all-MiniLM-L6-v2 embeddings of seeded sentences (384-d)")
    p.add_argument("--no-write", action="store_true", help="print JSON only; leave results/ and README alone")
    args = p.parse_args(argv)
    if args.n is None:
        args.n = QUICK_N if args.quick else 100_000
    if args.queries is None:
        args.queries = QUICK_QUERIES if args.quick else 1_000
    return args


def _log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    runners = registry()
    chosen = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in chosen if s not in runners]
    if unknown:
        sys.exit(f"unknown system(s) {unknown}; choose from {list(runners)}")
    cfg = RunConfig(
        n=args.n,
        dim=args.dim,
        queries=args.queries,
        memory_queries=args.memory_queries,
        index_wait_s=args.index_wait,
        server_time_queries=args.server_time_queries,
        seed=args.seed,
        noise=args.noise,
    )
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with Stopwatch() as total:
        _log(f"data: {cfg.n:,} x {cfg.dim}, {cfg.queries:,} queries, exact ground truth")
        with Stopwatch() as gen:
            if args.data == "minilm":
                from bench.text_data import make_text_dataset  # needs the `bench` extra (torch)

                ds = make_text_dataset(cfg.n, cfg.queries, cfg.seed)
                cfg = dataclasses.replace(cfg, dim=ds.dim)
            else:
                ds = make_dataset(cfg.n, cfg.dim, cfg.queries, cfg.seed, cfg.noise)
        _log(f"data ready in {gen.seconds:.1f} s")
        results = [_run_one(name, runners[name], ds, cfg) for name in chosen]
    result: dict[str, Any] = {
        "started_at": started,
        "command": "python -m bench" + ("" if not argv else " " + shlex.join(argv)),
        "total_seconds": round(total.seconds, 1),
        "machine": machine_info(),
        "dataset": {
            "n": cfg.n,
            "dim": cfg.dim,
            "queries": cfg.queries,
            "seed": cfg.seed,
            "noise": cfg.noise,
            "kind": args.data,
            "ground_truth_seconds": round(gen.seconds, 2),
        },
        "systems": results,
    }
    if args.no_write:
        import json

        print(json.dumps(result, indent=2))
        return
    section = "" if args.data == "synthetic" else args.data
    path = write_json(result, section)
    update_readme(result, section=section)
    _log(f"wrote {path} and bench/README.md")


def _run_one(name: str, runner: Any, ds: Any, cfg: RunConfig) -> dict[str, Any]:
    _log(f"{name}: start")
    with Stopwatch() as sw:
        try:
            out: dict[str, Any] = runner(ds, cfg)
        except Exception as exc:  # one broken peer must not lose the others' numbers
            traceback.print_exc()
            out = {"system": name, "status": "error", "note": f"{type(exc).__name__}: {exc}", "searches": []}
    out["wall_seconds"] = round(sw.seconds, 1)
    _log(f"{name}: {out['status']} in {sw.seconds:.1f} s")
    return out
