"""Filter evaluation against segments: compile once, then mask / check / estimate per segment."""

from __future__ import annotations

from engine.filters.compiler import BoundFilter, CompiledFilter, compile_filter
from engine.filters.target import Cardinality, FilterTarget, HasPointIds

__all__ = [
    "BoundFilter",
    "Cardinality",
    "CompiledFilter",
    "FilterTarget",
    "HasPointIds",
    "compile_filter",
]
