"""Configuration as an operator meets it: `python -m server` with Qdrant's config files and
`QDRANT__*` variables; a bad value is one line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from compat_server import free_port

EXIT_CONFIG = 2


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("QDRANT__") and k != "RUN_MODE"}
    env.update(extra)
    return env


def _run(cwd: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "server", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize(("files", "env", "expected"), [
    ({}, {"QDRANT__SERVICE__HTTP_PORT": "abc"},
     "quiver: invalid configuration: 'service.http_port': Input should be a valid integer"),
    ({}, {"QDRANT__SERVICE__HTTP_PROT": "6333"},
     "quiver: invalid configuration: unknown key 'service.http_prot' (from QDRANT__SERVICE__HTTP_PROT)"),
    ({"config/config.yaml": "storage:\n  storage_path: [unclosed\n"},
     {}, "quiver: invalid configuration: "),
    ({"custom.yaml": "service:\n  enable_cors: maybe\n"}, {},
     "quiver: invalid configuration: 'service.enable_cors': Input should be a valid boolean"),
])
def test_invalid_configuration_is_one_line_and_exit_code(tmp_path: Path, files: dict[str, str],
                                                         env: dict[str, str], expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    args = ("--config-path", "custom.yaml") if "custom.yaml" in files else ()
    done = _run(tmp_path, _env(**env), *args)
    assert done.returncode == EXIT_CONFIG, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in done.stderr


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text("service:\n  http_port: 1\n   grpc_port: 2\n")
    done = _run(tmp_path, _env())
    assert done.returncode == EXIT_CONFIG
    assert "config.yaml: not valid YAML at line 3" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def _wait_ready(url: str, process: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.2)
    return False


def test_file_and_env_precedence_and_ignored_keys_log(tmp_path: Path) -> None:
    file_port, cli_port, env_port = free_port(), free_port(), free_port()
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text(
        f"service:\n  http_port: {file_port}\n  grpc_port: null\nstorage:\n  storage_path: ./from_file\n"
        "  optimizers:\n    deleted_threshold: 0.3\n")
    (tmp_path / "cli.yaml").write_text(f"service:\n  http_port: {cli_port}\n")
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "server", "--config-path", "cli.yaml"], cwd=tmp_path,
                               env=_env(QDRANT__SERVICE__HTTP_PORT=str(env_port)), stdout=log,
                               stderr=subprocess.STDOUT, text=True)
    try:
        assert _wait_ready(f"http://127.0.0.1:{env_port}", process), (tmp_path / "server.log").read_text()
        # gRPC disabled by the file (no env override), storage path from the file
        assert (tmp_path / "from_file").is_dir()
        for port in (file_port, cli_port):
            with pytest.raises(httpx.HTTPError):
                httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=0.5)
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    text = (tmp_path / "server.log").read_text()
    ignored = [line for line in text.splitlines() if "configuration keys ignored" in line]
    assert len(ignored) == 1 and "storage.optimizers.deleted_threshold" in ignored[0], text
