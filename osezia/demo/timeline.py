"""Dated actions run in date order on an in-memory platform, each event stamped with its day.

The demo history is written by the domain's own commands, so every rule holds in it, but on
eventsourcing's in-memory store: hundreds of thousands of commands take seconds there, not the
minutes they would take one transaction at a time. The events are then stamped with the day
their action happened (the history starts in 2025) and copied to PostgreSQL in bulk.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta

import orjson
from eventsourcing.application import LRUCache
from eventsourcing.persistence import StoredEvent

from osezia.domain.application import PlatformApplication
from osezia.domain.calendar import PARIS
from osezia.domain.errors import DomainError
from osezia.domain.platform import Platform

Action = Callable[[date], object]

# Events of one day are stamped from 08:00, a few milliseconds apart, in the order written.
_DAY_STARTS = time(8, 0)
_STEP = timedelta(milliseconds=5)
_CACHE_SIZE = 1_000_000


class Timeline:
    """Actions queued by day; running one may queue later ones (the next step of a record)."""

    def __init__(self, platform: Platform, until: date) -> None:
        self.platform = platform
        self.until = until
        self._queue: list[tuple[date, int, Action]] = []
        self._order = itertools.count()
        self._days: list[tuple[int, date]] = []  # (last notification id written, its day)
        self.refused: Counter[str] = Counter()  # steps the rules refused, by error code
        self.today = until  # the day of the action running; commands that read the date use it
        for app in vars(platform).values():
            if hasattr(app, "today"):
                app.today = lambda: self.today

    def at(self, day: date, action: Action) -> None:
        """Run `action(day)` on that day; an action after the history's end never happens."""
        if day <= self.until:
            heapq.heappush(self._queue, (day, next(self._order), action))

    def run(self) -> None:
        recorder = self.platform.companies.recorder
        while self._queue:
            day, _, action = heapq.heappop(self._queue)
            self.today = day
            try:
                action(day)
            except DomainError as refusal:
                # A step the rules refuse stops that record there, as it would for real.
                self.refused[refusal.code] += 1
                self._forget_cached_aggregates()
            self._days.append((recorder.max_notification_id() or 0, day))

    def _forget_cached_aggregates(self) -> None:
        for app in vars(self.platform).values():
            if isinstance(app, PlatformApplication) and app.repository.cache is not None:
                app.repository.cache = LRUCache(maxsize=_CACHE_SIZE)

    def stored_events(self) -> Iterator[StoredEvent]:
        """Every event written, in log order, its recorded time set to its action's day."""
        recorder = self.platform.companies.recorder
        days = iter(self._days)
        last_id, day = 0, self.until
        stamp, previous = _start_of(day), None
        for notification in recorder.select_notifications(start=1, limit=10**9):
            while notification.id > last_id:
                last_id, day = next(days)
            if day != previous:
                stamp, previous = _start_of(day), day
            stamp += _STEP
            yield StoredEvent(
                originator_id=notification.originator_id,
                originator_version=notification.originator_version,
                topic=notification.topic,
                state=_restamped(notification.state, stamp),
            )


def _start_of(day: date) -> datetime:
    return datetime.combine(day, _DAY_STARTS, tzinfo=PARIS)


def _restamped(state: bytes, stamp: datetime) -> bytes:
    data = orjson.loads(state)
    utc = stamp.astimezone(UTC).isoformat()
    data["timestamp"] = {"_type_": "datetime_iso", "_data_": utc}
    return orjson.dumps(data)
