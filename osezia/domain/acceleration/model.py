"""Cohort: a group of high-potential companies in Bpifrance's acceleration programme.

A cohort opens on a date for a number of months and admits up to its capacity of companies,
each once. An admitted company reaches milestones, then graduates or exits with a reason. The
plan announces 100 companies; the programme's length (18 months in the plan summary) is
unverified, so both are configuration, and each cohort records the values it was opened with.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.errors import (
    AlreadyExists,
    CapacityReached,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotEligible,
    NotRegistered,
)
from osezia.domain.inputs import is_whole
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data
from osezia.domain.sizes import SizeCategory, check_size_categories


class AdmissionStatus(StrEnum):
    ACTIVE = "ACTIVE"
    GRADUATED = "GRADUATED"
    EXITED = "EXITED"


@dataclass(frozen=True)
class AccelerationRules:
    """The programme's parameters, set by Bpifrance."""

    capacity: int = 100
    months: int = 18  # UNVERIFIED: the plan summary's length, found in no stored source
    # The network that runs the programme, which opens cohorts and acts on all of them: by
    # default (None) the one the tenants' profiles name.
    pilot: str | None = None
    # Legal size categories (décret 2008-1354) the programme admits: the plan names « PME et
    # ETI » as its target; Bpifrance may widen or narrow it.
    eligible_categories: frozenset[str] = frozenset({"PME", "ETI"})

    def __post_init__(self) -> None:
        check_size(self.capacity, self.months)
        check_size_categories(self.eligible_categories)

    def check_eligible(self, size_category: str | None) -> None:
        """Only a company of an eligible legal size category joins the programme."""
        allowed = ", ".join(c for c in SizeCategory if c in self.eligible_categories)
        if size_category is None:
            raise NotEligible(
                f"the company has no size category yet: assess its size before admitting it "
                f"(the programme is for {allowed})"
            )
        if size_category not in self.eligible_categories:
            raise NotEligible(
                f"a {size_category} is not eligible to the acceleration programme (only {allowed})"
            )


def check_size(capacity: int, months: int) -> None:
    for label, number in (("capacity", capacity), ("length in months", months)):
        if not is_whole(number) or number < 1:
            raise InvalidValue(f"cohort {label} {number!r} must be a whole number of at least 1")


def check_calendar_date(on: date, what: str) -> None:
    # A datetime is a date to Python, but it would be stored and replayed as a datetime.
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidDate(f"{what} {on!r} must be a calendar date")


