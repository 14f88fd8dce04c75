"""The optimizer's idle rule follows the pace of the writes: a slow ingest on a loaded machine is
not taken for a finished one, a quiet machine's ingest is sealed 2 s after its last batch."""

from engine.shard.cadence import MAX_IDLE_SECONDS, MIN_IDLE_SECONDS, WriteCadence


def cadence_with_gaps(gaps: list[float]) -> tuple[WriteCadence, float]:
    cadence = WriteCadence()
    now = cadence.last
    for gap in gaps:
        now += gap
        cadence.note(now)
    return cadence, now


def test_a_fast_ingest_is_idle_after_the_minimum_pause() -> None:
    cadence, now = cadence_with_gaps([0.05] * 20)
    assert cadence.idle_after() == MIN_IDLE_SECONDS
    assert not cadence.idle(now + 1.9)
    assert cadence.idle(now + 2.0)


def test_a_slow_ingest_is_not_idle_between_its_batches() -> None:
    cadence, now = cadence_with_gaps([0.1, 0.2, 1.5, 2.5, 1.8, 2.2])  # a starved client: seconds per batch
    assert not cadence.idle(now + 3.0)  # a fixed 2 s rule would seal here
    assert cadence.idle(now + 3 * 2.5)


def test_a_pause_between_ingests_does_not_slow_the_next_one() -> None:
    cadence, now = cadence_with_gaps([0.05] * 5 + [600.0] + [0.05] * 3)  # a long pause, then a new ingest
    assert cadence.idle_after() == MIN_IDLE_SECONDS


def test_the_wait_is_bounded() -> None:
    cadence, _ = cadence_with_gaps([1.9, 5.0, 14.0, 40.0])
    assert cadence.idle_after() == MAX_IDLE_SECONDS
