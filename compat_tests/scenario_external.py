"""Run one non-Python client's scenario program (Node, Go) and read back its observations.

The program gets the scenario document, an output path, the server's address and a name prefix;
a missing toolchain or a crash fails the test loudly (`make test` installs the toolchains with
tools/setup_clients.sh, so a missing one is a broken set-up, never a reason to skip).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from scenario_spec import build_spec

RUN_TIMEOUT_S = 240


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: run tools/setup_clients.sh (make test does)")
    return path


def run_program(argv: list[str], workdir: Path, tmp: Path, args: list[str],
                env: dict[str, str] | None = None) -> dict[str, Any]:
    spec_path, out_path = tmp / "spec.json", tmp / "observed.json"
    spec_path.write_text(json.dumps(build_spec()))
    done = subprocess.run([*argv, str(spec_path), str(out_path), *args], cwd=workdir, env=env,
                          capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if done.returncode != 0:
        pytest.fail(f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout[-3000:]}\n{done.stderr[-6000:]}")
    observed: dict[str, Any] = json.loads(out_path.read_text())
    return observed
