"""Events as the plan runs them, through GraphQL: the national day and any open event take
every network's companies; who registered whom is shown to the organiser and the registering
network only; only the operator schedules the national day, a regional network only in its
region; an event is HELD (or CANCELLED), and attendance is recorded only once it is held."""

from __future__ import annotations

import asyncio
import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.schema import schema
from osezia.projections.connections import create_pool
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS
from tests.integration.api_support import OUTCOME, Api, context
from tests.integration.projection_support import build_all, viewers_of

DAY = "2026-05-01"  # the events' day, in the past
PROVIDER = "632012100"
EVENT_FIELDS = (
    "title kind status open heldOn organiser registeredCount companyCount providerCount "
    "meetingCount attendedCount participants { kind companyId providerSiren registeredBy } "
    "meetings { companyId providerSiren }"
)


@pytest.fixture
def client(database_url: str, platform: Platform, tenants: Tenants) -> Api:
    return Api(database_url, platform)


def a_company(platform: Platform, tenant: str, siren: str) -> str:
    return str(
        platform.companies.register_company(
            tenant,
            siren=siren,
            legal_name=f"Société {siren}",
            region="53",
            departement="35",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(40)),
        )
    )


def national_day(client: Api) -> str:
    return client.done(
        "operator",
        f'scheduleEvent(title: "Journée nationale", kind: NATIONAL_DAY, on: "{DAY}", '
        "capacity: 3000)",
    )


def monthly_meetup(client: Api, tenant: str = "cci", extra: str = "") -> str:
    return client.done(
        tenant,
        f'scheduleEvent(title: "Rencontres IA", kind: MONTHLY_MEETUP, region: "53", '
        f'on: "{DAY}", capacity: 50{extra})',
    )


def register(client: Api, tenant: str, event: str, company: str) -> dict[str, Any]:
    return client.mutate(
        tenant, f'registerCompanyToEvent(eventId: "{event}", companyId: "{company}")'
    )


def event_as(database_url: str, client: Api, tenants: Tenants, tenant: str) -> dict[str, Any]:
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    edges = client.run(tenant, f"{{ events {{ edges {{ node {{ {EVENT_FIELDS} }} }} }} }}")
    nodes = [e["node"] for e in edges["events"]["edges"]]
    assert len(nodes) == 1
    return dict(nodes[0])


def log_position(platform: Platform) -> int:
    return platform.companies.recorder.max_notification_id() or 0


def test_every_network_registers_its_own_companies_to_the_national_day(
    client: Api, platform: Platform
) -> None:
    event = national_day(client)
    cci_company = a_company(platform, "cci", "542107651")
    bpifrance_company = a_company(platform, "bpifrance", "732829320")

    assert register(client, "cci", event, cci_company)["__typename"] == "Done"
    assert register(client, "bpifrance", event, bpifrance_company)["__typename"] == "Done"


def test_an_open_monthly_meetup_takes_another_networks_companies(
    client: Api, platform: Platform
) -> None:
    event = monthly_meetup(client, extra=", open: true")
    bpifrance_company = a_company(platform, "bpifrance", "732829320")

    assert register(client, "bpifrance", event, bpifrance_company)["__typename"] == "Done"


def test_a_closed_event_of_another_network_is_not_found_and_nothing_is_appended(
    client: Api, platform: Platform
) -> None:
    event = monthly_meetup(client)
    bpifrance_company = a_company(platform, "bpifrance", "732829320")
    before = log_position(platform)

    answer = register(client, "bpifrance", event, bpifrance_company)

    assert answer == {
        "__typename": "Problem",
        "code": "NOT_FOUND",
        "message": f"no event with id {event}",
    }
    assert log_position(platform) == before


def test_an_open_event_takes_no_company_the_registering_network_does_not_see(
    client: Api, platform: Platform
) -> None:
    event = national_day(client)
    cci_company = a_company(platform, "cci", "542107651")
    before = log_position(platform)

    answer = register(client, "bpifrance", event, cci_company)

    assert (answer["code"], answer["message"]) == ("NOT_FOUND", f"no company with id {cci_company}")
    assert log_position(platform) == before


