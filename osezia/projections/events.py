"""The events calendar (meetups and the national day), with registrations and meetings.

Participants are listed by SIREN for providers and by company id for companies: the calendar is
public reference data, so it names no company a tenant could not otherwise see beyond its id.
Each participant keeps the network that registered it (``by``), so that who registered whom is
shown only to those visibility lets see it (``Viewer.sees_registration``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from osezia.domain.events.model import Event, EventKind
from osezia.projections.codec import StoredEvent
from osezia.projections.conditions import between, filters
from osezia.projections.connections import Connection
from osezia.projections.paging import Page, page
from osezia.projections.readmodel import ReadModel, topic, touch
from osezia.projections.table import Row, Table

TABLE = Table(
    "events",
    (
        ("id", "uuid"),
        ("owner", "text"),
        ("title", "text"),
        ("kind", "text"),
        ("region", "text"),
        ("on_date", "date"),
        ("capacity", "integer"),
        ("status", "text"),
        ("is_open", "boolean"),
        ("held_on", "date"),
        ("participants", "jsonb"),
        ("registered_count", "integer"),
        ("meetings", "jsonb"),
        ("attended", "jsonb"),
        ("cancel_reason", "text"),
        ("updated_at", "timestamptz"),
        ("position", "bigint"),
    ),
)


def scheduled(event: StoredEvent) -> Row:
    data = event.data
    return {
        "id": event.originator_id,
        "owner": data["tenant"],
        "title": data["title"],
        "kind": data["kind"],
        "region": data["region"],
        "on_date": data["on"],
        "capacity": data["capacity"],
        "status": "SCHEDULED",
        # Events scheduled before `open` existed: only the national day was open.
        "is_open": data.get("open", data["kind"] == EventKind.NATIONAL_DAY.value),
        "held_on": None,
        "participants": [],
        "registered_count": 0,
        "meetings": [],
        "attended": [],
        "cancel_reason": None,
        "updated_at": event.timestamp,
        "position": event.position,
    }


def _register(row: Row, event: StoredEvent, participant: dict[str, str]) -> Row:
    return touch(
        row,
        event,
        participants=[*row["participants"], participant],
        registered_count=row["registered_count"] + 1,
    )


def company_registered(row: Row, event: StoredEvent) -> Row:
    # No `by`: the organiser registered it (and every registration stored before `by` existed).
    participant = {
        "kind": "COMPANY",
        "company_id": str(event.data["company_id"]),
        "by": event.data.get("by") or row["owner"],
    }
    return _register(row, event, participant)


def provider_registered(row: Row, event: StoredEvent) -> Row:
    participant = {
        "kind": "PROVIDER",
        "siren": event.data["siren"],
        "name": event.data["name"],
        "by": row["owner"],
    }
    return _register(row, event, participant)


def meeting_booked(row: Row, event: StoredEvent) -> Row:
    meeting = {
        "company_id": str(event.data["company_id"]),
        "provider_siren": event.data["provider_siren"],
    }
    return touch(row, event, meetings=[*row["meetings"], meeting])


def attendance_recorded(row: Row, event: StoredEvent) -> Row:
    data = event.data
    company_id = data["company_id"]
    who = (
        {"company_id": str(company_id)}
        if company_id is not None
        else {"provider_siren": data["provider_siren"]}
    )
    return touch(row, event, attended=[*row["attended"], who])


def held(row: Row, event: StoredEvent) -> Row:
    return touch(row, event, status="HELD", held_on=event.data["on"])


def cancelled(row: Row, event: StoredEvent) -> Row:
    return touch(row, event, status="CANCELLED", cancel_reason=event.data["reason"])


def scope(row: Row) -> tuple[str, str | None, Collection[str]]:
    return row["owner"], row["region"], ()


MODEL = ReadModel(
    kind="event",
    table=TABLE,
    creates={topic(Event.Scheduled): scheduled},
    updates={
        topic(Event.CompanyRegistered): company_registered,
        topic(Event.ProviderRegistered): provider_registered,
        topic(Event.MeetingBooked): meeting_booked,
        topic(Event.AttendanceRecorded): attendance_recorded,
        topic(Event.Held): held,
        topic(Event.Cancelled): cancelled,
    },
    scope=scope,
)


@dataclass(frozen=True)
class ParticipantRow:
    """A company (by id) or a provider (by SIREN and name) registered to an event, and the
    network that registered it."""

    kind: str
    company_id: UUID | None
    provider_siren: str | None
    provider_name: str | None
    registered_by: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any], organiser: str) -> ParticipantRow:
        """From one participant of an event's jsonb list; one projected before registrations
        kept their network was registered by the organiser."""
        company_id = data.get("company_id")
        return cls(
            kind=data["kind"],
            company_id=None if company_id is None else UUID(company_id),
            provider_siren=data.get("siren"),
            provider_name=data.get("name"),
            registered_by=data.get("by") or organiser,
        )


@dataclass(frozen=True)
class MeetingRow:
    """A one-to-one meeting booked between a company and a provider."""

    company_id: UUID
    provider_siren: str


@dataclass(frozen=True)
class EventRow:
    """An event as readers see it: the columns of the read model that the API shows, with
    how many attendances were recorded."""

    id: UUID
    owner: str
    title: str
    kind: str
    region: str | None
    on_date: date
    capacity: int
    status: str
    is_open: bool
    held_on: date | None
    participants: tuple[ParticipantRow, ...]
    registered_count: int
    meetings: tuple[MeetingRow, ...]
    attended_count: int

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EventRow:
        """From a row of the events view that holds at least READ_COLUMNS."""
        owner = row["owner"]
        return cls(
            id=row["id"],
            owner=owner,
            title=row["title"],
            kind=row["kind"],
            region=row["region"],
            on_date=row["on_date"],
            capacity=row["capacity"],
            status=row["status"],
            is_open=row["is_open"],
            held_on=row["held_on"],
            participants=tuple(ParticipantRow.from_data(p, owner) for p in row["participants"]),
            registered_count=row["registered_count"],
            meetings=tuple(
                MeetingRow(company_id=UUID(m["company_id"]), provider_siren=m["provider_siren"])
                for m in row["meetings"]
            ),
            attended_count=len(row["attended"]),
        )


READ_COLUMNS = (
    "id, owner, title, kind, region, on_date, capacity, status, is_open, held_on, participants, "
    "registered_count, meetings, attended"
)
CALENDAR_ORDER = "on_date"  # the calendar lists events by date (then id)


async def calendar_page(
    conn: Connection,
    tenant: str,
    *,
    region: str | None,
    kind: str | None,
    from_date: date | None,
    until_date: date | None,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Page[EventRow]:
    """One page of the events calendar the tenant sees, by date, between the days given (both
    included); a filter left None is not applied. Its rows are EventRows, read
    from READ_COLUMNS."""
    return await page(
        conn,
        tenant,
        TABLE.name,
        columns=READ_COLUMNS,
        sort=CALENDAR_ORDER,
        sort_type="date",
        of=EventRow.from_row,
        filters=filters(
            [
                ("region = {}", region),
                ("kind = {}", kind),
                *between("on_date", from_date, until_date),
            ]
        ),
        first=first,
        after=after,
        last=last,
        before=before,
    )
