"""Geometry on lat/lon points: haversine distance, bounding boxes, polygons with holes.

Scalar functions serve the per-point scan; `*_np` twins evaluate whole columns for the geo
index with the same arithmetic in the same order, so both paths agree.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from engine.types.filters import GeoBoundingBox, GeoLineString, GeoPolygon, GeoRadius

EARTH_RADIUS_M = 6371008.8
"""Mean earth radius (IUGG), as Qdrant uses."""


def as_geo_point(value: Any) -> tuple[float, float] | None:
    """(lat, lon) when `value` is an object with finite numeric `lat` and `lon`, else None."""
    if not isinstance(value, dict):
        return None
    lat, lon = value.get("lat"), value.get("lon")
    for c in (lat, lon):
        if type(c) is not int and type(c) is not float:
            return None
        try:
            if not math.isfinite(c):
                return None
        except OverflowError:
            return None
    return float(lat), float(lon)  # type: ignore[arg-type]


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, l1, p2, l2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((l2 - l1) / 2) ** 2
    return EARTH_RADIUS_M * 2 * math.asin(math.sqrt(a))


def in_radius(area: GeoRadius, lat: float, lon: float) -> bool:
    return haversine(lat, lon, area.center.lat, area.center.lon) < area.radius


def in_bounding_box(box: GeoBoundingBox, lat: float, lon: float) -> bool:
    west, east = box.top_left.lon, box.bottom_right.lon
    # west > east: the box crosses the antimeridian
    lon_ok = (lon > west or lon < east) if west > east else (west < lon < east)
    return lon_ok and box.top_left.lat > lat > box.bottom_right.lat


def _ring(line: GeoLineString) -> list[tuple[float, float]]:
    pts = [(p.lat, p.lon) for p in line.points]
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    return pts


def _in_ring(ring: list[tuple[float, float]], x: float, y: float) -> int:
    """1 inside, 0 outside, -1 on the boundary (x = lat, y = lon; even-odd rule)."""
    inside = False
    n = len(ring)
    for i in range(n):
        xi, yi = ring[i]
        xj, yj = ring[i - 1]
        if (
            y * (xi - xj) + yi * (xj - x) + yj * (x - xi) == 0
            and (xi - x) * (xj - x) <= 0
            and (yi - y) * (yj - y) <= 0
        ):
            return -1
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
    return 1 if inside else 0


def in_polygon(polygon: GeoPolygon, lat: float, lon: float) -> bool:
    """Strictly inside the exterior and not inside or on any hole (boundaries are outside)."""
    if _in_ring(_ring(polygon.exterior), lat, lon) != 1:
        return False
    return all(_in_ring(_ring(hole), lat, lon) == 0 for hole in polygon.interiors)


# ---- column versions -------------------------------------------------------------------------


def in_radius_np(area: GeoRadius, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    p1, l1 = np.radians(lat), np.radians(lon)
    p2, l2 = math.radians(area.center.lat), math.radians(area.center.lon)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    dist = EARTH_RADIUS_M * 2 * np.arcsin(np.sqrt(a))
    return np.asarray(dist < area.radius)


def in_bounding_box_np(box: GeoBoundingBox, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    west, east = box.top_left.lon, box.bottom_right.lon
    lon_ok = ((lon > west) | (lon < east)) if west > east else ((lon > west) & (lon < east))
    return np.asarray(lon_ok & (lat < box.top_left.lat) & (lat > box.bottom_right.lat))


def _in_ring_np(ring: list[tuple[float, float]], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """int8 per point: 1 inside, 0 outside, -1 on the boundary."""
    inside = np.zeros(x.shape, dtype=bool)
    boundary = np.zeros(x.shape, dtype=bool)
    n = len(ring)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in range(n):
            xi, yi = ring[i]
            xj, yj = ring[i - 1]
            boundary |= (
                (y * (xi - xj) + yi * (xj - x) + yj * (x - xi) == 0)
                & ((xi - x) * (xj - x) <= 0)
                & ((yi - y) * (yj - y) <= 0)
            )
            if yi == yj:
                continue  # a horizontal edge never crosses the ray
            crosses = ((yi > y) != (yj > y)) & (x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            inside ^= crosses
    out = inside.astype(np.int8)
    out[boundary] = -1
    return out


def in_polygon_np(polygon: GeoPolygon, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    ok = _in_ring_np(_ring(polygon.exterior), lat, lon) == 1
    for hole in polygon.interiors:
        ok &= _in_ring_np(_ring(hole), lat, lon) == 0
    return np.asarray(ok, dtype=bool)
