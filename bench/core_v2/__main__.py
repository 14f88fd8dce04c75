"""`python -m bench.core_v2`: issue 9's "Must show" figures 1–4 in one bounded, seeded run.

python -m bench.core_v2                   # 100,000 × 128: every figure (~10 minutes on 2 cores)
python -m bench.core_v2 --only 1,4        # server search + unindexed filter only
python -m bench.core_v2 --only 1          # server rows only; figures not run are kept from the latest run, marked
python -m bench.core_v2 --quick           # 20,000 points, shorter loads: a harness check

1 server CPU per search, QPS at 8/32 clients vs the floor app (bench.core_v2.server_search)
2 REST ingest wait=false vs wait=true (bench.core_v2.ingest)
3 in-process engine vs hnswlib and qdrant-edge (bench.core_v2.inprocess)
4 unindexed keyword filter through the server (bench.core_v2.unindexed_filter, on figure 1's server)
Writes bench/results/core_v2-<timestamp>.json, core_v2-latest.json and the README section.
"""

# ruff: noqa: E402  (BLAS threads pinned before numpy is imported, as the server does)
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import dataclasses
import json
import shlex
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.core_v2 import ingest, server_search, unindexed_filter
from bench.core_v2.config import CoreV2Config
from bench.core_v2.procs import Proc
from bench.core_v2.report import update_readme, write_json
from bench.data import make_dataset
from bench.machine import machine_info
from bench.report import RESULTS_DIR
from bench.run_info import git_state, load_average, progress


def _log(msg: str) -> None:
    progress("core_v2", msg)


FAMILIES = ("server_search", "ingest", "inprocess", "unindexed_filter")


def carry_over(result: dict[str, Any]) -> None:
    """A partial run (`--only`) keeps the figures it did not measure from the previous full-size
    run (core_v2-latest.json), each marked with the run it comes from, so the README table stays
    complete and says which figures are older."""
    latest = RESULTS_DIR / "core_v2-latest.json"
    if not latest.exists():
        return
    previous = json.loads(latest.read_text(encoding="utf-8"))
    if previous.get("dataset") != result["dataset"]:
        return  # another data set: its figures are not comparable
    origins = previous.get("carried_over", {})
    for family in FAMILIES:
        if family not in result and family in previous:
            result[family] = previous[family]
            result.setdefault("carried_over", {})[family] = origins.get(family, previous["started_at"])


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, CoreV2Config]:
    p = argparse.ArgumentParser(prog="python -m bench.core_v2", description=__doc__.splitlines()[0])
    p.add_argument("--only", default="1,2,3,4", help="comma list of figure families (1-4)")
    p.add_argument("--quick", action="store_true", help="20,000 points and short loads (harness check)")
    p.add_argument("--n", type=int, default=None)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--no-write", action="store_true", help="print the JSON; leave results/ and README alone")
    args = p.parse_args(argv)
    cfg = CoreV2Config(seed=args.seed)
    if args.quick:
        cfg = dataclasses.replace(cfg, n=20_000, queries=200, sequential_requests=300, concurrent_requests=1_000,
                                  concurrent_duration_s=4.0, recall_queries=100, filter_queries=50,
                                  inprocess_queries=100)
    if args.n is not None:
        cfg = dataclasses.replace(cfg, n=args.n)
    return args, cfg


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args, cfg = parse_args(argv)
    # a SIGTERM unwinds like Ctrl-C, so the servers' context managers stop them and drop their storage
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    only = {int(x) for x in args.only.split(",") if x.strip()}
    result: dict[str, Any] = {
        "started_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "command": "python -m bench.core_v2" + (" " + shlex.join(argv) if argv else ""),
        "git": git_state(),
        "machine": machine_info(),
        "load_start": load_average(),
        "config": dataclasses.asdict(cfg),
        "dataset": {"n": cfg.n, "dim": cfg.dim, "queries": cfg.queries, "seed": cfg.seed, "noise": cfg.noise},
    }
    t0 = time.perf_counter()
    _log(f"data: {cfg.n:,} x {cfg.dim}, {cfg.queries:,} queries, exact ground truth")
    ds = make_dataset(cfg.n, cfg.dim, cfg.queries, cfg.seed, cfg.noise)
    with tempfile.TemporaryDirectory(prefix="core-v2-") as tmp:
        if 2 in only:
            _log("2: REST ingest, wait=false then wait=true (fresh server each)")
            result["ingest"] = ingest.run(ds)
        if only & {1, 4}:
            def also(server: Proc, collection: str) -> dict[str, Any]:
                _log("4: unindexed keyword filter on the loaded server")
                return unindexed_filter.run(server, collection, ds, cfg.filter_queries)

            _log("1: stock-client ingest, wait for green, loads against Quiver then the floor app")
            srv = server_search.run(ds, cfg, Path(tmp), also if 4 in only else None)
            if 4 in only:
                result["unindexed_filter"] = srv.pop("also")
            if 1 in only:
                result["server_search"] = srv
        if 3 in only:
            from bench.core_v2 import inprocess  # imports the engine itself: only when asked for

            _log("3: in-process engine vs hnswlib and qdrant-edge")
            result["inprocess"] = inprocess.run(ds, cfg.inprocess_queries)
    result["total_seconds"] = round(time.perf_counter() - t0, 1)
    result["load_end"] = load_average()
    if args.no_write:
        print(json.dumps(result, indent=2))
        return
    if only != {1, 2, 3, 4} and not args.quick:
        carry_over(result)
    path = write_json(result)
    update_readme(result)
    _log(f"wrote {path} and bench/README.md")


if __name__ == "__main__":
    main()
