"""`python -m tools.precompile`: write the bytecode cache (`__pycache__/*.pyc`) of every module a
server start imports, Quiver's and its dependencies', so that a start reads bytecode instead of
compiling ~550 modules from source.

Python writes that cache itself on first import, except where PYTHONDONTWRITEBYTECODE is set (CI
machines, many container images): there every start compiled everything again, ~1 s of CPU of
the ~1.9 s an empty server needed to answer /readyz. Reading an existing cache is not affected by
the variable, so writing it once (here, from `make install`) is enough; a module edited since is
compiled again on import, as usual. The Docker image needs none of this: pip byte-compiles what
it installs.
"""

from __future__ import annotations

import importlib
import sys

# what `quiver serve` imports (server.cli imports the engine; server.app the transports),
# plus the modules a start imports lazily: cluster mode, uvloop's event loop
MODULES = ("server.__main__", "server.cli", "server.app", "server.cluster_service", "uvloop")


def main() -> int:
    sys.dont_write_bytecode = False
    for name in MODULES:
        try:
            importlib.import_module(name)
        except ImportError as exc:  # an optional dependency (uvloop, nats-py) that is not installed
            print(f"precompile: {name} skipped ({exc})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
