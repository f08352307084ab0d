"""What the read models held as of a past day, and which days have an answer.

"As of day D" means what had been recorded before the end of D in France (midnight,
Europe/Paris, after D), judged by the recorded time of the event that reached each milestone
(`*_at` columns, `*_day` in the aggregated figure views), never by the clock of the query.
The log is append-only and recorded times only grow, so once D is over, its answer never
changes (the API waits for the read models to hold the whole log before answering a past day).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, Self, TypeVar

from osezia.domain.calendar import PARIS, today_in_france
from osezia.domain.errors import InvalidDate

today = today_in_france  # "today" for the figures: the day in France


class Recorded(Protocol):
    """A typed row that can tell how it stood at a cutoff."""

    def recorded_before(self, cutoff: datetime) -> Self: ...


R = TypeVar("R", bound=Recorded)


def as_it_stood(
    of: Callable[[Mapping[str, Any]], R], cutoff: datetime | None
) -> Callable[[Mapping[str, Any]], R]:
    """What types a row (``of``, a row class's `from_row`) and gives it as it stood at the
    cutoff; ``of`` itself when there is none."""
    if cutoff is None:
        return of
    moment = cutoff

    def stood(row: Mapping[str, Any]) -> R:
        return of(row).recorded_before(moment)

    return stood


def end_of(day: date) -> datetime:
    """Midnight in France after ``day``: what was recorded before it happened by day's end."""
    return datetime.combine(day + timedelta(days=1), time(), PARIS)


def check_as_of(day: date) -> None:
    # A day not over yet has no final answer: it would change as history is appended.
    now = today()
    if day > now:
        raise InvalidDate(f"figures as of {day} do not exist yet: today is {now} in France")
