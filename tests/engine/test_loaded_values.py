"""The values of a loaded payload index answer like the dict they replace, through writes."""

import numpy as np

from engine.payload_index.loaded_values import LoadedValues


def test_loaded_values_behave_like_the_dict() -> None:
    expected = {7: ["a"], 2: ["b", "c"], 5: ["d"]}  # state order is not offset order
    values = LoadedValues(np.array([7, 2, 5]), np.array([1, 2, 1]), ["a", "b", "c", "d"])
    assert dict(values) == expected and len(values) == 3 and values.get(3) is None and 2 in values
    assert values.pop(2, None) == ["b", "c"] and values.pop(2, None) is None and 2 not in values
    values[5] = ["e"]
    values[9] = ["f"]
    assert dict(values) == {7: ["a"], 5: ["e"], 9: ["f"]} and len(values) == 3
    del values[5]
    values[2] = ["g"]  # an offset whose base entry is gone comes back as a new entry
    assert dict(values) == {7: ["a"], 9: ["f"], 2: ["g"]} and len(values) == 3
    assert values.get(7) == ["a"] and values.get(-1) is None and values.get(100) is None


def test_one_value_per_offset_in_offset_order() -> None:
    values = LoadedValues(np.array([1, 4, 6]), np.array([1, 1, 1]), [10, 40, 60])
    assert dict(values) == {1: [10], 4: [40], 6: [60]}
    values[4] = [41, 42]
    assert values.pop(1) == [10] and dict(values) == {6: [60], 4: [41, 42]} and len(values) == 2
