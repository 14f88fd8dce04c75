"""`python -m server [--config-path FILE] [--storage-snapshot F] [--snapshot F:NAME]`: start Quiver."""

from __future__ import annotations

import os

# One BLAS thread per query: queries already run in parallel on the engine's thread pool, and
# OpenBLAS's own threads made a 6,000-candidate exact scoring 50x slower on 2 busy cores
# (bench.strategies: 8 ms → 0.16 ms). Must be set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import asyncio  # noqa: E402

from server.app import serve  # noqa: E402
from server.logs import setup_logging  # noqa: E402
from server.settings import load_settings  # noqa: E402
from server.startup import StartupSnapshots, parse_collection_snapshot  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(prog="quiver", description="Qdrant-compatible vector database server")
    parser.add_argument("--config-path", default=None, help="YAML config file in Qdrant's layout")
    parser.add_argument("--storage-snapshot", default=None, help="restore a full-storage snapshot into empty storage")
    parser.add_argument("--snapshot", action="append", default=[], metavar="PATH:COLLECTION",
                        help="recover a collection from a snapshot file at start (repeatable)")
    parser.add_argument("--force-snapshot", action="store_true", help="let snapshots replace existing data")
    args = parser.parse_args()
    settings = load_settings(args.config_path)
    setup_logging(settings.log_level)
    snapshots = StartupSnapshots(storage_snapshot=args.storage_snapshot,
                                 collection_snapshots=[parse_collection_snapshot(s) for s in args.snapshot],
                                 force=args.force_snapshot)
    asyncio.run(serve(settings, snapshots))


if __name__ == "__main__":
    main()
