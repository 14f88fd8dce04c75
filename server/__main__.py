"""`quiver [serve] [--config-path FILE] [--storage-snapshot F] [--snapshot F:NAME]` or
`python -m server ...`: start Quiver. Subcommands are one entry each in COMMANDS."""

from __future__ import annotations

import os

# One BLAS thread per query: queries already run in parallel on the engine's thread pool, and
# OpenBLAS's own threads made a 6,000-candidate exact scoring 50x slower on 2 busy cores
# (bench.strategies: 8 ms → 0.16 ms). Must be set before numpy is imported.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402

from server.cli import serve_command  # noqa: E402


def _migrate_command(argv: list[str]) -> int:
    from tools.migrate.cli import main  # needs the `migrate` extra (qdrant-client, rich)

    return main(argv)


COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "serve": serve_command,
    "migrate": _migrate_command,
}
"""Subcommand name → entry taking the remaining arguments and returning the exit code."""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in COMMANDS:
        return COMMANDS[args[0]](args[1:])
    return serve_command(args)  # `quiver --config-path ...` is `quiver serve --config-path ...`


if __name__ == "__main__":
    sys.exit(main())
