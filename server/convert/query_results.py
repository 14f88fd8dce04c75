"""Query-API results → Qdrant REST JSON: point groups and the distance matrix (pairs, offsets)."""

from __future__ import annotations

from typing import Any

from engine.types.config import CollectionParams
from engine.types.points import PointGroup
from engine.types.requests import MatrixResult
from server.convert.results import f32_floats, record_to_json, scored_points_to_json


def groups_to_json(groups: list[PointGroup], params: CollectionParams,
                   lookup_params: CollectionParams | None = None) -> dict[str, Any]:
    out = []
    for group in groups:
        item: dict[str, Any] = {"id": group.id, "hits": scored_points_to_json(group.hits, params)}
        if group.lookup is not None and lookup_params is not None:
            item["lookup"] = record_to_json(group.lookup, lookup_params)
        out.append(item)
    return {"groups": out}


def matrix_pairs_to_json(result: MatrixResult) -> dict[str, Any]:
    scores = f32_floats([score for _, _, score in result.entries])
    return {"pairs": [{"a": result.ids[row], "b": result.ids[col], "score": score}
                      for (row, col, _), score in zip(result.entries, scores, strict=True)]}


def matrix_offsets_to_json(result: MatrixResult) -> dict[str, Any]:
    return {"offsets_row": [row for row, _, _ in result.entries],
            "offsets_col": [col for _, col, _ in result.entries],
            "scores": f32_floats([score for _, _, score in result.entries]), "ids": list(result.ids)}
