"""A background write load for the fault tests: wait=true upserts through the nodes, acknowledged ids kept."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import httpx

DIM = 4


def load_point(point_id: int) -> dict[str, Any]:
    rng = random.Random(point_id)
    return {"id": point_id, "vector": [rng.uniform(-1, 1) for _ in range(DIM)], "payload": {"n": point_id}}


class WriteLoad:
    """Threads that upsert batches with wait=true over raw REST, each to its own node in turn.

    `acked` holds the ids of every batch a node answered 200 for: those must never be lost. Failed batches
    (a killed node, a NATS server going away) are counted, not retried: their points may or may not exist.
    """

    def __init__(self, urls: list[str], collection: str, first_id: int, batch: int = 8,
                 timeout: float = 20.0) -> None:
        self.urls, self.collection, self.batch, self.timeout = list(urls), collection, batch, timeout
        self.next_id = first_id
        self.acked: list[int] = []
        self.failures: list[str] = []
        self.ack_times: list[float] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(len(urls))]

    def _take_ids(self) -> list[int]:
        with self._lock:
            ids = list(range(self.next_id, self.next_id + self.batch))
            self.next_id += self.batch
            return ids

    def _run(self, index: int) -> None:
        url = self.urls[index]
        with httpx.Client(base_url=url, timeout=self.timeout) as http:
            while not self._stop.is_set():
                ids = self._take_ids()
                body = {"points": [load_point(i) for i in ids]}
                try:
                    answer = http.put(f"/collections/{self.collection}/points", params={"wait": "true"}, json=body)
                except httpx.HTTPError as exc:
                    with self._lock:
                        self.failures.append(f"{url}: {type(exc).__name__}")
                    time.sleep(0.1)
                    continue
                with self._lock:
                    if answer.status_code == 200 and answer.json()["result"]["status"] == "completed":
                        self.acked.extend(ids)
                        self.ack_times.append(time.monotonic())
                    else:
                        self.failures.append(f"{url}: {answer.status_code} {answer.text[:200]}")
                if answer.status_code != 200:
                    time.sleep(0.1)

    def start(self) -> WriteLoad:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=self.timeout + 5)

    def acked_since(self, moment: float) -> int:
        with self._lock:
            return sum(1 for t in self.ack_times if t >= moment)
