"""`python -m bench.restart`: WAL write throughput and restart time (issue 4).

python -m bench.restart                         # WAL throughput + restart at 100,000 points
python -m bench.restart --sizes 100000,1000000  # also the million-point restart (minutes to build)
python -m bench.restart --skip-wal-write --sizes 1000000 --cases snapshot_hnsw

Storage for each restart case is built in-process (bench/durability/build.py), copied, and the
copy is opened by `python -m server`; the server is killed by pid afterwards. Everything lives in
a temporary directory that is removed at the end (or, with --workdir, kept for the next run:
a million points with HNSW take minutes to build).
"""

from __future__ import annotations

import argparse
import gc
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.durability.build import CASES, COLLECTION, build_storage, with_on_disk
from bench.durability.points import PointSource
from bench.durability.profile_load import profile_load, timed_load
from bench.durability.report import update_readme, write_json
from bench.durability.server_run import cpu_seconds, start_server, status_kb, time_restart, wait_ready
from bench.durability.wal_write import codec_cost, inprocess_throughput, rest_throughput
from bench.machine import machine_info
from bench.run_info import git_state, load_average, progress
from bench.server_proc import REPO_ROOT


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.restart", description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="100000", help="comma list of point counts for the restart cases")
    p.add_argument("--cases", default=",".join(CASES), help=f"comma list, subset of {','.join(CASES)}")
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--rest-points", type=int, default=20_000, help="points per REST throughput row")
    p.add_argument("--inprocess-points", type=int, default=20_000, help="points per in-process throughput row")
    p.add_argument("--skip-wal-write", action="store_true", help="only the restart measurements")
    p.add_argument("--skip-restart", action="store_true", help="only the WAL write throughput")
    p.add_argument("--no-profile", action="store_true", help="skip the cProfile of the load at the largest size")
    p.add_argument("--workdir", default=None,
                   help="keep built storage here and reuse it on the next run with the same seed and dim "
                        "(default: a temp dir, removed)")
    p.add_argument("--no-write", action="store_true", help="print JSON only; leave results/ and README alone")
    return p.parse_args(argv)


def _log(msg: str) -> None:
    progress("bench.restart", msg)


def empty_server(work: Path) -> dict[str, Any]:
    """Start-up cost with nothing to load (interpreter, imports, app and gRPC set-up): wall and CPU
    seconds to /readyz and the anonymous memory then, the intercept of the per-point figures."""
    root = work / "empty"
    root.mkdir()
    t0 = time.perf_counter()
    proc, url = start_server(root / "storage", root / "server.log")
    try:
        wait_ready(proc, url, root / "server.log", 60.0)
        ready = round(time.perf_counter() - t0, 3)
        return {"ready_s": ready, "cpu_at_ready_s": cpu_seconds(proc.pid),
                "rss_anon_mb": round(status_kb(proc.pid).get("RssAnon", 0) / 1024, 1)}
    finally:
        proc.kill()
        proc.wait()


