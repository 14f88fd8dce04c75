"""`python -m bench.usearch_eval`: usearch's memory-mapped graph as a kernel for on_disk segments (issue 9).

python -m bench.usearch_eval                      # 200,000 x 128 Cosine, f32 (+ over-fetch filtered search)
python -m bench.usearch_eval --n 1000000 --workdir /tmp/ue1m   # keeps the built indexes for a rerun

An evaluation only: nothing in the engine uses usearch. The same seeded points
(bench/durability/points.py) go into an hnswlib index (M=16, ef_construction=100) and a usearch
index (connectivity=16, expansion_add=100, f32, metric `ip` on the unit vectors
(what hnswlib's cosine space computes) unless --usearch-metric cos), both built in this process with --threads threads
and saved to the work directory. Each saved index is then opened by a fresh child process
(`--measure KIND`) that reports RssAnon/RssFile from /proc/self/status before opening, after
opening and after the searches, the open time, and single-thread search p50 latency and
recall@10 against exact top-10 at each ef; the usearch view child also checks concurrent
searches from Python threads and what a remove does on a view; `usearch_overfetch` measures
filtered search as over-fetch + post-filter on the view (the Python API takes no predicate). usearch is an optional bench
dependency (`pip install usearch`); without it the command says so and exits.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bench.data import N_CENTRES, TOP_K
from bench.durability.points import NOISE, PointSource
from bench.machine import machine_info
from bench.run_info import git_state, load_average, progress, write_result

M = 16
EF_CONSTRUCTION = 100
EFS = (64, 128)
KINDS = ("hnswlib", "usearch_view", "usearch_load", "usearch_overfetch")
# filtered search without a predicate: ask the view for `count` hits, keep those the filter admits
OVERFETCH_FILTERS = {"price_lt_300": 0.3, "keyword_1pct": 0.01}
OVERFETCH_FACTORS = (1, 2, 4)  # count = factor * TOP_K / selectivity
BATCH = 50_000


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.usearch_eval", description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=200_000)
    p.add_argument("--dim", type=int, default=128)
    p.add_argument("--queries", type=int, default=500)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=2, help="build threads (searches are one thread)")
    p.add_argument("--ef-construction", type=int, default=EF_CONSTRUCTION,
                   help="hnswlib ef_construction = usearch expansion_add (lower only to time a view of a big index "
                        "without hours of build: recall is then not comparable)")
    p.add_argument("--usearch-metric", choices=("ip", "cos"), default="ip",
                   help="ip on the unit vectors is what hnswlib's cosine space computes; usearch's cos also "
                        "divides by both norms on every distance (slower, same ranking)")
    p.add_argument("--kinds", default=",".join(KINDS), help=f"comma list, subset of {','.join(KINDS)}")
    p.add_argument("--workdir", default=None, help="keep the data and indexes here and reuse them (default: temp, removed)")
    p.add_argument("--no-write", action="store_true", help="print JSON only; leave bench/results/ alone")
    p.add_argument("--measure", choices=KINDS, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def _log(msg: str) -> None:
    progress("bench.usearch_eval", msg)


def _status_kb() -> dict[str, int]:
    out: dict[str, int] = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
                out[key] = int(rest.split()[0])
    return out


def _mib(status: dict[str, int]) -> dict[str, float]:
    return {k: round(v / 1024, 1) for k, v in status.items()}


# ---------------------------------------------------------------------------------------- data

def make_data(work: Path, n: int, dim: int, n_queries: int, seed: int) -> None:
    """vectors.npy (n, dim) float32, queries.npy and truth.npy (exact Cosine top-10 ids)."""
    source = PointSource(dim=dim, seed=seed)
    vectors = np.lib.format.open_memmap(work / "vectors.npy", mode="w+", dtype=np.float32, shape=(n, dim))
    for ids, vecs, _, _ in source.batches(n, BATCH):
        vectors[ids[0] : ids[0] + len(ids)] = vecs
    vectors.flush()
    rng = np.random.default_rng([seed, 987_654_321])  # a stream no point batch uses
    queries = source.centres[rng.integers(0, N_CENTRES, n_queries)]
    queries = queries + NOISE * rng.standard_normal((n_queries, dim)).astype(np.float32)
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    best_s = np.full((n_queries, TOP_K), -np.inf, dtype=np.float32)
    best_i = np.zeros((n_queries, TOP_K), dtype=np.int64)
    for start in range(0, n, BATCH):
        block = np.asarray(vectors[start : start + BATCH])
        s = queries @ block.T
        top = np.argpartition(-s, TOP_K, axis=1)[:, :TOP_K]
        cand_s = np.concatenate([best_s, np.take_along_axis(s, top, axis=1)], axis=1)
        cand_i = np.concatenate([best_i, top + start], axis=1)
        order = np.argsort(-cand_s, axis=1, kind="stable")[:, :TOP_K]
        best_s = np.take_along_axis(cand_s, order, axis=1)
        best_i = np.take_along_axis(cand_i, order, axis=1)
    np.save(work / "queries.npy", queries)
    np.save(work / "truth.npy", best_i)


def build_hnswlib(work: Path, threads: int, ef_construction: int) -> float:
    import hnswlib

    vectors = np.load(work / "vectors.npy", mmap_mode="r")
    n, dim = vectors.shape
    t0 = time.perf_counter()
    index = hnswlib.Index(space="cosine", dim=dim)
    index.init_index(max_elements=n, M=M, ef_construction=ef_construction, random_seed=42)
    index.set_num_threads(threads)
    for start in range(0, n, BATCH):
        block = np.asarray(vectors[start : start + BATCH])
        index.add_items(block, np.arange(start, start + len(block)))
    seconds = time.perf_counter() - t0
    index.save_index(str(work / "hnswlib.bin"))
    return seconds


def build_usearch(work: Path, threads: int, ef_construction: int, metric: str) -> float:
    from usearch.index import Index

    vectors = np.load(work / "vectors.npy", mmap_mode="r")
    n, dim = vectors.shape
    t0 = time.perf_counter()
    index = Index(ndim=dim, metric=metric, dtype="f32", connectivity=M, expansion_add=ef_construction)
    for start in range(0, n, BATCH):
        block = np.ascontiguousarray(vectors[start : start + BATCH])
        index.add(np.arange(start, start + len(block), dtype=np.uint64), block, threads=threads)
    seconds = time.perf_counter() - t0
    index.save(str(work / "usearch.bin"))
    return seconds


# ------------------------------------------------------------------------------ child process

def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(f.tolist()) & set(t.tolist())) for f, t in zip(found, truth, strict=True))
    return round(hits / truth.size, 4)


def _timed_searches(search: Any, queries: np.ndarray) -> tuple[np.ndarray, list[float]]:
    found = np.zeros((len(queries), TOP_K), dtype=np.int64)
    lat: list[float] = []
    for qi, q in enumerate(queries):
        t0 = time.perf_counter()
        ids = search(q)
        lat.append(time.perf_counter() - t0)
        found[qi, : len(ids)] = ids
    return found, lat


def _latency(lat: list[float]) -> dict[str, float]:
    a = np.asarray(lat) * 1000
    return {"p50_ms": round(float(np.percentile(a, 50)), 4), "p95_ms": round(float(np.percentile(a, 95)), 4)}


def _thread_scaling(search: Any, queries: np.ndarray, n_threads: int = 2) -> dict[str, Any]:
    """Queries per second from one Python thread and from `n_threads` threads sharing the index."""
    def run(part: np.ndarray) -> None:
        for q in part:
            search(q)

    t0 = time.perf_counter()
    run(queries)
    one = len(queries) / (time.perf_counter() - t0)
    parts = np.array_split(queries, n_threads)
    workers = [threading.Thread(target=run, args=(p,)) for p in parts]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    many = len(queries) / (time.perf_counter() - t0)
    return {"qps_1_thread": round(one, 1), f"qps_{n_threads}_threads": round(many, 1),
            "speedup": round(many / one, 2)}


def _gil_probe(batch_call: Any, seconds: float = 0.5) -> dict[str, Any]:
    """Does one long native batch search let a pure-Python thread run? The thread counts loop turns
    while the main thread sits in `batch_call`; the rate is compared with the thread running alone.
    A ratio near 0 means the GIL is held for the whole search, near 1 (or above) that it is released."""
    def spin(stop: threading.Event, box: list[int]) -> None:
        n = 0
        while not stop.is_set():
            n += 1
        box.append(n)

    def rate(during: Any) -> float:
        stop, box = threading.Event(), list[int]()
        t = threading.Thread(target=spin, args=(stop, box))
        t0 = time.perf_counter()
        t.start()
        during()
        stop.set()
        t.join()
        return box[0] / (time.perf_counter() - t0)

    alone = rate(lambda: time.sleep(seconds))
    t0 = time.perf_counter()
    during = rate(batch_call)
    call_s = time.perf_counter() - t0
    return {"batch_call_s": round(call_s, 3), "python_thread_rate_ratio": round(during / alone, 3)}


def overfetch(work: Path) -> dict[str, Any]:
    """Recall@10 and p50 latency of over-fetch + post-filter on a usearch view, per filter and factor,
    against the exact filtered top-10 (the payload columns are PointSource's, regenerated)."""
    from usearch.index import Index

    meta = json.loads((work / "data.json").read_text())
    queries = np.load(work / "queries.npy")
    vectors = np.load(work / "vectors.npy", mmap_mode="r")
    cats = np.empty(meta["n"], dtype=np.int64)
    prices = np.empty(meta["n"], dtype=np.int64)
    for ids, _, c, pr in PointSource(dim=meta["dim"], seed=meta["seed"]).batches(meta["n"], BATCH):
        cats[ids[0] : ids[0] + len(ids)] = c
        prices[ids[0] : ids[0] + len(ids)] = pr
    qcat = np.random.default_rng([meta["seed"], 123_456_789]).integers(0, int(cats.max()) + 1, len(queries))
    def price_lt_300(qi: int) -> np.ndarray:
        return prices < 300

    def keyword_1pct(qi: int) -> np.ndarray:
        return cats == qcat[qi]

    masks = {"price_lt_300": price_lt_300, "keyword_1pct": keyword_1pct}
    index = Index.restore(str(work / "usearch.bin"), view=True)
    if index is None:
        raise RuntimeError(f"usearch could not open {work / 'usearch.bin'}")
    out: dict[str, Any] = {}
    for name, selectivity in OVERFETCH_FILTERS.items():
        truth = np.zeros((len(queries), TOP_K), dtype=np.int64)
        for qi, q in enumerate(queries):
            mask = masks[name](qi)
            allowed = np.flatnonzero(mask)
            s = np.asarray(vectors[allowed]) @ q if len(allowed) < meta["n"] else np.asarray(vectors) @ q
            top = np.argsort(-s, kind="stable")[:TOP_K]
            truth[qi] = allowed[top]
        rows = []
        for factor in OVERFETCH_FACTORS:
            count = int(factor * TOP_K / selectivity)
            index.expansion_search = max(64, count)  # type: ignore[misc]  # the stub lacks the setter
            found = np.full((len(queries), TOP_K), -1, dtype=np.int64)
            lat = []
            for qi, q in enumerate(queries):
                mask = masks[name](qi)
                t0 = time.perf_counter()
                keys = index.search(q, count, threads=1).keys
                kept = keys[mask[keys]][:TOP_K]
                lat.append(time.perf_counter() - t0)
                found[qi, : len(kept)] = kept
            rows.append({"factor": factor, "count": count, "expansion_search": max(64, count),
                         "recall_at_10": _recall(found, truth), **_latency(lat),
                         "queries_short_of_10": int((found < 0).any(axis=1).sum())})
        out[name] = rows
    return out


def measure(work: Path, kind: str) -> dict[str, Any]:
    if kind == "usearch_overfetch":
        return {"kind": kind, "filters": overfetch(work)}
    queries = np.load(work / "queries.npy")
    truth = np.load(work / "truth.npy")
    import hnswlib  # imported before the baseline so the kernel's figures hold only the index
    from usearch.index import Index

    before = _status_kb()
    t0 = time.perf_counter()
    if kind == "hnswlib":
        index = hnswlib.Index(space="cosine", dim=queries.shape[1])
        index.load_index(str(work / "hnswlib.bin"))
        index.set_num_threads(1)

        def set_ef(ef: int) -> None:
            index.set_ef(ef)

        def search(q: np.ndarray) -> np.ndarray:
            labels, _ = index.knn_query(q, k=TOP_K, num_threads=1)
            return labels[0]
    else:
        restored = Index.restore(str(work / "usearch.bin"), view=(kind == "usearch_view"))
        if restored is None:
            raise RuntimeError(f"usearch could not open {work / 'usearch.bin'}")
        uindex: Index = restored

        def set_ef(ef: int) -> None:
            uindex.expansion_search = ef  # type: ignore[misc]  # the stub lacks the setter

        def search(q: np.ndarray) -> np.ndarray:
            return uindex.search(q, TOP_K, threads=1).keys
    open_s = time.perf_counter() - t0
    opened = _status_kb()
    out: dict[str, Any] = {"kind": kind, "open_s": round(open_s, 3), "rss_before_open_mb": _mib(before),
                           "rss_after_open_mb": _mib(opened), "searches": {}}
    for ef in EFS:
        set_ef(ef)
        search(queries[0])  # warm the entry point
        found, lat = _timed_searches(search, queries)
        out["searches"][str(ef)] = {"recall_at_10": _recall(found, truth), **_latency(lat)}
    after = _status_kb()
    out["rss_after_searches_mb"] = _mib(after)
    out["searches_done"] = 2 * len(queries)
    out["kernel_rss_anon_mb"] = round((after["RssAnon"] - before["RssAnon"]) / 1024, 1)
    out["kernel_rss_file_mb"] = round((after["RssFile"] - before["RssFile"]) / 1024, 1)
    set_ef(EFS[0])
    out["thread_scaling_ef64"] = _thread_scaling(search, queries)
    batch = np.ascontiguousarray(np.tile(queries, (4, 1)))
    if kind == "hnswlib":
        out["gil_probe"] = _gil_probe(lambda: index.knn_query(batch, k=TOP_K, num_threads=1))
    else:
        out["gil_probe"] = _gil_probe(lambda: uindex.search(batch, TOP_K, threads=1))
    if kind != "hnswlib":
        out["usearch"] = {"dtype": str(uindex.dtype), "size": len(uindex), "memory_usage_mb":
                          round(uindex.memory_usage / 2**20, 1)}
        try:
            removed = uindex.remove(0)
            out["remove_on_open_index"] = {"ok": True, "removed": int(removed), "len_after": len(uindex),
                                           "key_0_in_results": bool(0 in search(np.load(work / "vectors.npy",
                                                                                         mmap_mode="r")[0]))}
        except Exception as exc:  # noqa: BLE001 - the point is to record what a view does
            out["remove_on_open_index"] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return out


# ------------------------------------------------------------------------------------ driver

def _child(work: Path, kind: str) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "bench.usearch_eval", "--measure", kind, "--workdir", str(work)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed: {done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv if argv is not None else sys.argv[1:])
    try:
        import usearch
    except ImportError:
        print("bench.usearch_eval: usearch is not installed (optional bench dependency: "
              "`pip install usearch`); skipping", file=sys.stderr)
        raise SystemExit(0) from None
    if args.measure:
        print(json.dumps(measure(Path(args.workdir), args.measure)))
        return
    kinds = [k for k in args.kinds.split(",") if k]
    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="usearch-eval-"))
    work.mkdir(parents=True, exist_ok=True)
    want = {"n": args.n, "dim": args.dim, "queries": args.queries, "seed": args.seed,
            "ef_construction": args.ef_construction, "usearch_metric": args.usearch_metric}
    meta_path = work / "data.json"
    reuse = meta_path.exists() and json.loads(meta_path.read_text()) == want
    result: dict[str, Any] = {"bench": "usearch_eval", "started_at": started, "git": git_state(),
                              "machine": machine_info(), "usearch_version": usearch.__version__,
                              "params": {**want, "M": M, "efs": list(EFS),
                                         "build_threads": args.threads, "metric": "cosine (unit vectors)", "dtype": "f32"},
                              "raw_vector_mb": round(args.n * args.dim * 4 / 2**20, 1),
                              "load_average_start": load_average(), "build": {}}
    try:
        if not reuse:
            for stale in ("hnswlib.bin", "usearch.bin"):
                (work / stale).unlink(missing_ok=True)
            _log(f"data {args.n} x {args.dim}, {args.queries} queries, exact top-{TOP_K}")
            make_data(work, args.n, args.dim, args.queries, args.seed)
            meta_path.write_text(json.dumps(want))
        systems = {kind.split("_")[0] for kind in kinds}
        builders: dict[str, Any] = {
            "hnswlib": build_hnswlib,
            "usearch": lambda w, t, ef: build_usearch(w, t, ef, args.usearch_metric),
        }
        for name, build in builders.items():
            path = work / f"{name}.bin"
            if name not in systems:
                continue
            if path.exists():
                _log(f"{name}: reusing {path}")
                continue
            _log(f"{name}: building with {args.threads} threads (load {load_average()})")
            seconds = build(work, args.threads, args.ef_construction)
            result["build"][name] = {"seconds": round(seconds, 1), "load_average_after": load_average()}
            _log(f"{name}: built in {seconds:.1f} s")
        result["file_mb"] = {name: round((work / f"{name}.bin").stat().st_size / 2**20, 1)
                             for name in sorted(systems)}
        result["runs"] = []
        for kind in kinds:
            _log(f"measure {kind} (load {load_average()})")
            run = _child(work, kind)
            run["load_average_after"] = load_average()
            result["runs"].append(run)
        result["load_average_end"] = load_average()
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    text = json.dumps(result, indent=2)
    print(text)
    if not args.no_write:
        suffix = "1m" if args.n >= 1_000_000 else f"{args.n // 1000}k"
        path = write_result(result, f"usearch-eval-{suffix}")
        _log(f"wrote {path}")


if __name__ == "__main__":
    main()
