"""Write `python -m bench.restart` results: JSON under bench/results/ (restart-<stamp>.json and
restart-latest.json) and the tables between the restart markers in bench/README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report import README, _fmt, _table
from bench.run_info import replace_block, write_result

START = "<!-- bench:restart:start -->"
END = "<!-- bench:restart:end -->"


def write_json(result: dict[str, Any]) -> Path:
    return write_result(result, "restart")


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    out = [
        f"Run {result['started_at']} — `{result['command']}` — {result['total_seconds']:.0f} s total",
        "",
        f"Machine: {m['cores']} cores, {m['cpu_model']}, Python {m['python']}; load average at start "
        f"{result.get('loadavg', '?')} (other work shares the cores).",
        "",
    ]
    wal = result.get("wal_write", {})
    if wal.get("rows"):
        out += ["### WAL write throughput (upserts, payload indexes on, HNSW building off)", ""]
        rows = [[r["mode"], r["fsync"], r["batch"], r["ops"], r["points_per_s"], r["ops_per_s"], r["op_p50_ms"],
                 r["op_max_ms"]] for r in wal["rows"]]
        out += _table(["path", "fsync", "batch", "ops", "points/s", "ops/s", "op p50 ms", "op max ms"], rows)
        codec = wal.get("codec")
        if codec:
            out += ["", f"WAL record encoding alone: {codec['encode_ms']} ms per 1,000-point upsert "
                        f"({codec['record_kb']} KB, {codec['bytes_per_point']} B/point)."]
        out += [""]
    restarts = result.get("restart", [])
    if restarts:
        out += ["### Restart (`python -m server` on existing storage)", ""]
        if result.get("empty_ready_s") is not None:
            out += [f"Baseline: empty storage ready in {result['empty_ready_s']} s (imports, app set-up).", ""]
        rows = []
        for r in restarts:
            b = r["build"]
            rows.append([r["n"], r["case"], b.get("disk_mb"), b.get("wal_mb"), r.get("server_load_s"), r.get("ready_s"),
                         r.get("cpu_at_ready_s"), r.get("first_count_s"), "yes" if r.get("count_ok") else "NO",
                         r.get("first_search_s"), r.get("peak_rss_mb")])
        out += _table(["points", "case", "disk MB", "WAL MB", "server load s", "s to /readyz", "server CPU s at ready",
                       "s to count==N", "count ok", "s to first search", "peak RSS MB"], rows)
        out += [""]
    for prof in result.get("profiles", []):
        out += [f"Load profile, {prof['label']} (cProfile, {prof['profiled_wall_s']} s under the profiler):", ""]
        out += [f"- in-process load, GC {x['gc']}: {_fmt(x['wall_s'])} s wall, {_fmt(x['cpu_s'])} s CPU"
                for x in prof.get("loads", [])]
        out += [f"- {s['step'].strip()}: {_fmt(s['cumulative_s'])} s" for s in prof["steps"]]
        out += [""]
    return "\n".join(out).rstrip("\n")


def update_readme(result: dict[str, Any], readme: Path = README) -> None:
    """Replace the block between the restart markers (append the markers if they are missing)."""
    replace_block(START, END, markdown(result), readme=readme)
