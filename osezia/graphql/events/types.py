from __future__ import annotations

from datetime import date
from enum import StrEnum

import strawberry

from osezia.domain.events.model import EventKind as EventKind
from osezia.domain.events.model import EventStatus as EventStatus
from osezia.graphql.context import Info
from osezia.graphql.enums import register_enum
from osezia.graphql.node import Node, register_node
from osezia.projections.events import EventRow, MeetingRow, ParticipantRow
from osezia.tenants.visibility import Viewer

# This feature's closed sets, as the schema names them.
register_enum(
    EventKind,
    "EventKind",
    "A MONTHLY_MEETUP in a region, or the yearly NATIONAL_DAY of the whole ecosystem.",
)
register_enum(EventStatus, "EventStatus", "An event is SCHEDULED, then HELD or CANCELLED.")


class ParticipantKind(StrEnum):
    """Who a registration is for, as the events' read model records it."""

    COMPANY = "COMPANY"
    PROVIDER = "PROVIDER"


strawberry.enum(
    ParticipantKind,
    name="ParticipantKind",
    description="A registration is for a COMPANY or for an AI solution PROVIDER.",
)


@strawberry.type(description="A company or an AI solution provider registered to an event.")
class Participant:
    kind: ParticipantKind
    company_id: strawberry.ID | None
    provider_siren: str | None
    provider_name: str | None
    registered_by: str = strawberry.field(description="The network that registered it.")

    @classmethod
    def of(cls, row: ParticipantRow) -> Participant:
        return cls(
            kind=ParticipantKind(row.kind),
            company_id=None if row.company_id is None else strawberry.ID(str(row.company_id)),
            provider_siren=row.provider_siren,
            provider_name=row.provider_name,
            registered_by=row.registered_by,
        )


@strawberry.type(description="A one-to-one meeting booked between a company and a provider.")
class Meeting:
    company_id: strawberry.ID
    provider_siren: str


@strawberry.type(description="An event of the plan: a monthly meetup or the national day.")
class Event(Node):
    id: strawberry.ID
    title: str
    kind: EventKind
    region: str | None
    on: date
    capacity: int
    status: EventStatus
    open: bool = strawberry.field(
        description="Whether every network may register its companies (the national day is)."
    )
    held_on: date | None = strawberry.field(description="The day it was held, once HELD.")
    registered_count: int
    company_count: int
    provider_count: int
    meeting_count: int
    attended_count: int
    organiser: str
    entries: strawberry.Private[tuple[ParticipantRow, ...]]
    booked: strawberry.Private[tuple[MeetingRow, ...]]

    @strawberry.field(
        description="The registrations the caller may see: every one for the organiser, its "
        "own for a registering network, none for others (they see the counts)."
    )
    def participants(self, info: Info) -> list[Participant]:
        return [Participant.of(e) for e in self._shown(info)]

    @strawberry.field(description="Meetings of the companies whose registration the caller sees.")
    def meetings(self, info: Info) -> list[Meeting]:
        shown = {e.company_id for e in self._shown(info) if e.company_id is not None}
        return [
            Meeting(company_id=strawberry.ID(str(m.company_id)), provider_siren=m.provider_siren)
            for m in self.booked
            if m.company_id in shown
        ]

    def _shown(self, info: Info) -> list[ParticipantRow]:
        viewer = Viewer(info.context.tenant, info.context.profile)
        return [
            e for e in self.entries if viewer.sees_registration(self.organiser, e.registered_by)
        ]

    @classmethod
    def of(cls, row: EventRow) -> Event:
        entries = row.participants
        companies = sum(1 for e in entries if e.kind == ParticipantKind.COMPANY)
        return cls(
            id=strawberry.ID(str(row.id)),
            title=row.title,
            kind=EventKind(row.kind),
            region=row.region,
            on=row.on_date,
            capacity=row.capacity,
            status=EventStatus(row.status),
            open=row.is_open,
            held_on=row.held_on,
            registered_count=row.registered_count,
            company_count=companies,
            provider_count=len(entries) - companies,
            meeting_count=len(row.meetings),
            attended_count=row.attended_count,
            organiser=row.owner,
            entries=entries,
            booked=row.meetings,
        )


register_node("events", EventRow.from_row, Event.of)
