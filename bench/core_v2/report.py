"""Results of a core-v2 run: bench/results/core_v2-<timestamp>.json + core_v2-latest.json, and the
summary table (figure, goal, measured, peer, ratio) plus detail tables between the
`bench:core_v2` markers in bench/README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.report import _fmt, _table
from bench.run_info import replace_block, write_result

START = "<!-- bench:core_v2:start -->"
END = "<!-- bench:core_v2:end -->"
SECTION = "## Engine core v2 (issue 9)"


def write_json(result: dict[str, Any]) -> Path:
    return write_result(result, "core_v2")


def update_readme(result: dict[str, Any]) -> None:
    replace_block(START, END, markdown(result), heading=SECTION)


def _ok(met: bool | None) -> str:
    return "–" if met is None else ("met" if met else "not met")


def summary_rows(r: dict[str, Any]) -> list[list[Any]]:
    """figure, goal, measured, peer, ratio, verdict — one row per "Must show" figure measured."""
    rows: list[list[Any]] = []
    srv = r.get("server_search")
    if srv:
        seq_q, seq_f = srv["quiver"]["1"], srv["floor"]["1"]
        cpu, floor_cpu = seq_q["server"]["cpu_ms_per_request"], seq_f["server"]["cpu_ms_per_request"]
        rows.append(["server CPU per unfiltered search (1 client)", "≤ 1.0 ms", f"{cpu:.3f} ms",
                     f"floor {floor_cpu:.3f} ms", f"{cpu / floor_cpu:.2f}×", _ok(cpu <= 1.0)])
        for c in sorted(srv["ratios"], key=int):
            q, f = srv["quiver"][c], srv["floor"][c]
            goal = "≥ 0.5× floor" if c == "8" else "(no goal)"
            met = srv["ratios"][c] >= 0.5 if c == "8" else None
            rows.append([f"QPS, {c} keep-alive clients (p50 / p99 ms)", goal,
                         f"{q['qps']:,.0f} ({q['p50_ms']:.1f} / {q['p99_ms']:.1f})",
                         f"floor {f['qps']:,.0f} ({f['p50_ms']:.1f} / {f['p99_ms']:.1f})",
                         f"{srv['ratios'][c]:.2f}", _ok(met)])
        for c in sorted(srv["ratios"], key=int):
            s = srv["quiver"][c]["server"]
            rows.append([f"engine pool threads together, {c} clients", "> 1 core",
                         f"{s['pool_cores']:.2f} cores (busiest thread {s['pool_busiest_thread_cores']:.2f})",
                         f"event loop {s['event_loop_cores']:.2f}", "–", _ok(s["pool_cores"] > 1.0)])
    ing = r.get("ingest")
    if ing:
        nf, wt = ing["wait_false"], ing["wait_true"]
        rows.append(["REST ingest, batches of 1,000, wait=false", "≥ 20,000 points/s",
                     f"{nf['points_per_s']:,.0f} points/s (all applied after {nf['seconds_to_all_applied']} s)",
                     f"wait=true {wt['points_per_s']:,.0f} points/s", f"{ing['speedup_wait_false']:.2f}×",
                     _ok(nf["points_per_s"] >= 20_000)])
    inp = r.get("inprocess")
    if inp:
        names = {"plain": ("unfiltered, in-process, ", "≤ 1.2× hnswlib", 1.2),
                 "keyword_1pct": ("1% keyword, in-process, ", "≤ 1.5× qdrant-edge, recall ≥ 0.99", 1.5),
                 "range_10pct": ("10% range, in-process, ", "≤ 1.5× qdrant-edge, recall ≥ 0.99", 1.5),
                 "range_30pct": ("30% range, in-process, ", "≤ qdrant-edge ACORN, equal recall", 1.0)}
        for key, cmp in inp["comparisons"].items():
            kind, params = key.split(" ", 1)
            label, goal, bound = names[kind]
            ratio = cmp["ratio"]
            met = None if ratio is None else ratio <= bound and (
                kind not in ("keyword_1pct", "range_10pct") or cmp["quiver_recall"] >= 0.99)
            peer = "–" if cmp["peer_p50_ms"] is None else f"{cmp['peer_p50_ms']:.3f} ms ({cmp['peer_note']})"
            rows.append([label + params, goal, f"{cmp['quiver_p50_ms']:.3f} ms, recall {cmp['quiver_recall']:.3f}",
                         peer, "–" if ratio is None else f"{ratio:.2f}×", _ok(met)])
    unf = r.get("unindexed_filter")
    if unf:
        ms = unf["server_time_p50_ms"]
        rows.append([f"unindexed keyword filter (1%), {unf['points']:,} points, through the server", "≤ 10 ms",
                     f"{ms:.2f} ms server time p50 ({unf['client_p50_ms']:.2f} ms at the client; "
                     f"first query {unf['first_query_ms']:.1f} ms)", "–", "–", _ok(ms <= 10.0)])
    return rows


def markdown(r: dict[str, Any]) -> str:
    m, ds = r["machine"], r["dataset"]
    lines = [
        f"Run {r['started_at']} — `{r['command']}` — {r['total_seconds']:.0f} s total; git {r['git']['head']}"
        + (f" (uncommitted: {', '.join(r['git']['dirty'])})" if r["git"]["dirty"] else ""),
        "",
        f"Machine: {m['cores']} cores, {m['cpu_model']}, Python {m['python']}; load average at start "
        f"{r['load_start']}, at end {r['load_end']} (other work shares the cores).",
        "",
        f"Data: {ds['n']:,} × {ds['dim']} clustered (Cosine), noise {ds['noise']}, seed {ds['seed']}.",
        "",
    ]
    carried = r.get("carried_over")
    if carried:
        lines += ["Not measured in this run (`--only`), kept from earlier runs of the same data: "
                  + "; ".join(f"{family} from {when}" for family, when in carried.items()) + ".", ""]
    lines += [
        *_table(["figure", "goal", "measured", "peer (same run)", "ratio", "goal met"], summary_rows(r)),
    ]
    lines += _details(r)
    return "\n".join(lines)


def _details(r: dict[str, Any]) -> list[str]:
    out: list[str] = []
    srv = r.get("server_search")
    if srv:
        ing, rec = srv["ingest"], srv["recall"]
        out += ["", f"Server layout after the stock-client ingest ({ing['points_per_s']:,.0f} points/s, wait=true): "
                f"{ing['status']} {ing['seconds_to_green_after_ingest']} s after the last upsert (slowest collection-info "
                f"answer meanwhile {ing['slowest_info_s']} s, {ing['info_timeouts']} timed out), "
                f"{ing['segments_count']} segments, {ing['indexed_vectors_count']:,} of {ing['points_count']:,} "
                f"vectors indexed; unfiltered recall@10 {rec['recall_at_10']} (default ef), server `time` p50 "
                f"{rec['server_time_p50_ms']} ms.", ""]
        rows = []
        for who in ("quiver", "floor"):
            for c, row in sorted(srv[who].items(), key=lambda kv: int(kv[0])):
                s = row["server"]
                rows.append([who, int(c), row["requests"], row["qps"], row["p50_ms"], row["p99_ms"],
                             s["cpu_ms_per_request"], s["process_cores"], s["event_loop_cores"], s["pool_cores"],
                             row["client_cpu_cores"]])
        out += _table(["server", "clients", "requests", "QPS", "p50 ms", "p99 ms", "server CPU ms/req",
                       "server cores", "event loop cores", "pool cores", "load generator cores"], rows)
    ing2 = r.get("ingest")
    if ing2:
        rows = [[mode, ing2[key]["points_per_s"], ing2[key]["seconds"], ing2[key]["seconds_to_all_applied"],
                 ing2[key]["batch_p50_ms"], ing2[key]["server_cpu_ms_per_1000_points"], ",".join(ing2[key]["statuses"])]
                for mode, key in (("wait=false", "wait_false"), ("wait=true", "wait_true"))]
        out += ["", f"REST ingest ({ing2['points']:,} points, {ing2['body_mb']} MB of JSON, one raw client):", ""]
        out += _table(["mode", "points/s (answered)", "s", "s to all applied", "batch p50 ms",
                       "server CPU ms / 1,000 points", "status"], rows)
    inp = r.get("inprocess")
    if inp:
        lay = inp["engine_layout"]
        out += ["", f"In-process ({inp['queries']} queries, one thread): engine segments {lay['points']} "
                f"(indexed {lay['indexed']}), built in {inp['engine_build_s']} s; qdrant-edge {inp['edge_layout']}.", ""]
        out += _table(["system", "filter", "params", "recall@10", "p50 ms", "p99 ms"],
                      [[x["system"], x["filter"], x["params"], x["recall_at_10"], x["p50_ms"], x["p99_ms"]]
                       for x in inp["rows"]])
    unf = r.get("unindexed_filter")
    if unf:
        out += ["", f"Unindexed keyword filter: payload schema {unf['payload_schema'] or '{}'}, {unf['queries']} "
                f"queries, recall@10 {unf['recall_at_10']}, server time p50/p99 {_fmt(unf['server_time_p50_ms'])} / "
                f"{_fmt(unf['server_time_p99_ms'])} ms, server CPU {unf['server_cpu_ms_per_query']} ms per query."]
    return out
