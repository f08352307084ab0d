"""The conditions a read model's page filters by: an SQL condition with one "{}" where its
value goes, and the value; a condition whose value is None is not applied (`paging.Filter`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import asyncpg

from osezia.projections.paging import Filter

Condition = tuple[str, object | None]


def filters(conditions: Iterable[Condition]) -> list[Filter]:
    """The filters of the conditions whose value is not None."""
    return [Filter(sql, value) for sql, value in conditions if value is not None]


def recorded_by(column: str, cutoff: datetime | None) -> Condition:
    """The condition that ``column`` (a recorded time) is before the cutoff."""
    return (f"{column} < {{}}", cutoff)


def paris_day(column: str) -> str:
    """The day in France of a recorded time, in SQL: the day a from/until filter compares."""
    return f"({column} AT TIME ZONE 'Europe/Paris')::date"


def between(column: str, since: date | None, until: date | None) -> list[Condition]:
    """Conditions keeping rows whose date ``column`` (an SQL date expression) falls within
    [since, until], both included; each bound left out when None."""
    return [(f"{column} >= {{}}", since), (f"{column} <= {{}}", until)]


def within(column: str, day: str, since: date | None, until: date | None) -> Condition:
    """The condition that some element ``x`` of the jsonb list ``column`` has its date ``day``
    (an SQL expression over ``x``) within [since, until], both included; left out (None) when
    neither bound is given."""
    if since is None and until is None:
        return ("true", None)
    return (
        f"EXISTS (SELECT 1 FROM jsonb_array_elements({column}) AS x "
        f"WHERE {day} <@ {{}}::daterange)",
        _days(since, until),
    )


def _days(since: date | None, until: date | None) -> asyncpg.Range[date]:
    # A period that ends before it starts holds no day (PostgreSQL refuses such a range).
    if since is not None and until is not None and since > until:
        return asyncpg.Range(empty=True)
    return asyncpg.Range(since, until, upper_inc=True)
