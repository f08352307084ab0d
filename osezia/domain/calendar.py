"""The date in France: what "today" means for the domain's rules.

The plan runs on French days. The read side and the figures count days in Europe/Paris, so the
write side must too: on a server kept in UTC, between midnight and 01:00 or 02:00 in Paris, the
server's own date is still yesterday's, and a completion dated today would be refused as in the
future, or a call would still take applications after it closed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from osezia.domain.errors import InvalidDate

PARIS = ZoneInfo("Europe/Paris")


def date_in_france(instant: datetime) -> date:
    """The date in Paris at ``instant``, which must be aware (a naive time names no instant)."""
    if instant.utcoffset() is None:
        raise ValueError(f"{instant.isoformat()} names no time zone: it is no instant")
    return instant.astimezone(PARIS).date()


def today_in_france() -> date:
    """The date in Paris now, whatever the server's time zone."""
    return date_in_france(datetime.now(UTC))


@dataclass(frozen=True)
class Since:
    """The first day a measure's facts can be dated, and why: before it, the measure did not
    exist, so a fact dated earlier is a typing error, not history."""

    on: date
    reason: str


_LAUNCH_SOURCE = "https://www.economie.gouv.fr/actualites/osez-lia-un-plan-pour-diffuser-lia-dans-toutes-les-entreprises"
PLAN_LAUNCH = Since(
    date(2025, 7, 1), f"when the plan « Osez l'IA » was launched ({_LAUNCH_SOURCE})"
)
# The plan took over calls that were already running: the generative-AI call opened in April
# 2024, at France Digitale's AI Days (https://afjv.com/news/11428_appel-projets-acceleration-usages-ia-generative-economie.htm).
GENAI_CALL_OPENING = Since(
    date(2024, 4, 1),
    "when the oldest call of the plan, « Accélération des usages de l'IA générative », opened "
    "(April 2024)",
)


# For facts that may predate the plan (a company's own progress towards AI).
ANY_TIME = Since(date.min, "")


def check_happened(on: date, what: str, *, today: date, since: Since) -> None:
    """A fact that happened (an appointment, a signature, a payment…) is dated no later than
    today in France, and not before its measure existed. Planned dates (an event's day, a
    cohort's start, a call's closing) are not facts: they are not checked here."""
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidDate(f"{what} {on!r} must be a calendar date")
    if on > today:
        raise InvalidDate(
            f"{what} dated {on} is in the future: what happened is dated no later than today "
            f"in France ({today})"
        )
    if on < since.on:
        raise InvalidDate(f"{what} dated {on} is before {since.on}, {since.reason}")
