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
    assert [loaded.point_id(o) for o in range(5)] == ids and len(loaded) == 4
    assert [loaded.offset_of(p) for p in ids] == [0, 1, None, 3, 4]
    assert loaded.versions[:5].tolist() == [5, 4, 3, 2, 1]
    assert loaded.is_uuid[:5].tolist() == [False, True, False, True, False]
    assert loaded.allocate(99) == 5  # keeps growing after a load


def test_a_loaded_tracker_removes_reallocates_and_answers_batches() -> None:
    text = str(uuid.UUID(int=5))
    ids = [10, text, 30, 10, 2**63 + 1]  # 10 twice: deleted at offset 0, upserted again at offset 3
    tracker = IdTracker()
    tracker.allocate_many(ids[:3])
    tracker.remove(10)
    tracker.allocate(10)
    tracker.allocate(ids[4])
    alive = np.array([False, True, True, True, True])
    loaded = IdTracker.from_arrays(tracker.arrays(), tracker.versions, alive)
    assert [loaded.offset_of(p) for p in (10, text, 30, 2**63 + 1, 11)] == [3, 1, 2, 4, None]
    assert loaded.point_ids([0, 1, 3]) == [10, text, 10] and len(loaded) == 4
    assert loaded.any_known([11, 12, 2**63 + 1]) and loaded.any_known([text])
    assert not loaded.any_known([11, 0, str(uuid.UUID(int=6))])
    assert loaded.remove(30) == 2 and loaded.remove(30) is None and loaded.offset_of(30) is None
    assert loaded.remove(text) == 1 and loaded.offset_of(text) is None and loaded.point_id(1) == text
    assert not loaded.any_known([30, text]) and len(loaded) == 2
    assert loaded.allocate(30) == 5 and loaded.offset_of(30) == 5 and loaded.any_known([30])
    assert loaded.offsets_for([30, 10, 99]).tolist() == [5, 3]
    assert loaded.arrays().to_ids() == [10, text, 30, 10, 2**63 + 1, 30]
