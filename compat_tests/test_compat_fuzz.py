"""A bounded fuzz run: schemathesis generates requests for every operation of Qdrant's v1.19 REST
schema (the vendored reference/qdrant-openapi-v1.19.json: valid and invalid bodies, query strings
and path values; phase `fuzzing`, 3 examples per operation, fixed seed) against a server subprocess
and fails on any 5xx answer. It checks only "no server error", not the answers' content (the other
compat tests do). Excluded: GET /cluster/telemetry, whose standalone answer in Qdrant is a 500."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from compat_server import ServerProcess, start_server
from conftest import memory_mode

pytestmark = pytest.mark.skipif(memory_mode(), reason="needs the real server")

SCHEMA = Path(__file__).resolve().parent.parent / "reference" / "qdrant-openapi-v1.19.json"
BUDGET_S = 300
"""A hard stop for the run (it takes ~1.5 min on 2 loaded cores)."""


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    proc = start_server(tmp_path_factory.mktemp("fuzz"))
    try:
        # one existing collection, so generated requests can reach past the 404 of a missing one
        httpx.put(f"{proc.url}/collections/fuzz", json={"vectors": {"size": 2, "distance": "Dot"}},
                  timeout=60).raise_for_status()
        yield proc
    finally:
        proc.stop()


def test_no_server_errors(fuzzed: ServerProcess) -> None:
    assert SCHEMA.is_file(), "the vendored schema is missing"
    cli = Path(sys.executable).parent / "schemathesis"
    started = time.monotonic()
    run = subprocess.run(
        [str(cli), "run", str(SCHEMA), "--url", fuzzed.url, "--checks", "not_a_server_error",
         "--phases", "fuzzing", "--max-examples", "3", "--seed", "1", "--workers", "2",
         "--request-timeout", "30", "--continue-on-failure", "--no-color",
         "--exclude-path", "/cluster/telemetry"],
        capture_output=True, text=True, timeout=BUDGET_S, env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"})
    output = run.stdout + run.stderr
    assert "Test cases:" in output, output[-5000:]  # the run happened
    # only answers count: a crash inside the generator (schemathesis reports it as a runtime error
    # and exits 1) is not a finding about the server
    server_errors = [line for line in output.splitlines() if re.search(r"Server error|^\s*\[5\d\d\]", line)]
    assert not server_errors, output[-20000:]
    assert fuzzed.alive(), fuzzed.log_tail()
    assert httpx.get(f"{fuzzed.url}/collections", timeout=30).status_code == 200  # still serving
    print(f"fuzz run: {time.monotonic() - started:.1f} s")