def run_restarts(args: argparse.Namespace, source: PointSource, work: Path) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    query = source.batch(10**9, 1)[1][0].tolist()  # not a stored point
    rows: list[dict[str, Any]] = []
    profiles: list[dict[str, Any]] = []
    for n in sizes:
        for case in cases:
            pristine = work / f"{case}-{n}-d{source.dim}-s{source.seed}" / "storage"
            saved = pristine.parent / "build.json"
            if args.workdir and saved.exists():  # kept by an earlier run with the same --workdir
                build = json.loads(saved.read_text())
                _log(f"reusing {pristine.parent}")
            elif case == "snapshot_hnsw_on_disk":  # the snapshot_hnsw storage with on_disk vectors
                source_dir = work / f"snapshot_hnsw-{n}-d{source.dim}-s{source.seed}"
                if not (source_dir / "build.json").exists():
                    shutil.rmtree(source_dir, ignore_errors=True)
                    _log(f"build snapshot_hnsw at {n:,} points")
                    (source_dir / "build.json").parent.mkdir(parents=True, exist_ok=True)
                    built = build_storage(source_dir / "storage", "snapshot_hnsw", n, source)
                    (source_dir / "build.json").write_text(json.dumps(built))
                shutil.rmtree(pristine.parent, ignore_errors=True)
                shutil.copytree(source_dir, pristine.parent)
                with_on_disk(pristine)
                build = {**json.loads(saved.read_text()), "case": case}
                saved.write_text(json.dumps(build))
            else:
                shutil.rmtree(pristine.parent, ignore_errors=True)
                _log(f"build {case} at {n:,} points")
                build = build_storage(pristine, case, n, source)
                saved.write_text(json.dumps(build))
                gc.collect()
            _log(f"built: {build}")
            run_dir = work / f"run-{case}-{n}"
            shutil.copytree(pristine, run_dir / "storage")  # the server may flush into its copy
            try:
                row = {"n": n, "case": case, "build": build}
                row.update(time_restart(run_dir / "storage", COLLECTION, n, query))
                _log(f"restart: {row}")
                rows.append(row)
            finally:
                shutil.rmtree(run_dir, ignore_errors=True)
            if not args.no_profile and n == max(sizes):
                prof_dir = work / f"prof-{case}-{n}"
                loads = []
                for gc_enabled in (True, False):
                    shutil.copytree(pristine, prof_dir / "storage")
                    loads.append(timed_load(prof_dir / "storage", gc_enabled))
                    shutil.rmtree(prof_dir)
                    gc.collect()
                _log(f"in-process loads: {loads}")
                shutil.copytree(pristine, prof_dir / "storage")
                prof = profile_load(prof_dir / "storage")
                prof["label"] = f"{case} at {n:,} points"
                prof["loads"] = loads
                _log(f"profile: {prof['steps']}")
                profiles.append(prof)
                shutil.rmtree(prof_dir, ignore_errors=True)
                gc.collect()
            if not args.workdir:
                shutil.rmtree(pristine.parent, ignore_errors=True)
    return rows, profiles


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    unknown = {c for c in args.cases.split(",") if c and c not in CASES}
    if unknown:
        sys.exit(f"unknown case(s) {sorted(unknown)}; choose from {CASES}")
    source = PointSource(args.dim, args.seed)
    started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result: dict[str, Any] = {"started_at": started_at,
                              "command": "python -m bench.restart" + (" " + shlex.join(argv) if argv else ""),
                              "machine": machine_info(), "loadavg": load_average(),
                              "dim": args.dim, "seed": args.seed, "git": git_state()}
    t0 = time.perf_counter()
    if not args.skip_wal_write:
        _log(f"WAL write throughput: REST ({args.rest_points:,} points per row)")
        rows = rest_throughput(source, args.rest_points)
        _log(f"in-process ({args.inprocess_points:,} points per row)")
        rows += inprocess_throughput(source, args.inprocess_points)
        result["wal_write"] = {"rows": rows, "codec": codec_cost(source)}
        for r in rows:
            _log(f"{r['mode']} {r['fsync']} batch {r['batch']}: {r['points_per_s']:,} points/s, {r['ops_per_s']} ops/s")
    if not args.skip_restart:
        # the servers read the bytecode cache as `make install` leaves it (tools.precompile): refreshed
        # here for modules edited since, so no start compiles sources (PYTHONDONTWRITEBYTECODE)
        subprocess.run([sys.executable, "-m", "tools.precompile"], cwd=REPO_ROOT, check=True)
        result["bytecode"] = "cached (tools.precompile)"
        with tempfile.TemporaryDirectory(prefix="quiver-restart-") as tmp:
            result["empty"] = empty_server(Path(tmp))
            result["empty_ready_s"] = result["empty"]["ready_s"]
            work = Path(args.workdir) if args.workdir else Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            result["restart"], result["profiles"] = run_restarts(args, source, work)
    result["total_seconds"] = round(time.perf_counter() - t0, 1)
    if args.no_write:
        print(json.dumps(result, indent=2))
        return
    path = write_json(result)
    update_readme(result)
    _log(f"wrote {path} and bench/README.md")


if __name__ == "__main__":
    main()
