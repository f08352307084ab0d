"""Group commit: concurrent commands share one transaction, each keeps its own outcome.

eventsourcing's PostgreSQL recorder takes an EXCLUSIVE lock on the events table for every insert,
so that notification ids become visible in commit order (readers never skip an event). That lock
serialises writers: eight threads commit one after the other, each paying a round trip and an
fsync. Here the first thread to arrive becomes the leader and writes every request waiting at
that moment in a single transaction (one lock, one fsync); the others wait for their outcome.
If the batch hits a uniqueness conflict, the leader writes its requests one by one, so exactly
the conflicting command fails and the others succeed, as if each had committed alone.

A leader that finds fewer requests waiting than the previous batch held waits a moment for the
rest (at most ``max_gather_wait``). Without that, the callers released together by one batch
come back one by one: the first becomes leader and commits alone while the others queue, and
two transactions are paid where one would do. Writing costs far more per transaction than per
event (the recorder's Python work and the round trips), so fewer, fuller batches are what make
group commit pay. A lone caller never waits: its previous batch held one request.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Sequence

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent


class _Request:
    __slots__ = ("_done", "error", "events", "notification_ids", "written")

    def __init__(self, events: Sequence[StoredEvent]) -> None:
        self.events = events
        self.notification_ids: Sequence[int] = ()
        self.written = False
        self.error: BaseException | None = None
        # Taken now, released by the leader once the outcome is known: a bare lock is the
        # cheapest thing a thread can block on (an Event builds a Condition and a waiter lock).
        self._done = threading.Lock()
        self._done.acquire()

    def finish(self) -> None:
        self._done.release()

    def wait(self) -> None:
        self._done.acquire()


class GroupCommit:
    """Writes the stored events of concurrent callers through one recorder, batched."""

    def __init__(
        self,
        recorder: ApplicationRecorder,
        max_batch_events: int = 2000,
        max_gather_wait: float = 0.002,
    ) -> None:
        self._recorder = recorder
        self._max_batch_events = max_batch_events
        self._max_gather_wait = max_gather_wait
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._pending: deque[_Request] = deque()
        self._leading = False
        self._gathering = False
        self._last_batch_size = 1

    def insert(self, events: Sequence[StoredEvent]) -> Sequence[int]:
        """Insert the events atomically and return their notification ids, in order."""
        request = _Request(events)
        with self._lock:
            self._pending.append(request)
            lead = not self._leading
            if lead:
                self._leading = True
            elif self._gathering and len(self._pending) >= self._last_batch_size:
                self._arrived.notify()
        if lead:
            self._lead()
        request.wait()
        if request.error is not None:
            raise request.error
        return request.notification_ids

    def _lead(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._leading = False
                    return
                self._gather()
                batch = self._take_batch()
                self._last_batch_size = len(batch)
            self._write(batch)

    def _gather(self) -> None:
        """Wait, the lock held, until as many requests as last time are pending, or time is up."""
        if len(self._pending) >= self._last_batch_size:
            return
        deadline = time.monotonic() + self._max_gather_wait
        self._gathering = True
        try:
            while len(self._pending) < self._last_batch_size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._arrived.wait(remaining)
        finally:
            self._gathering = False

    def _take_batch(self) -> list[_Request]:
        batch: list[_Request] = []
        size = 0
        while self._pending and (
            not batch or size + len(self._pending[0].events) <= self._max_batch_events
        ):
            request = self._pending.popleft()
            batch.append(request)
            size += len(request.events)
        return batch

    def _write(self, batch: list[_Request]) -> None:
        try:
            if len(batch) == 1:
                self._write_alone(batch[0])
                return
            try:
                ids = self._recorder.insert_events([e for r in batch for e in r.events]) or []
            except IntegrityError:
                # Someone in the batch conflicts: find out who, each in its own transaction.
                for request in batch:
                    self._write_alone(request)
                return
            start = 0
            for request in batch:
                request.notification_ids = ids[start : start + len(request.events)]
                request.written = True
                start += len(request.events)
        except BaseException as error:  # a lost connection fails every waiting command
            for request in batch:
                if not request.written and request.error is None:
                    request.error = error
        finally:
            for request in batch:
                request.finish()

    def _write_alone(self, request: _Request) -> None:
        try:
            request.notification_ids = self._recorder.insert_events(request.events) or []
            request.written = True
        except IntegrityError as error:
            request.error = error