def test_who_registered_whom_is_shown_to_the_organiser_and_the_registering_network_only(
    database_url: str, client: Api, platform: Platform, tenants: Tenants
) -> None:
    event = monthly_meetup(client, extra=", open: true")
    cci_company = a_company(platform, "cci", "542107651")
    bpifrance_company = a_company(platform, "bpifrance", "732829320")
    register(client, "cci", event, cci_company)
    register(client, "bpifrance", event, bpifrance_company)
    client.done(
        "cci", f'registerProviderToEvent(eventId: "{event}", siren: "{PROVIDER}", name: "P")'
    )
    client.done(
        "cci",
        f'bookMeeting(eventId: "{event}", companyId: "{cci_company}", providerSiren: "{PROVIDER}")',
    )

    organiser = event_as(database_url, client, tenants, "cci")
    registrant = event_as(database_url, client, tenants, "bpifrance")
    other = event_as(database_url, client, tenants, "inria")

    bpifrance_registration = {
        "kind": "COMPANY",
        "companyId": bpifrance_company,
        "providerSiren": None,
        "registeredBy": "bpifrance",
    }
    meeting = {"companyId": cci_company, "providerSiren": PROVIDER}
    assert organiser["participants"] == [
        {"kind": "COMPANY", "companyId": cci_company, "providerSiren": None, "registeredBy": "cci"},
        bpifrance_registration,
        {"kind": "PROVIDER", "companyId": None, "providerSiren": PROVIDER, "registeredBy": "cci"},
    ]
    assert organiser["meetings"] == [meeting]
    assert registrant["participants"] == [bpifrance_registration]
    assert (registrant["meetings"], other["participants"], other["meetings"]) == ([], [], [])
    for seen in (organiser, registrant, other):
        counts = [seen[f] for f in ("registeredCount", "companyCount", "providerCount")]
        assert counts == [3, 2, 1]
        assert (seen["meetingCount"], seen["open"], seen["organiser"]) == (1, True, "cci")


def test_the_operator_which_sees_every_record_sees_counts_of_others_registrations(
    database_url: str, client: Api, platform: Platform, tenants: Tenants
) -> None:
    event = monthly_meetup(client)
    register(client, "cci", event, a_company(platform, "cci", "542107651"))

    seen = event_as(database_url, client, tenants, "operator")

    assert (seen["participants"], seen["registeredCount"]) == ([], 1)


def test_only_the_operator_schedules_the_national_day(client: Api, platform: Platform) -> None:
    before = log_position(platform)

    answer = client.mutate(
        "cci", f'scheduleEvent(title: "Journée", kind: NATIONAL_DAY, on: "{DAY}", capacity: 9)'
    )

    assert answer["code"] == "FORBIDDEN"
    assert "only operator, the plan's operator, schedules the NATIONAL_DAY" in answer["message"]
    assert log_position(platform) == before


def mutate_as_regional(platform: Platform, database_url: str, call: str) -> dict[str, Any]:
    """A mutation of CCI as a regional network of Bretagne (53)."""
    profile = dataclasses.replace(DEFAULT_TENANTS["cci"][1], region="53")

    async def run() -> dict[str, Any]:
        pool = await create_pool(database_url, max_size=2)
        try:
            request = dataclasses.replace(context(platform, pool, "cci"), profile=profile)
            result = await schema.execute(
                f"mutation {{ m: {call} {OUTCOME} }}", context_value=request
            )
        finally:
            await pool.close()
        assert result.errors is None, result.errors
        assert result.data is not None
        return dict(result.data["m"])

    return asyncio.run(run())


