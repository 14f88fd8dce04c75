"""Every engine and storage module imports on its own in a fresh interpreter, so an import cycle
(which only shows when a module in its middle is imported first) cannot come back unnoticed.

One helper interpreter preloads the third-party libraries (numpy, hnswlib, msgpack: they cannot
take part in our cycles), then forks once per module; each child imports just that module, so
none of our modules is loaded before it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = r"""
import json, os, sys, traceback
import numpy, hnswlib, msgpack  # noqa: F401  third-party, preloaded for speed
assert not any(m.split(".")[0] in ("engine", "storage") for m in sys.modules)
failures = {}
for module in json.loads(sys.argv[1]):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            __import__(module)
            code = 0
        except BaseException:
            os.write(write, traceback.format_exc().strip().splitlines()[-1].encode())
            code = 1
        os._exit(code)
    os.close(write)
    message = os.read(read, 4096).decode()
    os.close(read)
    _, status = os.waitpid(pid, 0)
    if status != 0:
        failures[module] = message or f"exit status {status}"
print(json.dumps(failures))
"""


def _modules() -> list[str]:
    names = []
    for package in ("engine", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_engine_module_imports_alone() -> None:
    modules = _modules()
    assert "engine.query.execute" in modules and "engine.shard.holder" in modules
    done = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(modules)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)
    assert json.loads(done.stdout) == {}
