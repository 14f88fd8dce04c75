"""Every quick start in examples/ runs against a real server, so none can rot: Python, JavaScript
(the pinned js-client-rest from compat_tests/js), Go (built like the Go scenario) and curl."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from compat_server import REPO_ROOT, ServerProcess
from conftest import memory_mode, unique_collection_name
from scenario_external import require_tool
from test_compat_clients_go import build_go

pytestmark = pytest.mark.skipif(memory_mode(), reason="examples talk to a real server")
EXAMPLES = REPO_ROOT / "examples"


def _run(argv: list[str], server: ServerProcess, cwd: Path) -> str:
    env = {**os.environ, "QDRANT_URL": server.url, "QDRANT_GRPC": f"127.0.0.1:{server.grpc_port}",
           "COLLECTION": unique_collection_name("example")}
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{argv} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_python_quickstart(server: ServerProcess) -> None:
    out = _run([sys.executable, str(EXAMPLES / "python" / "quickstart.py")], server, EXAMPLES)
    assert "top hit: 1 Berlin" in out


def test_js_quickstart(server: ServerProcess, tmp_path: Path) -> None:
    node = require_tool("node")
    # ESM resolves packages next to the file: run a copy beside the pinned, installed clients
    (tmp_path / "node_modules").symlink_to(REPO_ROOT / "compat_tests" / "js" / "node_modules")
    shutil.copy(EXAMPLES / "js" / "quickstart.mjs", tmp_path / "quickstart.mjs")
    out = _run([node, str(tmp_path / "quickstart.mjs")], server, tmp_path)
    assert "top hit: 1 Berlin" in out


def test_go_quickstart(server: ServerProcess, tmp_path: Path) -> None:
    binary = build_go(EXAMPLES / "go", tmp_path / "quickstart")
    out = _run([str(binary)], server, tmp_path)
    assert "top hit: 1 Berlin" in out


def test_curl_quickstart(server: ServerProcess) -> None:
    require_tool("curl")
    out = _run(["bash", str(EXAMPLES / "curl" / "quickstart.sh")], server, EXAMPLES)
    answers = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert [a["status"] for a in answers] == ["ok"] * 4
    assert answers[2]["result"]["points"][0]["id"] == 1
