"""Survey measurements of AI adoption: what national surveys measured, beside the platform's.

The platform's adoption figures count the companies it follows; a reader takes « 9,5 % des
TPE » for the country's rate unless the country's rate is shown beside it, labelled with what
it measures. A measurement is a published figure (INSEE's TIC survey, Bpifrance Le Lab…): what
it measures, over which population, for which year, its value in basis points and the https
address it is published at.

One measurement per survey, thing measured, population and year: recording it again corrects
it (value, source, segment), so a typo is fixed without two figures for the same fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import ClassVar
from urllib.parse import urlsplit
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from osezia.domain.application import OSEZIA_NAMESPACE
from osezia.domain.errors import InvalidDate, InvalidValue
from osezia.domain.inputs import is_whole
from osezia.domain.personal import PersonalData, personal_data
from osezia.domain.sizes import Segment

WHOLE = 10_000  # basis points: 10 % is 1000
# The plan is read against survey figures of 2023 and later; earlier ones may be recorded for
# context, back to 2015: a year before that is a typing error, not history.
FIRST_YEAR = 2015


class Survey(StrEnum):
    """Who measured the figure."""

    INSEE_TIC = "INSEE_TIC"
    BPIFRANCE_LE_LAB = "BPIFRANCE_LE_LAB"
    OTHER = "OTHER"


@dataclass(frozen=True)
class Figure:
    """What a measurement says, as it stands after its last correction."""

    value_basis_points: int
    source_url: str
    segment: Segment | None


def check_value(value: object) -> int:
    if not is_whole(value) or not 0 <= value <= WHOLE:
        raise InvalidValue(
            f"value {value!r} must be a whole number of basis points from 0 to {WHOLE} "
            "(10 % is 1000)"
        )
    return value


def check_year(year: object, today: date) -> int:
    """A measurement is of a year that has begun, and not before surveys asked about AI."""
    if not is_whole(year):
        raise InvalidDate(f"year {year!r} must be a whole number")
    if year > today.year:
        raise InvalidDate(f"year {year} is in the future: today is {today} in France")
    if year < FIRST_YEAR:
        raise InvalidDate(f"year {year} is before {FIRST_YEAR}: measurements start in {FIRST_YEAR}")
    return year


def check_source_url(url: str) -> str:
    """The address the figure is published at: https, with a host, no white space."""
    parts = urlsplit(url.strip())
    if parts.scheme != "https" or not parts.netloc or any(c.isspace() for c in url.strip()):
        raise InvalidValue(f"source URL {url!r} must be an https address where it is published")
    return url.strip()


def natural_key(survey: str, measures: str, population: str, year: int) -> str:
    return "/".join((str(survey), measures.casefold(), population.casefold(), str(year)))


class Measurement(Aggregate):
    """One published survey figure, recorded by the operator of the plan."""

    class Recorded(Aggregate.Created):
        """The operator recorded a survey's published figure for a population and a year."""

        tenant: str
        survey: str
        measures: str
        population: str
        segment: str | None
        year: int
        value_basis_points: int
        source_url: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "survey", "measures", "population", "segment", "source_url")
        )

    class Corrected(Aggregate.Event):
        """The same measurement, recorded again with another value, source or segment."""

        value_basis_points: int
        source_url: str
        segment: str | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("source_url", "segment")
        )

    @staticmethod
    def create_id(survey: str, measures: str, population: str, year: int) -> UUID:
        # eventsourcing calls this with the Recorded event's arguments of the same names.
        return uuid5(OSEZIA_NAMESPACE, "survey/" + natural_key(survey, measures, population, year))

    @event(Recorded)
    def __init__(
        self,
        tenant: str,
        survey: str,
        measures: str,
        population: str,
        segment: str | None,
        year: int,
        value_basis_points: int,
        source_url: str,
    ) -> None:
        self.tenant = tenant
        self.survey = Survey(survey)
        self.measures = measures
        self.population = population
        self.year = year
        self.figure = Figure(value_basis_points, source_url, _segment(segment))

    def correct(self, figure: Figure) -> None:
        """Record the figure again; the same figure changes nothing and appends nothing."""
        if figure == self.figure:
            return
        segment = figure.segment.value if figure.segment else None
        self._correct(figure.value_basis_points, figure.source_url, segment)

    @event(Corrected)
    def _correct(self, value_basis_points: int, source_url: str, segment: str | None) -> None:
        self.figure = Figure(value_basis_points, source_url, _segment(segment))


def _segment(segment: str | None) -> Segment | None:
    return None if segment is None else Segment(segment)
