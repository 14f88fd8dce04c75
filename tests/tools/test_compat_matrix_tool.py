"""tools.compat_matrix: the README table follows the recorded traffic, and regressions fail."""

from __future__ import annotations

import json
from pathlib import Path

from tools import compat_matrix
from tools.compat_matrix import BEGIN, END, main, render, schema_operations

SPEC = json.loads(compat_matrix.SCHEMA.read_text())


def _record(operations: dict[str, object], complete: bool = True) -> dict[str, object]:
    return {"format": 1, "complete": complete, "operations": operations}


def _write(tmp_path: Path, record: dict[str, object], section: str = "") -> tuple[Path, Path]:
    rec = tmp_path / "rec.json"
    rec.write_text(json.dumps(record))
    readme = tmp_path / "README.md"
    readme.write_text(f"# x\n\n{section or BEGIN + chr(10) + END}\n\n## after\n")
    return rec, readme


def test_schema_operations_list_all_69_with_body_fields_and_query_params() -> None:
    ops = {op.op_id: op for op in schema_operations(SPEC)}
    assert len(ops) == 69
    upsert = ops["upsert_points"]
    # PointInsertOperations is an anyOf of the batch and list forms: both forms' fields count
    assert {"points", "batch", "shard_key", "update_filter"} <= set(upsert.body_fields)
    assert {"wait", "ordering", "timeout"} <= set(upsert.query_params)


def test_render_counts_operations_whose_handler_answered() -> None:
    table = render(
        SPEC,
        _record(
            {
                "get_collections": {"statuses": {"200": 3}, "body_fields": [], "query_params": []},
                "get_collection": {"statuses": {"404": 1}, "body_fields": [], "query_params": []},
                "cluster_status": {"statuses": {"404": 2}, "unrouted": 2},
                "upsert_points": {"statuses": {"200": 1, "400": 2}, "body_fields": ["points"],
                                  "query_params": ["wait"]},
            }
        ),
    )
    assert "**3 of 69 operations served**" in table
    row = next(line for line in table.splitlines() if line.startswith("| `upsert_points`"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2:5] == ["yes", "200, 400", "`points`"]
    assert "`batch`" in cells[5] and "`points`" not in cells[5]
    assert cells[6] == "`wait`" and "`ordering`" in cells[7]
    handled = next(line for line in table.splitlines() if line.startswith("| `get_collection`"))
    assert "| yes | 404 |" in handled  # the handler's own 404 (a missing collection)
    unrouted = next(line for line in table.splitlines() if line.startswith("| `cluster_status`"))
    assert "| no | 404 |" in unrouted  # only the router's answer: not served


def test_write_then_check_round_trip(tmp_path: Path) -> None:
    rec, readme = _write(tmp_path, _record({"root": {"statuses": {"200": 1}}}))
    assert main(["--record", str(rec), "--readme", str(readme), "--check"]) == 1
    assert main(["--record", str(rec), "--readme", str(readme), "--write", "--no-regression"]) == 0
    text = readme.read_text()
    assert "**1 of 69 operations served**" in text and text.endswith("\n\n## after\n")
    assert main(["--record", str(rec), "--readme", str(readme), "--check"]) == 0


def test_no_regression_refuses_partial_runs_and_lost_operations(tmp_path: Path) -> None:
    served = _record({"root": {"statuses": {"200": 1}}, "healthz": {"statuses": {"200": 1}}})
    rec, readme = _write(tmp_path, served)
    assert main(["--record", str(rec), "--readme", str(readme), "--write"]) == 0
    rec.write_text(json.dumps(_record({"root": {"statuses": {"200": 1}}}, complete=False)))
    assert main(["--record", str(rec), "--readme", str(readme), "--write", "--no-regression"]) == 1
    lost = {"root": {"statuses": {"200": 1}}, "healthz": {"statuses": {"404": 1}, "unrouted": 1}}
    rec.write_text(json.dumps(_record(lost)))
    assert main(["--record", str(rec), "--readme", str(readme), "--write", "--no-regression"]) == 1
    assert "**2 of 69 operations served**" in readme.read_text()  # a refused run leaves the README as it was
