"""An event's typed row from the read model to the API: the calendar's page (its SQL in
osezia/projections/events.py) and node(id:) show what the projection wrote, each network seeing
the registrations visibility lets it see, filtered and paged as before."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.connections import connect
from osezia.projections.events import (
    READ_COLUMNS,
    TABLE,
    EventRow,
    MeetingRow,
    ParticipantRow,
    calendar_page,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of

DAY, LATER = date(2026, 5, 1), date(2026, 6, 1)
PROVIDER = "632012100"
FIELDS = (
    "id title kind region on capacity status open heldOn registeredCount companyCount "
    "providerCount meetingCount attendedCount organiser participants { kind companyId "
    "providerSiren providerName registeredBy } meetings { companyId providerSiren }"
)


def a_company(platform: Platform, tenant: str, siren: str) -> UUID:
    return platform.companies.register_company(
        tenant,
        siren=siren,
        legal_name=f"Société {siren}",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(40)),
    )


def shown(row: EventRow, viewer: str) -> dict[str, Any]:
    """What the API shows ``viewer`` (a network) of a typed event row."""
    seen = [p for p in row.participants if viewer in (row.owner, p.registered_by)]
    companies = [p for p in row.participants if p.company_id is not None]
    return {
        "id": str(row.id),
        "title": row.title,
        "kind": row.kind,
        "region": row.region,
        "on": row.on_date.isoformat(),
        "capacity": row.capacity,
        "status": row.status,
        "open": row.is_open,
        "heldOn": None if row.held_on is None else row.held_on.isoformat(),
        "registeredCount": row.registered_count,
        "companyCount": len(companies),
        "providerCount": len(row.participants) - len(companies),
        "meetingCount": len(row.meetings),
        "attendedCount": row.attended_count,
        "organiser": row.owner,
        "participants": [
            {
                "kind": p.kind,
                "companyId": None if p.company_id is None else str(p.company_id),
                "providerSiren": p.provider_siren,
                "providerName": p.provider_name,
                "registeredBy": p.registered_by,
            }
            for p in seen
        ],
        "meetings": [
            {"companyId": str(m.company_id), "providerSiren": m.provider_siren}
            for m in row.meetings
            if m.company_id in {p.company_id for p in seen}
        ],
    }


def test_the_calendar_and_node_show_an_events_typed_row(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    e = platform.events
    national = e.schedule_event(
        "operator", title="Journée nationale", kind="NATIONAL_DAY", on=DAY, capacity=3000
    )
    meetup = e.schedule_event(
        "cci", title="Rencontres IA", kind="MONTHLY_MEETUP", on=LATER, capacity=50, region="53"
    )
    ours, theirs = (
        a_company(platform, "cci", "542107651"),
        a_company(platform, "bpifrance", "732829320"),
    )
    e.register_company("cci", national, company_id=ours)
    e.register_company("bpifrance", national, company_id=theirs)
    e.register_provider("operator", national, siren=PROVIDER, name="Vision SAS")
    e.register_company("cci", meetup, company_id=ours)
    e.register_provider("cci", meetup, siren=PROVIDER, name="Vision SAS")
    e.book_meeting("cci", meetup, company_id=ours, provider_siren=PROVIDER)
    e.hold_event("cci", meetup, on=LATER)
    e.record_attendance("cci", meetup, on=LATER, company_id=ours)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = {
        row["id"]: EventRow.from_row(row)
        for row in asyncio.run(snapshot(database_url, "cci"))["events"]
    }
    api = Api(database_url, platform)

    def calendar(tenant: str, arguments: str) -> dict[str, Any]:
        query = f"{{ events({arguments}) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
        query += f"edges {{ node {{ {FIELDS} }} }} }} }}"
        return dict(api.run(tenant, query)["events"])

    first = calendar("cci", "first: 1")
    second = calendar("cci", f'first: 1, after: "{first["pageInfo"]["endCursor"]}"')
    meetups = calendar("cci", "kind: MONTHLY_MEETUP")
    later = calendar("cci", f'fromDate: "{LATER}"')
    by_operator = calendar("operator", "kind: NATIONAL_DAY")
    node = api.run("bpifrance", f'{{ node(id: "{national}") {{ ... on Event {{ {FIELDS} }} }} }}')

    day, monthly = written[national], written[meetup]
    assert day.participants == (
        ParticipantRow("COMPANY", ours, None, None, "cci"),
        ParticipantRow("COMPANY", theirs, None, None, "bpifrance"),
        ParticipantRow("PROVIDER", None, PROVIDER, "Vision SAS", "operator"),
    )
    assert monthly.meetings == (MeetingRow(ours, PROVIDER),)
    assert (monthly.status, monthly.held_on, monthly.attended_count) == ("HELD", LATER, 1)
    assert (day.status, day.held_on, day.meetings, day.attended_count) == ("SCHEDULED", None, (), 0)
    # By date: the national day, then the meetup.
    assert [e["node"] for e in first["edges"]] == [shown(day, "cci")]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    assert [e["node"] for e in second["edges"]] == [shown(monthly, "cci")]
    assert second["edges"][0]["node"]["meetings"] == [
        {"companyId": str(ours), "providerSiren": PROVIDER}
    ]
    assert [e["node"]["id"] for e in meetups["edges"]] == [str(meetup)]
    assert [e["node"]["id"] for e in later["edges"]] == [str(meetup)]
    # The organiser sees every registration; bpifrance its own only.
    assert [e["node"] for e in by_operator["edges"]] == [shown(day, "operator")]
    assert len(by_operator["edges"][0]["node"]["participants"]) == 3
    assert node["node"] == shown(day, "bpifrance")
    assert [p["companyId"] for p in node["node"]["participants"]] == [str(theirs)]


def test_the_page_reader_gives_the_rows_the_projection_wrote(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    platform.events.schedule_event(
        "cci", title="Rencontres IA", kind="MONTHLY_MEETUP", on=LATER, capacity=50, region="53"
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "cci"))["events"]

    async def read(region: str) -> list[EventRow]:
        conn = await connect(database_url)
        try:
            found = await calendar_page(
                conn,
                "cci",
                region=region,
                kind=None,
                from_date=None,
                until_date=LATER,
                first=5,
                after=None,
            )
        finally:
            await conn.close()
        return found.rows

    assert asyncio.run(read("53")) == [EventRow.from_row(written[0])]
    assert asyncio.run(read("11")) == []


def test_a_registration_stored_before_its_network_was_kept_is_the_organisers() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
    company = uuid4()
    row = dict.fromkeys(TABLE.column_names) | {
        "owner": "cci",
        "participants": [{"kind": "COMPANY", "company_id": str(company)}],
        "meetings": [],
        "attended": [],
    }
    (participant,) = EventRow.from_row(row).participants
    assert participant == ParticipantRow("COMPANY", company, None, None, "cci")