def test_a_regional_network_schedules_only_in_its_region(
    database_url: str, client: Api, platform: Platform
) -> None:
    elsewhere = (
        f'scheduleEvent(title: "R", kind: MONTHLY_MEETUP, region: "84", on: "{DAY}", capacity: 9)'
    )
    at_home = elsewhere.replace('region: "84"', 'region: "53"')
    before = log_position(platform)

    refused = mutate_as_regional(platform, database_url, elsewhere)

    assert refused["code"] == "FORBIDDEN"
    assert "works in region 53; it cannot schedule an event in region 84" in refused["message"]
    assert log_position(platform) == before
    assert mutate_as_regional(platform, database_url, at_home)["__typename"] == "Done"


def test_attendance_is_recorded_only_once_the_event_is_held(
    database_url: str, client: Api, platform: Platform, tenants: Tenants
) -> None:
    event = monthly_meetup(client)
    company = a_company(platform, "cci", "542107651")
    register(client, "cci", event, company)
    attendance = f'recordAttendance(eventId: "{event}", on: "{DAY}", companyId: "{company}")'

    early = client.mutate("cci", attendance)
    client.done("cci", f'holdEvent(eventId: "{event}", on: "{DAY}")')
    client.done("cci", attendance)

    assert early["code"] == "INVALID_TRANSITION"
    assert "is SCHEDULED, not HELD; cannot record attendance" in early["message"]
    seen = event_as(database_url, client, tenants, "cci")
    assert (seen["status"], seen["heldOn"], seen["attendedCount"]) == ("HELD", DAY, 1)


@pytest.mark.parametrize(
    ("on", "code", "message"),
    [
        ("2026-04-30", "INVALID_DATE", "before its day, 2026-05-01"),
        ("2099-05-01", "INVALID_DATE", "is in the future"),
    ],
)
def test_an_event_is_held_neither_before_its_day_nor_in_the_future(
    client: Api, platform: Platform, on: str, code: str, message: str
) -> None:
    event = monthly_meetup(client)
    before = log_position(platform)

    answer = client.mutate("cci", f'holdEvent(eventId: "{event}", on: "{on}")')

    assert answer["code"] == code
    assert message in answer["message"]
    assert log_position(platform) == before


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ('holdEvent(eventId: "{event}", on: "2026-05-01")', "holdEvent"),
        ('holdEvent(eventId: "{event}", on: "2026-05-01")', "cancelEvent"),
        ('cancelEvent(eventId: "{event}", reason: "r")', "holdEvent"),
    ],
)
def test_a_held_or_cancelled_event_is_neither_held_nor_cancelled_again(
    client: Api, first: str, then: str
) -> None:
    event = monthly_meetup(client)
    client.done("cci", first.format(event=event))
    calls = {
        "holdEvent": f'holdEvent(eventId: "{event}", on: "{DAY}")',
        "cancelEvent": f'cancelEvent(eventId: "{event}", reason: "again")',
    }

    answer = client.mutate("cci", calls[then])

    assert answer["code"] == "INVALID_TRANSITION"


def test_only_the_organiser_holds_an_open_event(client: Api) -> None:
    event = national_day(client)

    answer = client.mutate("cci", f'holdEvent(eventId: "{event}", on: "{DAY}")')

    assert (answer["code"], answer["message"]) == ("NOT_FOUND", f"no event with id {event}")


def test_a_regional_network_registers_only_to_open_events_of_its_region(
    database_url: str, client: Api, platform: Platform
) -> None:
    rennes = monthly_meetup(client, "bpifrance", extra=", open: true")
    lyon = client.done(
        "bpifrance",
        f'scheduleEvent(title: "Lyon", kind: MONTHLY_MEETUP, region: "84", on: "{DAY}", '
        "capacity: 9, open: true)",
    )
    company = a_company(platform, "cci", "542107651")
    before = log_position(platform)

    refused = mutate_as_regional(
        platform, database_url, f'registerCompanyToEvent(eventId: "{lyon}", companyId: "{company}")'
    )

    assert (refused["code"], refused["message"]) == ("NOT_FOUND", f"no event with id {lyon}")
    assert log_position(platform) == before
    at_home = f'registerCompanyToEvent(eventId: "{rennes}", companyId: "{company}")'
    assert mutate_as_regional(platform, database_url, at_home)["__typename"] == "Done"
