"""An hnswlib graph over one vector column of a sealed segment. Labels are segment offsets.

hnswlib returns its own distances (1 - dot for `ip`, squared L2 for `l2`); we only take the labels
from it and re-score the winners exactly with numpy, so scores equal those of exact search.
Manhattan has no hnswlib space: segments with it are always searched exactly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import hnswlib
import numpy as np

from engine.types.config import Datatype, Distance, HnswConfig, VectorParams

_SPACE = {Distance.COSINE: "ip", Distance.DOT: "ip", Distance.EUCLID: "l2"}


def indexable(params: VectorParams, config: HnswConfig) -> bool:
    """Dense spaces with an hnswlib metric get a graph; multivectors and Manhattan are exact only."""
    return params.multivector_config is None and params.distance in _SPACE and config.m > 0


class HnswIndex:
    def __init__(self, distance: Distance, dim: int, config: HnswConfig,
                 datatype: Datatype = Datatype.FLOAT32) -> None:
        self.distance = distance
        self.dim = dim
        self.config = config
        self.count = 0
        # uint8 Cosine vectors are stored unnormalised: hnswlib's `cosine` space normalises them itself.
        space = "cosine" if datatype is Datatype.UINT8 and distance is Distance.COSINE else _SPACE[distance]
        self._index = hnswlib.Index(space=space, dim=dim)
        # knn_query runs concurrently (hnswlib releases the GIL) and needs no Python lock: hnswlib
        # searches with a beam of max(ef_, k), so the index's own ef_ is pinned to 1 and each search
        # asks for k = its ef and keeps the best k labels (the same beam as set_ef(ef) + k, without
        # shared state). mark_deleted and save are serialised with each other by `_lock` (the
        # segment's write lock already keeps deletes away from searches).
        self._lock = threading.Lock()

    def build(self, vectors: np.ndarray, labels: np.ndarray, threads: int = 1) -> None:
        n = max(int(labels.shape[0]), 1)
        self._index.init_index(max_elements=n, M=self.config.m, ef_construction=self.config.ef_construct,
                               random_seed=100)
        if labels.shape[0]:
            self._index.add_items(vectors, labels, num_threads=threads)
        self._index.set_ef(1)
        self.count = int(labels.shape[0])

    def save(self, path: str) -> int:
        """Write the graph (with its deleted marks) to `path`; returns `count` as of that write."""
        with self._lock:
            self._index.save_index(path)
            return self.count

    def state(self) -> tuple[dict[str, Any], int]:
        """hnswlib's whole state as arrays (graph, vectors, deleted marks) and `count`, copied
        under the lock: engine/persistence/graph_file.py writes it without holding any lock."""
        with self._lock:
            return dict(self._index.__getstate__()[0]), self.count

    @classmethod
    def load(cls, path: str, distance: Distance, dim: int, config: HnswConfig, count: int,
             datatype: Datatype = Datatype.FLOAT32) -> HnswIndex:
        index = cls(distance, dim, config, datatype)
        index._index.load_index(path, allow_replace_deleted=False)
        index._index.set_ef(1)  # ef_ is not part of the file (hnswlib loads it as 10)
        index.count = count
        return index

    def mark_deleted(self, label: int) -> None:
        with self._lock:
            try:
                self._index.mark_deleted(label)
                self.count -= 1
            except RuntimeError:
                pass  # not in the graph (was never indexed or already deleted)

    def search(self, query: np.ndarray, k: int, ef: int,
               allowed: Callable[[int], bool] | None = None) -> np.ndarray | None:
        """Labels of `min(k, count)` approximate nearest neighbours (beam width `max(ef, k)`), best
        first, or None when the graph cannot yield that many (too many deleted or filtered out):
        the caller then scores exactly."""
        k = min(k, self.count)
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        width = min(max(ef, k), self.count)
        try:
            labels, _ = self._index.knn_query(query, k=width, num_threads=1, filter=allowed)
        except RuntimeError:
            if width == k:
                return None
            try:  # fewer than `width` points reachable: the narrowest beam may still yield k
                labels, _ = self._index.knn_query(query, k=k, num_threads=1, filter=allowed)
            except RuntimeError:
                return None
        return labels[0, :k].astype(np.int64)
