"""Group commit: concurrent commands share one transaction, each keeps its own outcome.

eventsourcing's PostgreSQL recorder takes an EXCLUSIVE lock on the events table for every insert,
so that notification ids become visible in commit order (readers never skip an event). That lock
serialises writers: eight threads commit one after the other, each paying a round trip and an
fsync. Here the first thread to arrive becomes the leader and writes every request waiting at
that moment in a single transaction (one lock, one fsync); the others wait for their outcome.
If the batch hits a uniqueness conflict, the leader writes its requests one by one, so exactly
the conflicting command fails and the others succeed, as if each had committed alone.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventsourcing.persistence import ApplicationRecorder, IntegrityError, StoredEvent


@dataclass
class _Request:
    events: Sequence[StoredEvent]
    done: threading.Event = field(default_factory=threading.Event)
    notification_ids: Sequence[int] = ()
    written: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Writes the stored events of concurrent callers through one recorder, batched."""

    def __init__(self, recorder: ApplicationRecorder, max_batch_events: int = 2000) -> None:
        self._recorder = recorder
        self._max_batch_events = max_batch_events
        self._lock = threading.Lock()
        self._pending: list[_Request] = []
        self._leading = False

    def insert(self, events: Sequence[StoredEvent]) -> Sequence[int]:
        """Insert the events atomically and return their notification ids, in order."""
        request = _Request(events)
        with self._lock:
            self._pending.append(request)
            lead = not self._leading
            if lead:
                self._leading = True
        if lead:
            self._lead()
        request.done.wait()
        if request.error is not None:
            raise request.error
        return request.notification_ids

    def _lead(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._leading = False
                    return
                batch = self._take_batch()
            self._write(batch)

    def _take_batch(self) -> list[_Request]:
        batch: list[_Request] = []
        size = 0
        while self._pending and (
            not batch or size + len(self._pending[0].events) <= self._max_batch_events
        ):
            request = self._pending.pop(0)
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
                request.done.set()

    def _write_alone(self, request: _Request) -> None:
        try:
            request.notification_ids = self._recorder.insert_events(request.events) or []
            request.written = True
        except IntegrityError as error:
            request.error = error
