"""`python -m bench.core_v2.named_threads MODULE [ARGS...]`: run MODULE as `python -m MODULE`, with
every Python thread's OS name (/proc/PID/task/TID/comm) set to its Python name (first 15 bytes).

Python 3.11 leaves every thread named after the executable, so the per-thread CPU in
`bench.core_v2.procstat` could not tell the engine pool (`engine_0`, `engine_1`, ...) from the
optimizer or the flusher. This sets the name once when a thread starts (one prctl call) and changes
nothing else; it imports nothing but ctypes, runpy and threading, so the module's own start-up
(the server pins BLAS threads before numpy is imported) runs as usual.
"""

from __future__ import annotations

import ctypes
import runpy
import sys
import threading

PR_SET_NAME = 15
_libc = ctypes.CDLL(None, use_errno=True)
_bootstrap_inner = threading.Thread._bootstrap_inner  # type: ignore[attr-defined]


def _named_bootstrap(self: threading.Thread) -> None:
    _libc.prctl(PR_SET_NAME, self.name.encode("utf-8", "replace")[:15], 0, 0, 0)
    _bootstrap_inner(self)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m bench.core_v2.named_threads MODULE [ARGS...]")
    threading.Thread._bootstrap_inner = _named_bootstrap  # type: ignore[attr-defined]
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
