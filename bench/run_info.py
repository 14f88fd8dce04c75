"""What every bench run records and how it is stored, shared by the bench commands: the code
measured (git), the load average, a stderr progress line, the result JSON under bench/results/
(<prefix>-<stamp>.json and <prefix>-latest.json) and a marked block of bench/README.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.report import README, RESULTS_DIR
from bench.server_proc import REPO_ROOT


def git_state() -> dict[str, Any]:
    """The code measured: HEAD plus any uncommitted changes under engine/, server/, storage/."""
    def git(*cmd: str) -> str:
        return subprocess.run(["git", *cmd], cwd=REPO_ROOT, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--", "engine", "server", "storage")
    return {"head": git("rev-parse", "--short", "HEAD"), "dirty": dirty.splitlines() if dirty else []}


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def progress(prefix: str, msg: str) -> None:
    print(f"[{prefix} {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def write_result(result: dict[str, Any], prefix: str) -> Path:
    """bench/results/<prefix>-<started_at stamp>.json and <prefix>-latest.json."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = result["started_at"].replace(":", "").replace("-", "")
    path = RESULTS_DIR / f"{prefix}-{stamp}.json"
    text = json.dumps(result, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    (RESULTS_DIR / f"{prefix}-latest.json").write_text(text, encoding="utf-8")
    return path


def replace_block(start: str, end: str, body: str, heading: str = "", readme: Path = README) -> None:
    """Replace what lies between the `start` and `end` markers of `readme` by `body`; when the
    markers are missing, append them (under `heading` if given)."""
    block = f"{start}\n{body}\n{end}"
    text = readme.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n" + (f"{heading}\n\n" if heading else "") + block + "\n"
    readme.write_text(text, encoding="utf-8")
