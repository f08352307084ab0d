"""Event: one of the plan's gatherings (a monthly meetup or the national day).

Its events (domain events, nested classes) keep the topics they were stored under when the
aggregate was called ``Meetup`` in ``osezia.domain.meetups``: the log is never rewritten.
Companies and AI solution providers register, book one-to-one meetings with each other, and
attend. An event is SCHEDULED, then HELD (attendance is recorded only then) or CANCELLED. An
open event (the national day always is) takes registrations of companies from every network,
and remembers which network registered each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.errors import (
    AlreadyRegistered,
    CapacityReached,
    InvalidDate,
    InvalidRegion,
    InvalidTransition,
    InvalidValue,
    NotRegistered,
)
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data


class EventKind(StrEnum):
    MONTHLY_MEETUP = "MONTHLY_MEETUP"  # the monthly matchmaking in a region, CCI and Bpifrance
    NATIONAL_DAY = "NATIONAL_DAY"  # the yearly national gathering of the whole ecosystem


class EventStatus(StrEnum):
    SCHEDULED = "SCHEDULED"
    HELD = "HELD"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True)
class EventRules:
    """Who may schedule what (issue 12): configuration, not code."""

    national_organiser: str = "operator"  # the State alone schedules the national day


def _open_if_national(state: dict[str, Any]) -> None:
    # Events scheduled before `open` existed: the national day was always meant for everyone.
    state["open"] = state["kind"] == EventKind.NATIONAL_DAY.value


def _by_the_organiser(state: dict[str, Any]) -> None:
    # Registrations stored before `by` existed were all made by the organiser (None says so).
    state["by"] = None


@dataclass(frozen=True)
class Meeting:
    """A one-to-one meeting between a company and an AI solution provider."""

    company_id: UUID
    provider_siren: str


class Event(Aggregate):
    """An event of the plan, organised by a partner network (the tenant)."""

    TOPIC = "osezia.domain.meetups.model:Meetup"

    class Created(Aggregate.Created):
        """Never recorded (an event is ``Scheduled``); eventsourcing wants a topic on it."""

        TOPIC = "osezia.domain.meetups.model:Meetup.Created"

    class Scheduled(Aggregate.Created):
        """A network scheduled the event; region is None for the national day; an open event
        takes registrations from every network."""

        TOPIC = "osezia.domain.meetups.model:Meetup.Scheduled"

        class_version = 2
        tenant: str
        title: str
        kind: str
        region: str | None
        on: date
        capacity: int
        open: bool
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("tenant", "title", "kind", "region")
        )

        upcast_v1_v2 = staticmethod(_open_if_national)

    class CompanyRegistered(Aggregate.Event):
        """A network registered a company; ``by`` is None when it was the organiser."""

        TOPIC = "osezia.domain.meetups.model:Meetup.CompanyRegistered"

        class_version = 2
        company_id: UUID
        by: str | None
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("by",))

        upcast_v1_v2 = staticmethod(_by_the_organiser)

    class ProviderRegistered(Aggregate.Event):
        """An AI solution provider, known by its SIREN, registered."""

        TOPIC = "osezia.domain.meetups.model:Meetup.ProviderRegistered"

        siren: str
        name: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("name", siren="siren"), not_personal=("siren",)
        )

    class MeetingBooked(Aggregate.Event):
        """A registered company booked a meeting with a registered provider."""

        TOPIC = "osezia.domain.meetups.model:Meetup.MeetingBooked"

        company_id: UUID
        provider_siren: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("provider_siren",))

    class AttendanceRecorded(Aggregate.Event):
        """A participant came: exactly one of ``company_id`` and ``provider_siren`` is set."""

        TOPIC = "osezia.domain.meetups.model:Meetup.AttendanceRecorded"

        company_id: UUID | None
        provider_siren: str | None
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("provider_siren",))

    class Held(Aggregate.Event):
        """The event took place, on ``on`` (its day or, if it ran over, a later one)."""

        TOPIC = "osezia.domain.meetups.model:Meetup.Held"

        on: date

    class Cancelled(Aggregate.Event):
        """The event was cancelled, with a reason."""

        TOPIC = "osezia.domain.meetups.model:Meetup.Cancelled"

        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    @classmethod
    def schedule(
        cls,
        tenant: str,
        title: str,
        kind: EventKind,
        region: str | None,
        on: date,
        capacity: int,
        open: bool = False,
    ) -> Event:
        cls.check_region(kind, region)
        cls.check_capacity(capacity)
        return cls(
            tenant=tenant,
            title=title,
            kind=kind.value,
            region=region,
            on=on,
            capacity=capacity,
            open=open or kind is EventKind.NATIONAL_DAY,
        )

    @staticmethod
    def check_region(kind: EventKind, region: str | None) -> None:
        if kind is EventKind.MONTHLY_MEETUP and region is None:
            raise InvalidRegion("a MONTHLY_MEETUP event must be held in a region")
        if kind is EventKind.NATIONAL_DAY and region is not None:
            raise InvalidRegion(f"a NATIONAL_DAY event is national; it has no region ({region})")

    @staticmethod
    def check_capacity(capacity: int) -> None:
        if capacity < 1:
            raise InvalidValue(f"event capacity {capacity} must be at least 1 participant")

    @event(Scheduled)
    def __init__(
        self,
        tenant: str,
        title: str,
        kind: str,
        region: str | None,
        on: date,
        capacity: int,
        open: bool,
    ) -> None:
        self.tenant = tenant
        self.title = title
        self.kind = EventKind(kind)
        self.region = region
        self.on = on
        self.capacity = capacity
        self.open = open
        self.status = EventStatus.SCHEDULED
        self.held_on: date | None = None
        self.cancellation_reason: str | None = None
        self.companies: list[UUID] = []
        self.registrants: dict[UUID, str] = {}  # company -> the network that registered it
        self.providers: dict[str, str] = {}  # SIREN -> name
        self.meetings: list[Meeting] = []
        self.attending_companies: dict[UUID, date] = {}
        self.attending_providers: dict[str, date] = {}

    @property
    def participant_count(self) -> int:
        return len(self.companies) + len(self.providers)

    def takes_registrations_from(self, tenant: str, home_region: str | None = None) -> bool:
        """Whether ``tenant`` may register companies: the organiser or, to an open event, any
        network, if the event is national or in the network's region when it has one."""
        if tenant == self.tenant:
            return True
        in_region = home_region is None or self.region is None or self.region == home_region
        return self.open and in_region

    def register_company(self, company_id: UUID, by: str) -> None:
        self.check_scheduled("register a company")
        if company_id in self.companies:
            raise AlreadyRegistered(f"company {company_id} is already registered to {self}")
        self.check_room()
        self._register_company(company_id, None if by == self.tenant else by)

    @event(CompanyRegistered)
    def _register_company(self, company_id: UUID, by: str | None) -> None:
        self.companies.append(company_id)
        self.registrants[company_id] = by or self.tenant

    def register_provider(self, siren: str, name: str) -> None:
        self.check_scheduled("register a provider")
        if siren in self.providers:
            raise AlreadyRegistered(f"provider {siren} is already registered to {self}")
        self.check_room()
        self._register_provider(siren, name)

    @event(ProviderRegistered)
    def _register_provider(self, siren: str, name: str) -> None:
        self.providers[siren] = name

    def check_scheduled(self, action: str) -> None:
        if self.status is not EventStatus.SCHEDULED:
            raise InvalidTransition(f"{self} is {self.status}, not SCHEDULED; cannot {action}")

    def check_held(self, action: str) -> None:
        if self.status is not EventStatus.HELD:
            raise InvalidTransition(f"{self} is {self.status}, not HELD; cannot {action}")

    def check_room(self) -> None:
        if self.participant_count >= self.capacity:
            raise CapacityReached(
                f"{self} is full: its capacity of {self.capacity} participants is reached"
            )

    def book_meeting(self, company_id: UUID, provider_siren: str) -> None:
        self.check_scheduled("book a meeting")
        self.check_company_registered(company_id)
        self.check_provider_registered(provider_siren)
        if Meeting(company_id, provider_siren) in self.meetings:
            raise AlreadyRegistered(
                f"a meeting between company {company_id} and provider {provider_siren} "
                f"is already booked at {self}"
            )
        self._book_meeting(company_id, provider_siren)

    def check_company_registered(self, company_id: UUID) -> None:
        if company_id not in self.companies:
            raise NotRegistered(f"company {company_id} is not registered to {self}")

    def check_provider_registered(self, siren: str) -> None:
        if siren not in self.providers:
            raise NotRegistered(f"provider {siren} is not registered to {self}")

    @event(MeetingBooked)
    def _book_meeting(self, company_id: UUID, provider_siren: str) -> None:
        self.meetings.append(Meeting(company_id, provider_siren))

    def record_company_attendance(self, company_id: UUID, on: date) -> None:
        self.check_held("record attendance")
        self.check_company_registered(company_id)
        self.check_held_by(on)
        if company_id in self.attending_companies:
            raise AlreadyRegistered(f"attendance of company {company_id} is already recorded")
        self._record_attendance(company_id, None, on)

    def record_provider_attendance(self, siren: str, on: date) -> None:
        self.check_held("record attendance")
        self.check_provider_registered(siren)
        self.check_held_by(on)
        if siren in self.attending_providers:
            raise AlreadyRegistered(f"attendance of provider {siren} is already recorded")
        self._record_attendance(None, siren, on)

    def check_held_by(self, on: date) -> None:
        # Attendance is a fact: it cannot be recorded before the event takes place.
        if on < self.on:
            raise InvalidDate(f"attendance dated {on} is before {self}, held on {self.on}")

    @event(AttendanceRecorded)
    def _record_attendance(
        self, company_id: UUID | None, provider_siren: str | None, on: date
    ) -> None:
        if company_id is not None:
            self.attending_companies[company_id] = on
        if provider_siren is not None:
            self.attending_providers[provider_siren] = on

    def hold(self, on: date) -> None:
        """Record that the event took place on ``on``, no earlier than its day."""
        self.check_scheduled("hold it")
        if on < self.on:
            raise InvalidDate(f"{self} cannot be held on {on}, before its day, {self.on}")
        self._hold(on)

    @event(Held)
    def _hold(self, on: date) -> None:
        self.status = EventStatus.HELD
        self.held_on = on

    def cancel(self, reason: str) -> None:
        self.check_scheduled("cancel it")
        self._cancel(reason)

    @event(Cancelled)
    def _cancel(self, reason: str) -> None:
        self.status = EventStatus.CANCELLED
        self.cancellation_reason = reason

    def __str__(self) -> str:
        return f"event {self.title!r}"
