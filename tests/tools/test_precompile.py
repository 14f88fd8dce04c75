"""tools.precompile writes bytecode even where PYTHONDONTWRITEBYTECODE is set (Python itself then
writes none, and every server start compiled ~550 modules from source)."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_precompile_writes_the_bytecode_of_a_server_start(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": str(tmp_path)}
    subprocess.run([sys.executable, "-m", "tools.precompile"], cwd=REPO, env=env, check=True, timeout=120)
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.pyc")}
    for module in ("server/app", "server/cli", "engine/toc", "engine/persistence/segment_files"):
        assert any(w.endswith(f"{module}.cpython-{sys.version_info.major}{sys.version_info.minor}.pyc")
                   for w in written), module
    assert any("/numpy/" in w for w in written)  # dependencies too
