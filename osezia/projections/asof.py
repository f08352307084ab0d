"""What the read models held as of a past day, and which days have an answer.

"As of day D" means what had been recorded before the end of D in France (midnight,
Europe/Paris, after D), judged by the recorded time of the event that reached each milestone
(`*_at` columns, `*_day` in the aggregated figure views), never by the clock of the query.
The log is append-only and recorded times only grow, so once D is over, its answer never
changes (the API waits for the read models to hold the whole log before answering a past day).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from osezia.domain.calendar import PARIS, today_in_france
from osezia.domain.errors import InvalidDate

today = today_in_france  # "today" for the figures: the day in France


def end_of(day: date) -> datetime:
    """Midnight in France after ``day``: what was recorded before it happened by day's end."""
    return datetime.combine(day + timedelta(days=1), time(), PARIS)


def check_as_of(day: date) -> None:
    # A day not over yet has no final answer: it would change as history is appended.
    now = today()
    if day > now:
        raise InvalidDate(f"figures as of {day} do not exist yet: today is {now} in France")
