"""The bench commands' shared result helpers: README blocks replaced in place, results JSON."""

import json
from pathlib import Path

import pytest

from bench import run_info


def test_a_marked_block_is_replaced_and_appended_when_missing(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Bench\n\nintro\n")
    run_info.replace_block("<!-- a -->", "<!-- /a -->", "first", heading="## A", readme=readme)
    assert readme.read_text() == "# Bench\n\nintro\n\n## A\n\n<!-- a -->\nfirst\n<!-- /a -->\n"
    readme.write_text(readme.read_text() + "\nafter\n")
    run_info.replace_block("<!-- a -->", "<!-- /a -->", "second", heading="## A", readme=readme)
    assert readme.read_text() == "# Bench\n\nintro\n\n## A\n\n<!-- a -->\nsecond\n<!-- /a -->\n\nafter\n"


def test_results_are_written_stamped_and_as_latest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run_info, "RESULTS_DIR", tmp_path)
    path = run_info.write_result({"started_at": "2026-12-01T20:00:00Z", "x": 1}, "io-bytes")
    assert path == tmp_path / "io-bytes-20261201T200000Z.json"
    assert json.loads(path.read_text()) == json.loads((tmp_path / "io-bytes-latest.json").read_text())
    assert run_info.git_state()["head"]
