"""The id tracker's stored form: integer and UUID ids round-trip through numpy columns, and a
tracker built from them finds exactly the live points."""

import uuid

import numpy as np

from engine.segment.id_tracker import IdTracker


def test_ids_round_trip_through_their_arrays() -> None:
    ids = [0, str(uuid.UUID(int=1)), 2**64 - 1, str(uuid.uuid4()), 7]
    tracker = IdTracker()
    for pid in ids:
        tracker.allocate(pid)
    tracker.versions[:5] = [5, 4, 3, 2, 1]
    arrays = tracker.arrays()
    assert arrays.to_ids() == ids
    assert arrays.to_ids() == tracker.arrays(np.arange(5)).to_ids()
    alive = np.array([True, True, False, True, True])
    loaded = IdTracker.from_arrays(arrays, tracker.versions, alive)
    assert loaded.external == ids and len(loaded) == 4
    assert [loaded.offset_of(p) for p in ids] == [0, 1, None, 3, 4]
    assert loaded.versions[:5].tolist() == [5, 4, 3, 2, 1]
    assert loaded.is_uuid[:5].tolist() == [False, True, False, True, False]
    assert loaded.allocate(99) == 5  # keeps growing after a load
