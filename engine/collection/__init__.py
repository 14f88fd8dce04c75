"""A collection: config, segments, operation numbers, updates and reads."""

from engine.collection import reads  # noqa: E402,I001
from engine.collection.collection import Collection, CollectionInfo

__all__ = ["Collection", "CollectionInfo", "reads"]
