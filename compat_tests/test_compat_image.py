"""The Docker image without Docker: replay the Dockerfile's file-system steps in a scratch
directory standing for WORKDIR (its COPY lines, its `pip install` RUN line in a fresh venv standing
for the image's interpreter), then start its ENTRYPOINT + CMD with its ENV and check that the
container would serve /readyz on 0.0.0.0 with config/production.yaml read, and that its HEALTHCHECK
command passes. Not replayed: the base image, `useradd`/`chown` (need root on a real image).

Like a cached layer, the venv sees the test run's already installed third-party packages (through
a directory of links, Quiver's own install left out), so the install step builds and installs Quiver
itself rather than downloading every dependency again."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import site
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from compat_server import REPO_ROOT, free_port


@dataclass
class Image:
    env: dict[str, str] = field(default_factory=dict)
    workdir: str = "/"
    copies: list[tuple[list[str], str]] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    healthcheck: str = ""
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    exposed: list[str] = field(default_factory=list)


def parse_dockerfile(text: str) -> Image:
    image = Image()
    logical, pending = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    for line in logical:
        instruction, _, rest = line.partition(" ")
        match instruction.upper():
            case "ENV":
                for pair in shlex.split(rest):
                    key, _, value = pair.partition("=")
                    image.env[key] = value
            case "WORKDIR":
                image.workdir = rest.strip()
            case "COPY":
                parts = rest.split()
                image.copies.append((parts[:-1], parts[-1]))
            case "RUN":
                image.runs.append(rest)
            case "HEALTHCHECK":
                image.healthcheck = rest.split(" CMD ", 1)[1]
            case "ENTRYPOINT":
                image.entrypoint = json.loads(rest)
            case "CMD":
                image.cmd = json.loads(rest)
            case "EXPOSE":
                image.exposed = rest.split()
    return image


def test_dockerfile_layout_is_qdrants() -> None:
    image = parse_dockerfile((REPO_ROOT / "Dockerfile").read_text())
    assert image.workdir == "/qdrant" and image.env["RUN_MODE"] == "production"
    assert image.exposed == ["6333", "6334"]
    assert (["docker/production.yaml"], "./config/production.yaml") in image.copies
    assert any("useradd" in run for run in image.runs)
    assert "USER quiver" in (REPO_ROOT / "Dockerfile").read_text()
    assert image.entrypoint == ["quiver"] and image.cmd == ["serve"]
    assert (REPO_ROOT / "docker-compose.yml").exists()


def _share_installed_dependencies(venv: Path, layer: Path) -> None:
    layer.mkdir()
    for packages in site.getsitepackages():
        for entry in Path(packages).iterdir():
            name = entry.name.lower()
            if name.startswith(("quiver", "__editable__", "_quiver")) or entry.suffix == ".pth":
                continue
            if not (layer / entry.name).exists():
                (layer / entry.name).symlink_to(entry)
    target = next((venv / "lib").glob("python3*/site-packages"))
    (target / "_image_layer.pth").write_text(f"{layer}\n")


def _place(root: Path, dest: str) -> Path:
    # dest is relative to WORKDIR (= root) or absolute under it
    return root / dest.removeprefix("/qdrant/").removeprefix("./")


@pytest.mark.timeout(600)
def test_image_steps_serve_readyz(tmp_path: Path) -> None:
    image = parse_dockerfile((REPO_ROOT / "Dockerfile").read_text())
    root = tmp_path / "qdrant"
    root.mkdir()
    for sources, dest in image.copies:
        target = _place(root, dest)
        for src in sources:
            path = REPO_ROOT / src
            if path.is_dir():
                shutil.copytree(path, target if dest.endswith("/") is False and len(sources) == 1 else
                                target / path.name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)
            else:
                dest_path = target / path.name if dest.endswith("/") else target
                dest_path.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest_path)
    venv = tmp_path / "python"  # stands for the image's interpreter
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    _share_installed_dependencies(venv, tmp_path / "layer")
    env = {k: v for k, v in os.environ.items() if not k.startswith("QDRANT__") and k != "RUN_MODE"}
    env.update(image.env)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    install = [run for run in image.runs if "pip install" in run]
    assert len(install) == 1
    subprocess.run(["bash", "-c", install[0]], cwd=root, env=env, check=True, timeout=540,
                   stdout=subprocess.DEVNULL)
    assert not (root / "build").exists(), "the install step cleans up after itself"
    http, grpc = free_port(), free_port()
    # as `docker run -e ...`: the variables win over /qdrant/config/production.yaml
    env.update(QDRANT__SERVICE__HTTP_PORT=str(http), QDRANT__SERVICE__GRPC_PORT=str(grpc),
               QDRANT__STORAGE__STORAGE_PATH=str(root / "storage"),
               QDRANT__STORAGE__SNAPSHOTS_PATH=str(root / "snapshots"))
    log = tmp_path / "container.log"
    with log.open("wb") as out:
        process = subprocess.Popen(image.entrypoint + image.cmd, cwd=root, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        deadline, ready = time.monotonic() + 60, False
        while time.monotonic() < deadline and not ready:
            assert process.poll() is None, log.read_text()
            try:
                ready = httpx.get(f"http://127.0.0.1:{http}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                time.sleep(0.2)
        assert ready, log.read_text()
        health = subprocess.run(["sh", "-c", image.healthcheck], env=env, timeout=30, capture_output=True)
        assert health.returncode == 0, health.stderr
        lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
        files = next(line["files"] for line in lines if line.get("msg") == "configuration files read")
        assert files == [str(root / "config" / "production.yaml")]
        listening = next(line for line in lines if line.get("msg") == "listening")
        assert listening["http"] == f"0.0.0.0:{http}", "production.yaml's host applies inside the container"
    finally:
        process.terminate()
        process.wait(timeout=30)
