"""Geo index: lat/lon columns of every geo point under the key, filtered with numpy geometry."""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.filters import geo
from engine.payload_index.base import PayloadIndex
from engine.types.filters import FieldCondition, FieldGeoBoundingBox, FieldGeoPolygon, FieldGeoRadius
from engine.types.payload_schema import PayloadSchema


class GeoIndex(PayloadIndex):
    def __init__(self, key: str, schema: PayloadSchema) -> None:
        super().__init__(key, schema)
        self._lat = np.empty(0, dtype=np.float64)
        self._lon = np.empty(0, dtype=np.float64)
        self._offs = np.empty(0, dtype=np.int64)
        self._pending: dict[int, list[tuple[float, float]]] = {}
        self._removed: set[int] = set()

    def _accepts(self, value: Any) -> bool:
        return geo.as_geo_point(value) is not None

    def _store(self, offset: int, values: list[Any]) -> None:
        points = [geo.as_geo_point(v) for v in values]
        self._pending[offset] = [p for p in points if p is not None]

    def _unstore(self, offset: int) -> None:
        self._removed.add(offset)
        self._pending.pop(offset, None)

    def _columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if self._removed:
            gone = np.fromiter(self._removed, dtype=np.int64, count=len(self._removed))
            keep = ~np.isin(self._offs, gone)
            self._lat, self._lon, self._offs = self._lat[keep], self._lon[keep], self._offs[keep]
            self._removed.clear()
        if self._pending:
            pts = [(o, la, lo) for o, ps in self._pending.items() for la, lo in ps]
            new = np.array(pts, dtype=np.float64).reshape(-1, 3)
            self._offs = np.concatenate([self._offs, new[:, 0].astype(np.int64)])
            self._lat = np.concatenate([self._lat, new[:, 1]])
            self._lon = np.concatenate([self._lon, new[:, 2]])
            self._pending.clear()
        return self._lat, self._lon, self._offs

    def matching_offsets(self, cond: FieldCondition) -> np.ndarray | None:
        lat, lon, offs = self._columns()
        match cond:
            case FieldGeoBoundingBox(_, box):
                return np.asarray(offs[geo.in_bounding_box_np(box, lat, lon)])
            case FieldGeoRadius(_, area):
                return np.asarray(offs[geo.in_radius_np(area, lat, lon)])
            case FieldGeoPolygon(_, polygon):
                return np.asarray(offs[geo.in_polygon_np(polygon, lat, lon)])
        return None
