"""Compare one client's scenario observations with the expected answers, step by step.

Expected answers come from running the Python runner on `QdrantClient(":memory:")` plus the
answers the scenario fixes itself (`scenario_spec.FIXED_EXPECTED`). Scores must agree within 1e-4;
among equal scores (fusion ties) the order may differ, so ids are compared as sets per score.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from scenario_spec import FIXED_EXPECTED, STEPS

SCORE_TOLERANCE = 1e-4


def _norm_id(value: Any) -> Any:
    """Ids arrive as int, numeric string (JS/Go uint64) or UUID string; compare them as one form."""
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value.lower() if isinstance(value, str) else value


def _scored_diff(got: list[dict[str, Any]], want: list[dict[str, Any]]) -> str | None:
    if len(got) != len(want):
        return f"{len(got)} hits, expected {len(want)}: {got} vs {want}"
    for g, w in zip(got, want, strict=True):
        if abs(float(g["score"]) - float(w["score"])) > SCORE_TOLERANCE:
            return f"score {g} vs expected {w}"

    def tie_groups(hits: list[dict[str, Any]]) -> list[set[Any]]:
        rounded = [(round(float(w["score"]), 3), _norm_id(h["id"])) for h, w in zip(hits, want, strict=True)]
        return [{i for _, i in grp} for _, grp in groupby(rounded, key=lambda t: t[0])]

    if tie_groups(got) != tie_groups(want):
        return f"ids {[h['id'] for h in got]} vs expected {[h['id'] for h in want]}"
    return None


def _diff(kind: str, got: Any, want: Any) -> str | None:
    match kind:
        case "scored":
            return _scored_diff(got, want)
        case "groups":
            got_keys = [_norm_id(g["id"]) for g in got]
            want_keys = [_norm_id(g["id"]) for g in want]
            if got_keys != want_keys:
                return f"group keys {got_keys} vs expected {want_keys}"
            for g, w in zip(got, want, strict=True):
                problem = _scored_diff(g["hits"], w["hits"])
                if problem:
                    return f"group {g['id']}: {problem}"
            return None
        case "ids":
            got_ids, want_ids = [_norm_id(i) for i in got], [_norm_id(i) for i in want]
            return None if got_ids == want_ids else f"ids {got_ids} vs expected {want_ids}"
        case "id_set":
            got_ids, want_ids = {_norm_id(i) for i in got}, {_norm_id(i) for i in want}
            if len(got) != len(want) or got_ids != want_ids:
                return f"{len(got)} ids vs expected {len(want)}; missing {want_ids - got_ids}, extra {got_ids - want_ids}"
            return None
        case "count":
            return None if int(got) == int(want) else f"count {got} vs expected {want}"
        case "records":
            got_map = {_norm_id(r["id"]): r["payload"] for r in got}
            want_map = {_norm_id(r["id"]): r["payload"] for r in want}
            return None if got_map == want_map else f"records {got_map} vs expected {want_map}"
        case "value":
            return None if got == want else f"{got} vs expected {want}"
    return f"unknown kind {kind}"


def expected_answers(oracle_observations: dict[str, Any]) -> dict[str, Any]:
    return {**oracle_observations, **FIXED_EXPECTED}


def differences(got: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Every step whose observation differs (or is missing), as readable lines."""
    problems = []
    for step, kind in STEPS:
        if step not in got:
            problems.append(f"{step}: not observed")
            continue
        problem = _diff(kind, got[step], expected[step])
        if problem:
            problems.append(f"{step}: {problem}")
    return problems
