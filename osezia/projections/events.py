"""The events calendar (meetups and the national day), with registrations and meetings.

Participants are listed by SIREN for providers and by company id for companies: the calendar is
public reference data, so it names no company a tenant could not otherwise see beyond its id.
Each participant keeps the network that registered it (``by``), so that who registered whom is
shown only to those visibility lets see it (``Viewer.sees_registration``).
"""

from __future__ import annotations

from collections.abc import Collection

from osezia.domain.events.model import Event, EventKind
from osezia.projections.codec import StoredEvent
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
