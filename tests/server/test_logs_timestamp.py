"""Log timestamps come from per-second and per-millisecond caches: the text must stay exactly what
formatting each record's own time gives, for repeated, neighbouring and random times."""

import logging
import random
import time

from server.logs import _timestamp


def _record(created: float) -> logging.LogRecord:
    record = logging.LogRecord("quiver.test", logging.INFO, "", 0, "m", None, None)
    record.created = created
    record.msecs = int((created - int(created)) * 1000) + 0.0
    return record


def test_timestamps_match_the_record_time() -> None:
    rng = random.Random(7)
    times = [rng.uniform(0, 2e9) for _ in range(2000)]
    times += [1.7e9 + i * 1e-4 for i in range(5000)]  # ten lines per millisecond, across seconds
    times += [1.7e9 + 0.9995, 1.7e9 + 1.0, 1.7e9 + 1.0, 1.7e9 + 0.9995]  # back across a second
    for t in times:
        record = _record(t)
        expected = f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(int(t)))}.{int(record.msecs):03d}Z"
        assert _timestamp(record) == expected
