"""Segments: the unit of storage and search (appendable now; immutable HNSW-indexed ones later)."""

from engine.segment.segment import Segment

__all__ = ["Segment"]
