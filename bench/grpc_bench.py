"""`python -m bench.grpc_bench`: the same stock qdrant-client against one Quiver server, over REST
and over gRPC (`prefer_grpc=True`), on the same seeded data: upsert throughput and single-client
query latency (plain and filtered). Writes bench/results/grpc.json and the table between
markers in bench/README.md."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from qdrant_client import QdrantClient

from bench.data import exact_top_k, make_dataset
from bench.server_proc import quiver_server
from bench.systems.client_ops import create_collection, create_payload_indexes, search_pass, upsert_all

README = Path(__file__).with_name("README.md")
START, END = "<!-- bench:grpc:start -->", "<!-- bench:grpc:end -->"
KINDS = ("plain", "keyword_1pct", "range_30pct")


def _wait_indexed(client: QdrantClient, name: str, timeout_s: float = 180.0) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout_s:
        info = client.get_collection(name)
        if str(info.status.value) == "green" and (info.indexed_vectors_count or 0) > 0:
            break
        time.sleep(0.5)
    return round(time.perf_counter() - started, 1)


def run(n: int, dim: int, queries: int) -> list[dict[str, Any]]:
    ds = make_dataset(n, dim, queries)
    for kind in KINDS:
        ds.truth[kind] = exact_top_k(ds, kind)
    rows: list[dict[str, Any]] = []
    with quiver_server() as server:
        clients = {
            "rest": QdrantClient(url=server.url, prefer_grpc=False, timeout=120),
            "grpc": QdrantClient(url=server.url, grpc_port=server.grpc_port, prefer_grpc=True, timeout=120),
        }
        for transport, client in clients.items():
            name = f"bench_{transport}"
            create_collection(client, name, dim)
            create_payload_indexes(client, name)
            ingest = upsert_all(client, name, ds)
            waited = _wait_indexed(client, name)
            for kind in KINDS:
                row = search_pass(client, name, ds, kind, queries, 64)
                row.update(transport=transport, ingest_points_per_s=ingest["points_per_s"], index_wait_s=waited)
                rows.append(row)
            client.delete_collection(name)
    return rows


def render(rows: list[dict[str, Any]], n: int, dim: int, queries: int) -> str:
    lines = [f"`python -m bench.grpc_bench --n {n} --dim {dim} --queries {queries}` — one server, the stock "
             "qdrant-client over REST and over gRPC (`prefer_grpc=True`), ef=64, top-10, one client.", "",
             "| transport | filter | recall@10 | p50 ms | p99 ms | QPS | upsert points/s |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['transport']} | {r['filter']} | {r['recall_at_10']:.3f} | {r['p50_ms']:.3f} | "
                     f"{r['p99_ms']:.3f} | {r['qps']:.0f} | {r['ingest_points_per_s']:.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.grpc_bench")
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--dim", type=int, default=128)
    parser.add_argument("--queries", type=int, default=500)
    args = parser.parse_args()
    rows = run(args.n, args.dim, args.queries)
    out = Path(__file__).with_name("results") / "grpc.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"n": args.n, "dim": args.dim, "queries": args.queries, "rows": rows}, indent=1))
    table = render(rows, args.n, args.dim, args.queries)
    text = README.read_text()
    if START in text:
        text = text[: text.index(START) + len(START)] + "\n" + table + "\n" + text[text.index(END):]
    else:
        text += f"\n## REST and gRPC side by side\n\n{START}\n{table}\n{END}\n"
    README.write_text(text)
    print(table)


if __name__ == "__main__":
    main()
