"""Collection info takes the locks in the shard's order (the writer mutex before segment locks), so
polling info while the optimizer seals a segment cannot deadlock the collection.

Seen in bench.core_v2: `GET /collections/{name}` polled for "green" after an ingest hung the whole
server — info held the segments' read locks and then waited for the writer mutex (`pending`), while
the optimizer held the writer mutex and waited for the write lock of the segment info was reading.
"""

from __future__ import annotations

import threading
import time

import numpy as np

from engine.collection import Collection
from engine.types.config import CollectionConfig, CollectionParams, Distance, OptimizersConfig, VectorParams
from engine.types.operations import UpsertPoints
from engine.types.points import PointStruct


def test_info_while_a_writer_holds_the_mutex_and_wants_a_segment_write_lock() -> None:
    params = CollectionParams(vectors={"": VectorParams(size=4, distance=Distance.DOT)}, unnamed=True)
    col = Collection("c", CollectionConfig(params=params, optimizer_config=OptimizersConfig(indexing_threshold=0)))
    col.update(UpsertPoints(points=[PointStruct(id=1, vectors={"": np.ones(4, dtype=np.float32)})]))
    segment = col.segments[-1]
    holding = threading.Event()

    def sealing() -> None:  # the optimizer's order: writer mutex, then the segment's write lock
        with col.shard.holder.writer:
            holding.set()
            time.sleep(0.3)  # info starts meanwhile
            with segment.lock.write():
                pass

    writer = threading.Thread(target=sealing, daemon=True)
    writer.start()
    holding.wait(5)
    answered = threading.Event()
    reader = threading.Thread(target=lambda: (col.info(), answered.set()), daemon=True)
    reader.start()
    assert answered.wait(10), "collection info deadlocked with the writer"
    writer.join(10)
    assert not writer.is_alive()
