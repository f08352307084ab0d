"""The store under every write application: one event log shared by all of them, events
collected and appended through group commit, dates transcoded, and the log position of each
thread's last command (its consistency token).

The domain's applications (osezia.domain.application.PlatformApplication) build on this class
and add what is theirs: commands, idempotency, conflicts, actors.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    ApplicationRecorder,
    JSONTranscoder,
    Notification,
    Recording,
    Transcoding,
)
from eventsourcing.utils import EnvType

from osezia.store.groupcommit import GroupCommit

# Every application writes to and reads from the same log, so that one notification sequence
# orders the whole platform's history (projections follow one position, not five).
LOG_NAME = "osezia"


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class _Collected(ProcessingEvent[UUID]):
    """Collects the pending events of osezia's aggregates without the library's runtime Protocol
    checks, which cost tens of microseconds each on Python 3.11, twice per saved aggregate."""

    def collect_events(self, *objs: Any, **kwargs: Any) -> None:
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.events.extend(obj.collect_events())
                self.aggregates[obj.id] = obj
            elif obj is not None:
                super().collect_events(obj)
        self.saved_kwargs.update(kwargs)


def _project(aggregate: Any, domain_events: Iterable[Any]) -> Any:
    """eventsourcing's project_aggregate without its per-event runtime Protocol assertion."""
    for domain_event in domain_events:
        aggregate = domain_event.mutate(aggregate)
    return aggregate


class SharedLogApplication(Application[UUID]):
    """An eventsourcing application on osezia's one log, able to share another's store."""

    def __init__(
        self, env: EnvType | None = None, *, share_with: SharedLogApplication | None = None
    ) -> None:
        # Applications built to share another's store use its connections and its group
        # commit, so that every command of the platform is batched with every other one.
        self._shared = share_with
        super().__init__(env)
        self._positions = threading.local()
        self._group_commit: GroupCommit = (
            share_with._group_commit if share_with else GroupCommit(self.recorder)
        )

    def construct_env(self, name: str, env: EnvType | None = None) -> Any:
        return super().construct_env(LOG_NAME, env)

    def construct_factory(self, env: Any) -> Any:
        return self._shared.factory if self._shared else super().construct_factory(env)

    def construct_recorder(self) -> ApplicationRecorder:
        return self._shared.recorder if self._shared else super().construct_recorder()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def replayed(self, aggregate_id: UUID) -> object:
        """The aggregate, replayed from its events (AggregateNotFoundError if none)."""
        aggregate: object = self.repository.get(aggregate_id, projector_func=_project)
        return aggregate

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        # Application.save, with the collecting step above.
        processing_event = _Collected()
        processing_event.collect_events(*objs, **kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)
        return recordings

    def _record(self, processing_event: ProcessingEvent[UUID]) -> list[Recording[UUID]]:
        if processing_event.tracking is not None:
            return super()._record(processing_event)
        events = processing_event.events
        stored = [self.mapper.to_stored_event(e) for e in events]
        ids = self._group_commit.insert(stored)
        if ids:
            self._positions.last = ids[-1]
        return [
            Recording(
                domain_event,
                Notification(
                    id=notification_id,
                    originator_id=s.originator_id,
                    originator_version=s.originator_version,
                    topic=s.topic,
                    state=s.state,
                ),
            )
            for domain_event, s, notification_id in zip(events, stored, ids, strict=True)
        ]

    def forget_last_position(self) -> None:
        """A new command starts on this thread: it has appended nothing yet."""
        self._positions.last = None

    def last_position(self) -> int:
        """A consistency token for this thread's last command: the log position of the last
        event it appended, or the head when it appended nothing (a repeated idempotent
        command), which is at least as far as the first time's events."""
        position: int | None = getattr(self._positions, "last", None)
        return position if position is not None else (self.recorder.max_notification_id() or 0)
