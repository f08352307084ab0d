"""The date in France: what "today" means for the domain's rules.

The plan runs on French days. The read side and the figures count days in Europe/Paris, so the
write side must too: on a server kept in UTC, between midnight and 01:00 or 02:00 in Paris, the
server's own date is still yesterday's, and a completion dated today would be refused as in the
future, or a call would still take applications after it closed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def date_in_france(instant: datetime) -> date:
    """The date in Paris at ``instant``, which must be aware (a naive time names no instant)."""
    if instant.utcoffset() is None:
        raise ValueError(f"{instant.isoformat()} names no time zone: it is no instant")
    return instant.astimezone(PARIS).date()


def today_in_france() -> date:
    """The date in Paris now, whatever the server's time zone."""
    return date_in_france(datetime.now(UTC))
