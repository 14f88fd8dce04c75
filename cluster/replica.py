"""One shard replica on this peer: a local engine collection fed by the shard's stream.

A durable pull consumer (`p<peer_id>`, made anew at each start from the local progress record)
fetches the stream in order; each operation is applied by the
single-node engine (`Collection.update(op, wait=True)` in the engine pool), then acked, then
reported on `qv.applied.<uuid>.<shard>` as `{"p": peer, "s": seq, "e": null | [kind, message]}`
for writers waiting with `wait=true` (and, while idle, its applied sequence every `REPORT_S`, so
the stream trimmer of a node that just started knows every live replica's position). progress.py
makes restarts exact.

A shard snapshot of the replica (a snapshot transfer's source, cluster/snapshot_transfer.py) is
staged under `apply_lock`, so it holds exactly the operations up to `applied`. A consumer whose
first message lies past `applied + 1` because the stream was trimmed meanwhile (cluster/trim.py)
stops: the replica is `behind` and the node has it filled again from a snapshot.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from cluster import names
from cluster.progress import Progress, resume_after
from engine.collection import Collection
from engine.errors import EngineError
from engine.persistence.codec import decode

log = logging.getLogger("quiver.cluster.replica")
T = TypeVar("T")
Run = Callable[..., Awaitable[Any]]

FETCH_BATCH = 64
REPORT_S = 5.0
"""An idle replica re-reports its applied sequence this often."""
ACK_WAIT_S = 600.0
"""Long: an unacked message is redelivered after this; a big upsert on a busy node may take a while
(a redelivered message is skipped anyway: its sequence is not above `applied`)."""


class Replica:
    def __init__(self, nc: Client, js: JetStreamContext, peer_id: int, uuid_hex: str, shard_id: int,
                 collection: Collection, progress_path: Path, run: Run,
                 on_behind: Callable[[], None] | None = None) -> None:
        self.nc, self.js, self.peer_id = nc, js, peer_id
        self.uuid_hex, self.shard_id = uuid_hex, shard_id
        self.collection = collection
        self.progress = Progress(progress_path)
        self.run = run
        self.applied = resume_after(self.progress.read(), collection.last_op_num)
        """The highest stream sequence applied to the local collection."""
        self.caught_up = asyncio.Event()
        """Set once a fetch found nothing new (the replica has applied the stream's tail)."""
        self._task: asyncio.Task[None] | None = None
        self._sub: Any = None
        self._fresh = True
        """The consumer was just (re)created: its first message is the stream's next one."""
        self.apply_lock = asyncio.Lock()
        """Held while one message is applied: a snapshot staged under it matches `applied` exactly."""
        self.behind = False
        """The stream was trimmed past `applied`: this replica cannot go on from the stream."""
        self._on_behind = on_behind
        self._reported = 0.0
        self._stopping = False

    @property
    def stream(self) -> str:
        return names.stream_name(self.uuid_hex, self.shard_id)

    async def start(self) -> None:
        await self._subscribe()
        self._task = asyncio.create_task(self._loop(), name=f"replica {self.stream}")

    async def _subscribe(self) -> None:
        """(Re)create the durable consumer at the first sequence not applied here. Not resumed from
        the consumer's own state: messages it delivered before a crash and never saw acked would
        come back only after the ack wait, behind newer ones; the local record is exact."""
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
        durable = names.consumer_name(self.peer_id)
        with contextlib.suppress(NotFoundError):
            await self.js.delete_consumer(self.stream, durable)
        config = ConsumerConfig(durable_name=durable, ack_policy=AckPolicy.EXPLICIT,
                                deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=self.applied + 1,
                                ack_wait=ACK_WAIT_S, max_deliver=-1)
        self._sub = await self.js.pull_subscribe(names.ops_subject(self.uuid_hex, self.shard_id), durable=durable,
                                                 stream=self.stream, config=config)
        self._fresh = True

    async def stop(self) -> None:
        """End the consuming task. Cancelled again until it is done: Python 3.11's `wait_for` (inside
        nats-py's fetch) drops a cancellation that arrives as its message does, and awaiting the task
        itself would then wait for good (a reconcile pass hung on a replica drop under load)."""
        self._stopping = True
        task, self._task = self._task, None
        if task is not None:
            while not task.done():
                task.cancel()
                await asyncio.wait({task}, timeout=1.0)
            if not task.cancelled():
                task.exception()  # retrieved: a task that failed is being stopped anyway
        if self._sub is not None:
            with contextlib.suppress(Exception):
                await self._sub.unsubscribe()
            self._sub = None

    async def drop(self) -> None:
        """Stop and forget the consumer (the replica is removed from this peer)."""
        await self.stop()
        with contextlib.suppress(Exception):
            await self.js.delete_consumer(self.stream, names.consumer_name(self.peer_id))
        self.progress.remove()

    async def _loop(self) -> None:
        while not self.behind and not self._stopping:
            try:
                msgs = await self._sub.fetch(FETCH_BATCH, timeout=1.0)
            except TimeoutError:  # nats-py raises its own (a subclass) or asyncio's: nothing new
                self.caught_up.set()
                if time.monotonic() - self._reported >= REPORT_S:
                    await self._report(self.applied, None)
                    with contextlib.suppress(Exception):  # NATS away: asked again next time
                        if await self.trimmed_past():  # trimmed while this node was taken for dead
                            self._fell_behind(self.applied + 1)
                continue
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - connection trouble: nats-py reconnects; try again
                log.warning("fetch failed", exc_info=True, extra={"stream": self.stream})
                await asyncio.sleep(0.5)
                with contextlib.suppress(Exception):
                    await self._subscribe()  # its consumer may be gone with a server: from `applied` + 1
                continue
            if self._stopping:
                return  # a cancellation the fetch swallowed (see stop)
            try:
                for msg in msgs:
                    if not await self._handle(msg):
                        if not self.behind:
                            await self._subscribe()  # out of order: start again right after `applied`
                        break
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - an ack or a re-subscribe failed (NATS away): start again
                log.warning("replica lost its consumer", exc_info=True, extra={"stream": self.stream})
                await asyncio.sleep(0.5)
                with contextlib.suppress(Exception):
                    await self._subscribe()  # from `applied` + 1: nothing is skipped or repeated

    async def _handle(self, msg: Any) -> bool:
        """Apply, ack and report one message; False (nothing done) if it is not the next one."""
        seq = msg.metadata.sequence.stream
        fresh, self._fresh = self._fresh, False
        if seq > self.applied + 1:
            if not fresh:
                # a redelivery overtaken by newer messages; applying those first would reorder the log
                log.warning("out-of-order delivery", extra={"stream": self.stream, "seq": seq, "applied": self.applied})
                return False
            if await self.trimmed_past():
                self._fell_behind(seq)
                return False
        error: list[str] | None = None
        async with self.apply_lock:
            if seq > self.applied:
                error = await self._apply(seq, msg.data)
                self.applied = seq
        await msg.ack()
        await self._report(seq, error)
        return True

    async def _report(self, seq: int, error: list[str] | None) -> None:
        self._reported = time.monotonic()
        report = {"p": self.peer_id, "s": seq, "e": error}
        with contextlib.suppress(Exception):
            await self.nc.publish(names.applied_subject(self.uuid_hex, self.shard_id), json.dumps(report).encode())

    async def trimmed_past(self) -> bool:
        """Whether the stream no longer holds the message after `applied` (trimmed away)."""
        info = await self.js.stream_info(self.stream)
        return int(info.state.first_seq) > self.applied + 1

    def _fell_behind(self, seq: int) -> None:
        log.warning("replica is behind its trimmed stream: it needs a snapshot",
                    extra={"stream": self.stream, "applied": self.applied, "first_delivered": seq})
        self.behind = True
        if self._on_behind is not None:
            self._on_behind()

    async def _apply(self, seq: int, data: bytes) -> list[str] | None:
        """Apply one logged operation; an error the engine raises (a point that does not exist
        on this shard, say) is reported to the writer, not retried: every replica raises the same."""
        self.progress.starting(seq, self.collection.last_op_num)
        try:
            op = decode(data)
            await self.run(self.collection.update, op, True)
        except EngineError as e:
            return [type(e).__name__, str(e)]
        except Exception as e:  # noqa: BLE001 - reported and logged; the stream moves on
            log.exception("replica failed to apply an operation", extra={"stream": self.stream, "seq": seq})
            return ["ServiceError", str(e)]
        return None