def months_after(start: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 → 30)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    day = min(start.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


@dataclass
class Admission:
    """A company in a cohort, as it was when admitted, and how far it has gone."""

    company_id: UUID
    company_siren: str
    company_name: str
    region: str
    segment: str | None
    admitted_on: date
    status: AdmissionStatus = AdmissionStatus.ACTIVE
    milestones: list[tuple[str, date]] = field(default_factory=list)
    graduated_on: date | None = None
    exited_on: date | None = None
    exit_reason: str | None = None

    @property
    def last_step_on(self) -> date:
        dates = [self.admitted_on, *(on for _, on in self.milestones)]
        return max(dates)


class Cohort(Aggregate):
    """A cohort of the acceleration programme, owned by the network that opened it."""

    class Opened(Aggregate.Created):
        """A cohort opened, with the capacity and length in force for it."""

        tenant: str
        name: str
        starts_on: date
        ends_on: date
        capacity: int
        months: int
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("tenant", "name"))

    class Admitted(Aggregate.Event):
        """A company joined; its SIREN, name, region and segment of the day are kept."""

        company_id: UUID
        company_siren: str
        company_name: str
        region: str
        segment: str | None
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("company_name", siren="company_siren"),
            not_personal=("company_siren", "region", "segment"),
        )

    class MilestoneReached(Aggregate.Event):
        """An admitted company reached a milestone of the programme."""

        company_id: UUID
        milestone: str
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("milestone",))

    class Graduated(Aggregate.Event):
        """An admitted company completed the programme."""

        company_id: UUID
        on: date

    class Exited(Aggregate.Event):
        """An admitted company left the programme before its end, with a reason."""

        company_id: UUID
        on: date
        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    @event(Opened)
    def __init__(
        self, tenant: str, name: str, starts_on: date, ends_on: date, capacity: int, months: int
    ) -> None:
        self.tenant = tenant
        self.name = name
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.capacity = capacity
        self.months = months
        self.admissions: dict[UUID, Admission] = {}

    @property
    def active_count(self) -> int:
        return sum(a.status is AdmissionStatus.ACTIVE for a in self.admissions.values())

    def admit(
        self,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        segment: str | None,
        on: date,
    ) -> None:
        self.check_admission(company_id, on)
        self._admit(
            company_id=company_id,
            company_siren=company_siren,
            company_name=company_name,
            region=region,
            segment=segment,
            on=on,
        )

    def check_admission(self, company_id: UUID, on: date) -> None:
        check_calendar_date(on, "admission date")
        if company_id in self.admissions:
            raise AlreadyExists(f"company {company_id} is already admitted to cohort {self.id}")
        # A seat is taken for the cohort's whole life: a company that exits does not free it.
        if len(self.admissions) >= self.capacity:
            raise CapacityReached(
                f"cohort {self.name!r} is full: {self.capacity} companies admitted"
            )
        if not self.starts_on <= on <= self.ends_on:
            raise InvalidDate(
                f"admission dated {on} is outside the cohort ({self.starts_on} to {self.ends_on})"
            )

    @event(Admitted)
    def _admit(
        self,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        segment: str | None,
        on: date,
    ) -> None:
        self.admissions[company_id] = Admission(
            company_id, company_siren, company_name, region, segment, admitted_on=on
        )

    def reach_milestone(self, company_id: UUID, milestone: str, on: date) -> None:
        self.check_active(company_id, on, "record a milestone for")
        self._reach_milestone(company_id=company_id, milestone=milestone, on=on)

    @event(MilestoneReached)
    def _reach_milestone(self, company_id: UUID, milestone: str, on: date) -> None:
        self.admissions[company_id].milestones.append((milestone, on))

    def graduate(self, company_id: UUID, on: date) -> None:
        self.check_active(company_id, on, "graduate")
        self.check_programme_done(company_id, on)
        self._graduate(company_id=company_id, on=on)

    def check_programme_done(self, company_id: UUID, on: date) -> None:
        """A company graduates once it has been through the programme's length; leaving
        earlier is an exit, with its reason."""
        done_on = months_after(self.admissions[company_id].admitted_on, self.months)
        if on < done_on:
            raise InvalidDate(
                f"a graduation dated {on} comes before the programme's {self.months} months "
                f"are over ({done_on}): a company leaving earlier exits, with a reason"
            )

    @event(Graduated)
    def _graduate(self, company_id: UUID, on: date) -> None:
        admission = self.admissions[company_id]
        admission.status = AdmissionStatus.GRADUATED
        admission.graduated_on = on

    def exit(self, company_id: UUID, on: date, reason: str) -> None:
        self.check_active(company_id, on, "exit")
        self._exit(company_id=company_id, on=on, reason=reason)

    @event(Exited)
    def _exit(self, company_id: UUID, on: date, reason: str) -> None:
        admission = self.admissions[company_id]
        admission.status = AdmissionStatus.EXITED
        admission.exited_on = on
        admission.exit_reason = reason

    def check_active(self, company_id: UUID, on: date, step: str) -> None:
        """The company was admitted, is still in the programme, and the date does not go back."""
        check_calendar_date(on, "date")
        admission = self.admissions.get(company_id)
        if admission is None:
            raise NotRegistered(f"company {company_id} was never admitted to cohort {self.id}")
        if admission.status is not AdmissionStatus.ACTIVE:
            raise InvalidTransition(
                f"company {company_id} is {admission.status} in cohort {self.id}: "
                f"cannot {step} it (only while ACTIVE)"
            )
        if on < admission.last_step_on:
            raise InvalidDate(
                f"a step dated {on} is before the company's last one ({admission.last_step_on})"
            )
