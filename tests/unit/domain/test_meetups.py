"""Events (the ``Meetup`` aggregate): scheduled, filled, matched, held and attended, or
cancelled; open ones take registrations from every network."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    AlreadyRegistered,
    CapacityReached,
    Forbidden,
    InvalidDate,
    InvalidRegion,
    InvalidSiren,
    InvalidTransition,
    InvalidValue,
    NotFound,
    NotRegistered,
)
from osezia.domain.meetups.application import Meetups
from osezia.domain.meetups.model import Meeting, Meetup, MeetupKind, MeetupRules, MeetupStatus
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY

CCI = "cci"
BPIFRANCE = "bpifrance"
OPERATOR = "operator"
HELD_ON = date(2025, 10, 14)
PROVIDER = "732829320"
OTHER_PROVIDER = "443061841"


@pytest.fixture
def meetups(companies: Companies) -> Meetups:
    return Meetups(env=MEMORY, share_with=companies)


@pytest.fixture
def company(companies: Companies) -> UUID:
    return a_company(companies, "632012100")


def a_company(companies: Companies, siren: str, tenant: str = CCI) -> UUID:
    return companies.register_company(
        tenant,
        siren=siren,
        legal_name=f"Entreprise {siren}",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(40)),
    )


def a_monthly_meetup(
    meetups: Meetups, capacity: int = 50, idempotency_key: str | None = None
) -> UUID:
    return meetups.schedule_event(
        CCI,
        title="Rencontres IA de Rennes",
        kind="MONTHLY_MEETUP",
        region="53",
        on=HELD_ON,
        capacity=capacity,
        idempotency_key=idempotency_key,
    )


def log_position(meetups: Meetups) -> int:
    return meetups.recorder.max_notification_id() or 0


def test_a_monthly_meetup_is_scheduled_in_a_region_on_a_date_with_a_capacity(
    meetups: Meetups,
) -> None:
    event_id = a_monthly_meetup(meetups, capacity=80)

    meetup = meetups.get_event(CCI, event_id)
    assert meetup.title == "Rencontres IA de Rennes"
    assert meetup.kind is MeetupKind.MONTHLY_MEETUP
    assert (meetup.region, meetup.on, meetup.capacity) == ("53", HELD_ON, 80)
    assert meetup.status is MeetupStatus.SCHEDULED


def a_national_day(meetups: Meetups) -> UUID:
    return meetups.schedule_event(
        OPERATOR, title="Journée nationale", kind="NATIONAL_DAY", on=HELD_ON, capacity=2000
    )


def test_the_national_day_is_scheduled_without_a_region_and_is_open(meetups: Meetups) -> None:
    event_id = a_national_day(meetups)

    meetup = meetups.get_event(OPERATOR, event_id)
    assert meetup.region is None
    assert meetup.open


def test_the_national_day_cannot_have_a_region(meetups: Meetups) -> None:
    with pytest.raises(InvalidRegion, match="NATIONAL_DAY"):
        meetups.schedule_event(
            OPERATOR, title="Journée", kind="NATIONAL_DAY", region="11", on=HELD_ON, capacity=10
        )


def test_only_the_operator_schedules_the_national_day_and_a_refusal_appends_nothing(
    meetups: Meetups,
) -> None:
    before = log_position(meetups)

    with pytest.raises(Forbidden, match="only operator, the plan's operator, schedules"):
        meetups.schedule_event(CCI, title="Journée", kind="NATIONAL_DAY", on=HELD_ON, capacity=10)

    assert log_position(meetups) == before


def test_who_schedules_the_national_day_is_configuration(companies: Companies) -> None:
    meetups = Meetups(env=MEMORY, share_with=companies, rules=MeetupRules(national_organiser=CCI))

    event_id = meetups.schedule_event(
        CCI, title="Journée", kind="NATIONAL_DAY", on=HELD_ON, capacity=10
    )

    assert meetups.get_event(CCI, event_id).kind is MeetupKind.NATIONAL_DAY


def test_a_regional_network_schedules_only_in_its_own_region(meetups: Meetups) -> None:
    with pytest.raises(
        Forbidden, match="works in region 84; it cannot schedule an event in region 53"
    ):
        meetups.schedule_event(
            CCI,
            title="Rencontres",
            kind="MONTHLY_MEETUP",
            region="53",
            on=HELD_ON,
            capacity=10,
            home_region="84",
        )

    event_id = meetups.schedule_event(
        CCI,
        title="Rencontres",
        kind="MONTHLY_MEETUP",
        region="84",
        on=HELD_ON,
        capacity=10,
        home_region="84",
    )
    assert meetups.get_event(CCI, event_id).region == "84"


def test_a_monthly_meetup_is_not_open_unless_scheduled_so(meetups: Meetups) -> None:
    closed = a_monthly_meetup(meetups)
    opened = meetups.schedule_event(
        CCI,
        title="Rencontres",
        kind="MONTHLY_MEETUP",
        region="53",
        on=HELD_ON,
        capacity=9,
        open=True,
    )

    assert not meetups.get_event(CCI, closed).open
    assert meetups.get_event(CCI, opened).open


def test_a_monthly_meetup_must_have_a_region(meetups: Meetups) -> None:
    with pytest.raises(InvalidRegion, match="MONTHLY_MEETUP"):
        meetups.schedule_event(
            CCI, title="Rencontres", kind="MONTHLY_MEETUP", on=HELD_ON, capacity=10
        )


def test_an_unknown_region_is_refused(meetups: Meetups) -> None:
    with pytest.raises(InvalidRegion, match="'05'"):
        meetups.schedule_event(
            CCI, title="Rencontres", kind="MONTHLY_MEETUP", region="05", on=HELD_ON, capacity=10
        )


def test_an_event_needs_a_capacity_of_at_least_one(meetups: Meetups) -> None:
    with pytest.raises(InvalidValue, match="capacity 0"):
        a_monthly_meetup(meetups, capacity=0)


def test_an_unknown_event_kind_is_refused_with_the_allowed_kinds(meetups: Meetups) -> None:
    with pytest.raises(InvalidValue, match="'WEBINAR' must be one of MONTHLY_MEETUP, NATIONAL_DAY"):
        meetups.schedule_event(CCI, title="Rencontres", kind="WEBINAR", on=HELD_ON, capacity=10)


def test_an_event_needs_a_title(meetups: Meetups) -> None:
    with pytest.raises(InvalidValue, match="title"):
        meetups.schedule_event(
            CCI, title=" ", kind="MONTHLY_MEETUP", region="53", on=HELD_ON, capacity=10
        )


def test_companies_and_providers_register_to_an_event(meetups: Meetups, company: UUID) -> None:
    event_id = a_monthly_meetup(meetups)

    meetups.register_company(CCI, event_id, company_id=company)
    meetups.register_provider(CCI, event_id, siren="732 829 320", name="  Mistral   Conseil ")

    meetup = meetups.get_event(CCI, event_id)
    assert meetup.companies == [company]
    assert meetup.providers == {PROVIDER: "Mistral Conseil"}
    assert meetup.participant_count == 2


def test_a_company_unknown_to_the_registry_cannot_register(meetups: Meetups) -> None:
    event_id = a_monthly_meetup(meetups)
    stranger = uuid4()

    with pytest.raises(NotFound, match=str(stranger)):
        meetups.register_company(CCI, event_id, company_id=stranger)


def test_a_company_of_another_network_may_register_once_the_organiser_follows_it(
    meetups: Meetups, companies: Companies
) -> None:
    bpifrance_company = a_company(companies, "542107651", tenant="bpifrance")
    assert a_company(companies, "542107651", tenant=CCI) == bpifrance_company
    event_id = a_monthly_meetup(meetups)

    meetups.register_company(CCI, event_id, company_id=bpifrance_company)

    assert meetups.get_event(CCI, event_id).companies == [bpifrance_company]


def test_a_company_the_organiser_does_not_see_is_not_found_and_appends_nothing(
    meetups: Meetups, companies: Companies
) -> None:
    bpifrance_company = a_company(companies, "542107651", tenant="bpifrance")
    event_id = a_monthly_meetup(meetups)
    before = log_position(meetups)

    with pytest.raises(NotFound, match=f"no company with id {bpifrance_company}"):
        meetups.register_company(CCI, event_id, company_id=bpifrance_company)

    assert log_position(meetups) == before
    assert meetups.get_event(CCI, event_id).companies == []


def test_a_provider_with_an_invalid_siren_is_refused(meetups: Meetups) -> None:
    event_id = a_monthly_meetup(meetups)

    with pytest.raises(InvalidSiren):
        meetups.register_provider(CCI, event_id, siren="732829321", name="Mistral Conseil")


def test_capacity_counts_companies_and_providers(meetups: Meetups, company: UUID) -> None:
    event_id = a_monthly_meetup(meetups, capacity=2)
    meetups.register_company(CCI, event_id, company_id=company)
    meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")

    with pytest.raises(CapacityReached, match="capacity of 2"):
        meetups.register_provider(CCI, event_id, siren=OTHER_PROVIDER, name="Dataiku Conseil")


def test_a_company_cannot_register_twice(meetups: Meetups, company: UUID) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.register_company(CCI, event_id, company_id=company)

    with pytest.raises(AlreadyRegistered, match=str(company)):
        meetups.register_company(CCI, event_id, company_id=company)


def test_a_provider_cannot_register_twice(meetups: Meetups) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")

    with pytest.raises(AlreadyRegistered, match=PROVIDER):
        meetups.register_provider(CCI, event_id, siren="732-829-320", name="Mistral")


def an_event_with(meetups: Meetups, company: UUID) -> UUID:
    """A scheduled event with ``company`` and PROVIDER registered."""
    event_id = a_monthly_meetup(meetups)
    meetups.register_company(CCI, event_id, company_id=company)
    meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    return event_id


def a_held_event_with(meetups: Meetups, company: UUID) -> UUID:
    """An event held on its day, with ``company`` and PROVIDER registered."""
    event_id = an_event_with(meetups, company)
    meetups.hold_event(CCI, event_id, on=HELD_ON)
    return event_id


def test_a_meeting_is_booked_between_a_registered_company_and_provider(
    meetups: Meetups, company: UUID
) -> None:
    event_id = an_event_with(meetups, company)

    meetups.book_meeting(CCI, event_id, company_id=company, provider_siren=PROVIDER)

    assert meetups.get_event(CCI, event_id).meetings == [Meeting(company, PROVIDER)]


def test_a_meeting_needs_a_registered_company(
    meetups: Meetups, companies: Companies, company: UUID
) -> None:
    event_id = an_event_with(meetups, company)
    absent = a_company(companies, "542107651")

    with pytest.raises(NotRegistered, match=f"company {absent}"):
        meetups.book_meeting(CCI, event_id, company_id=absent, provider_siren=PROVIDER)


def test_a_meeting_needs_a_registered_provider(meetups: Meetups, company: UUID) -> None:
    event_id = an_event_with(meetups, company)

    with pytest.raises(NotRegistered, match=f"provider {OTHER_PROVIDER}"):
        meetups.book_meeting(CCI, event_id, company_id=company, provider_siren=OTHER_PROVIDER)


def test_a_company_and_a_provider_meet_only_once_per_event(meetups: Meetups, company: UUID) -> None:
    event_id = an_event_with(meetups, company)
    meetups.book_meeting(CCI, event_id, company_id=company, provider_siren=PROVIDER)

    with pytest.raises(AlreadyRegistered, match="already booked"):
        meetups.book_meeting(CCI, event_id, company_id=company, provider_siren=PROVIDER)


def test_an_event_is_held_on_its_day_or_later(meetups: Meetups, company: UUID) -> None:
    event_id = an_event_with(meetups, company)

    meetups.hold_event(CCI, event_id, on=date(2025, 10, 15))

    meetup = meetups.get_event(CCI, event_id)
    assert (meetup.status, meetup.held_on) == (MeetupStatus.HELD, date(2025, 10, 15))


def test_an_event_is_not_held_before_its_day(meetups: Meetups) -> None:
    event_id = a_monthly_meetup(meetups)

    with pytest.raises(InvalidDate, match="before its day, 2025-10-14"):
        meetups.hold_event(CCI, event_id, on=date(2025, 10, 13))


def test_an_event_is_held_once(meetups: Meetups) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.hold_event(CCI, event_id, on=HELD_ON)

    with pytest.raises(InvalidTransition, match="is HELD, not SCHEDULED; cannot hold it"):
        meetups.hold_event(CCI, event_id, on=HELD_ON)


def test_attendance_is_recorded_only_once_the_event_is_held(
    meetups: Meetups, company: UUID
) -> None:
    event_id = an_event_with(meetups, company)

    with pytest.raises(InvalidTransition, match="is SCHEDULED, not HELD"):
        meetups.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)


BEFORE_NOTHING_MORE: dict[str, Callable[[Meetups, UUID, UUID], None]] = {
    "register a company": lambda m, e, c: m.register_company(CCI, e, company_id=c),
    "register a provider": lambda m, e, c: m.register_provider(
        CCI, e, siren=OTHER_PROVIDER, name="Dataiku Conseil"
    ),
    "book a meeting": lambda m, e, c: m.book_meeting(CCI, e, company_id=c, provider_siren=PROVIDER),
    "cancel it": lambda m, e, c: m.cancel_event(CCI, e, reason="too late"),
}


@pytest.mark.parametrize("action", BEFORE_NOTHING_MORE)
def test_a_held_event_takes_no_more_registrations_meetings_or_cancellation(
    meetups: Meetups, company: UUID, action: str
) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    meetups.hold_event(CCI, event_id, on=HELD_ON)

    with pytest.raises(InvalidTransition, match=f"HELD, not SCHEDULED; cannot {action}"):
        BEFORE_NOTHING_MORE[action](meetups, event_id, company)


def test_attendance_is_recorded_for_companies_and_providers_from_the_events_date(
    meetups: Meetups, company: UUID
) -> None:
    event_id = a_held_event_with(meetups, company)

    meetups.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    meetups.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=date(2025, 10, 15))

    meetup = meetups.get_event(CCI, event_id)
    assert meetup.attending_companies == {company: HELD_ON}
    assert meetup.attending_providers == {PROVIDER: date(2025, 10, 15)}


def test_attendance_cannot_be_recorded_before_the_event(meetups: Meetups, company: UUID) -> None:
    event_id = a_held_event_with(meetups, company)

    with pytest.raises(InvalidDate, match="2025-10-13"):
        meetups.record_attendance(CCI, event_id, company_id=company, on=date(2025, 10, 13))


def test_attendance_is_recorded_only_for_registered_participants(
    meetups: Meetups, company: UUID
) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.hold_event(CCI, event_id, on=HELD_ON)

    with pytest.raises(NotRegistered):
        meetups.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    with pytest.raises(NotRegistered):
        meetups.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=HELD_ON)


def test_attendance_is_recorded_once(meetups: Meetups, company: UUID) -> None:
    event_id = a_held_event_with(meetups, company)
    meetups.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    meetups.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=HELD_ON)

    with pytest.raises(AlreadyRegistered):
        meetups.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    with pytest.raises(AlreadyRegistered):
        meetups.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=HELD_ON)


def test_attendance_names_exactly_one_participant(meetups: Meetups, company: UUID) -> None:
    event_id = a_held_event_with(meetups, company)

    with pytest.raises(InvalidValue, match="exactly one"):
        meetups.record_attendance(CCI, event_id, on=HELD_ON)
    with pytest.raises(InvalidValue, match="exactly one"):
        meetups.record_attendance(
            CCI, event_id, company_id=company, provider_siren=PROVIDER, on=HELD_ON
        )


def test_an_event_is_cancelled_with_a_reason(meetups: Meetups) -> None:
    event_id = a_monthly_meetup(meetups)

    meetups.cancel_event(CCI, event_id, reason="room unavailable")

    meetup = meetups.get_event(CCI, event_id)
    assert meetup.status is MeetupStatus.CANCELLED
    assert meetup.cancellation_reason == "room unavailable"


AFTER_CANCELLATION: dict[str, Callable[[Meetups, UUID, UUID], None]] = {
    "register a company": lambda m, e, c: m.register_company(CCI, e, company_id=c),
    "register a provider": lambda m, e, c: m.register_provider(
        CCI, e, siren=OTHER_PROVIDER, name="Dataiku Conseil"
    ),
    "book a meeting": lambda m, e, c: m.book_meeting(CCI, e, company_id=c, provider_siren=PROVIDER),
    "record attendance": lambda m, e, c: m.record_attendance(
        CCI, e, provider_siren=PROVIDER, on=HELD_ON
    ),
    "hold it": lambda m, e, c: m.hold_event(CCI, e, on=HELD_ON),
    "cancel it": lambda m, e, c: m.cancel_event(CCI, e, reason="twice"),
}


@pytest.mark.parametrize("action", AFTER_CANCELLATION)
def test_a_cancelled_event_accepts_nothing_more(
    meetups: Meetups, companies: Companies, company: UUID, action: str
) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    meetups.cancel_event(CCI, event_id, reason="room unavailable")

    with pytest.raises(InvalidTransition, match=f"is CANCELLED, not [A-Z]+; cannot {action}"):
        AFTER_CANCELLATION[action](meetups, event_id, company)


def test_another_tenants_event_is_not_found(meetups: Meetups, company: UUID) -> None:
    event_id = a_monthly_meetup(meetups)

    with pytest.raises(NotFound):
        meetups.get_event("bpifrance", event_id)
    with pytest.raises(NotFound):
        meetups.register_company("bpifrance", event_id, company_id=company)


def test_the_same_scheduling_sent_twice_with_one_key_schedules_once(meetups: Meetups) -> None:
    first = a_monthly_meetup(meetups, idempotency_key="schedule-rennes")
    position = log_position(meetups)

    second = a_monthly_meetup(meetups, idempotency_key="schedule-rennes")

    assert second == first
    assert log_position(meetups) == position


def test_the_same_registration_sent_twice_with_one_key_registers_once(
    meetups: Meetups, company: UUID
) -> None:
    event_id = a_monthly_meetup(meetups)
    meetups.register_company(CCI, event_id, company_id=company, idempotency_key="r-1")
    position = log_position(meetups)

    meetups.register_company(CCI, event_id, company_id=company, idempotency_key="r-1")

    assert log_position(meetups) == position
    assert meetups.get_event(CCI, event_id).companies == [company]


def test_a_registration_refused_for_capacity_appends_nothing(
    meetups: Meetups, company: UUID
) -> None:
    event_id = a_monthly_meetup(meetups, capacity=1)
    meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    position = log_position(meetups)

    with pytest.raises(CapacityReached):
        meetups.register_company(CCI, event_id, company_id=company, idempotency_key="r-2")

    assert log_position(meetups) == position


def test_an_event_replayed_from_the_store_is_the_event_that_was_saved(
    meetups: Meetups, company: UUID
) -> None:
    meetup = Meetup.schedule(CCI, "Rencontres IA", MeetupKind.MONTHLY_MEETUP, "53", HELD_ON, 10)
    meetup.register_company(company, by=CCI)
    meetup.register_company(uuid4(), by=BPIFRANCE)
    meetup.register_provider(PROVIDER, "Mistral Conseil")
    meetup.book_meeting(company, PROVIDER)
    meetup.hold(HELD_ON)
    meetup.record_company_attendance(company, HELD_ON)
    meetup.record_provider_attendance(PROVIDER, HELD_ON)
    meetups.save(meetup)

    replayed = meetups.get_event(CCI, meetup.id)

    assert vars(replayed) == vars(meetup)


def an_open_meetup(meetups: Meetups) -> UUID:
    return meetups.schedule_event(
        CCI,
        title="Rencontres",
        kind="MONTHLY_MEETUP",
        region="53",
        on=HELD_ON,
        capacity=9,
        open=True,
    )


@pytest.mark.parametrize("open_event", [a_national_day, an_open_meetup])
def test_any_network_registers_its_own_companies_to_an_open_event(
    meetups: Meetups, companies: Companies, open_event: Callable[[Meetups], UUID]
) -> None:
    event_id = open_event(meetups)
    organiser = meetups.find(event_id, Meetup)
    assert organiser is not None
    ours = a_company(companies, "542107651", tenant=BPIFRANCE)

    meetups.register_company(BPIFRANCE, event_id, company_id=ours)

    meetup = meetups.get_event(organiser.tenant, event_id)
    assert meetup.companies == [ours]
    assert meetup.registrants == {ours: BPIFRANCE}


def test_the_organisers_own_registrations_are_its_own(meetups: Meetups, company: UUID) -> None:
    event_id = an_event_with(meetups, company)

    assert meetups.get_event(CCI, event_id).registrants == {company: CCI}


def test_an_open_event_takes_no_company_the_registering_network_does_not_see(
    meetups: Meetups, companies: Companies
) -> None:
    event_id = a_national_day(meetups)
    cci_company = a_company(companies, "542107651", tenant=CCI)
    before = log_position(meetups)

    with pytest.raises(NotFound, match=f"no company with id {cci_company}"):
        meetups.register_company(BPIFRANCE, event_id, company_id=cci_company)

    assert log_position(meetups) == before


def test_an_open_event_is_still_the_organisers_for_everything_but_registering_companies(
    meetups: Meetups, company: UUID
) -> None:
    event_id = a_national_day(meetups)

    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        meetups.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        meetups.hold_event(CCI, event_id, on=HELD_ON)
    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        meetups.cancel_event(CCI, event_id, reason="not ours")


def test_a_closed_event_of_another_network_is_not_found_for_registrations(
    meetups: Meetups, companies: Companies
) -> None:
    event_id = a_monthly_meetup(meetups)
    ours = a_company(companies, "542107651", tenant=BPIFRANCE)
    before = log_position(meetups)

    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        meetups.register_company(BPIFRANCE, event_id, company_id=ours)

    assert log_position(meetups) == before


def as_version_one_wrote_it(meetups: Meetups, event_id: UUID, name: str, field: str) -> Any:
    """The stored event named ``name`` of the event, without ``field``, read back."""
    (stored,) = [
        s for s in meetups.recorder.select_events(event_id) if s.topic.endswith(f"Meetup.{name}")
    ]
    state = json.loads(stored.state)
    del state[field], state["class_version"]
    return meetups.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))


@pytest.mark.parametrize(
    ("schedule", "opened"), [(a_national_day, True), (a_monthly_meetup, False)]
)
def test_an_event_scheduled_before_events_could_be_open_is_open_if_it_is_the_national_day(
    meetups: Meetups, schedule: Callable[[Meetups], UUID], opened: bool
) -> None:
    event_id = schedule(meetups)

    scheduled = as_version_one_wrote_it(meetups, event_id, "Scheduled", "open")

    assert isinstance(scheduled, Meetup.Scheduled)
    assert scheduled.open is opened


def test_a_registration_stored_before_registrants_were_kept_is_the_organisers(
    meetups: Meetups, company: UUID
) -> None:
    event_id = an_event_with(meetups, company)

    registered = as_version_one_wrote_it(meetups, event_id, "CompanyRegistered", "by")

    assert isinstance(registered, Meetup.CompanyRegistered)
    assert (registered.company_id, registered.by) == (company, None)


def test_a_regional_network_registers_to_open_events_of_its_region_and_national_ones_only(
    meetups: Meetups, companies: Companies
) -> None:
    in_53 = an_open_meetup(meetups)
    in_84 = meetups.schedule_event(
        CCI, title="Lyon", kind="MONTHLY_MEETUP", region="84", on=HELD_ON, capacity=9, open=True
    )
    national = a_national_day(meetups)
    ours = a_company(companies, "542107651", tenant=BPIFRANCE)
    before = log_position(meetups)

    with pytest.raises(NotFound, match=f"no event with id {in_84}"):
        meetups.register_company(BPIFRANCE, in_84, company_id=ours, home_region="53")
    assert log_position(meetups) == before

    meetups.register_company(BPIFRANCE, in_53, company_id=ours, home_region="53")
    meetups.register_company(BPIFRANCE, national, company_id=ours, home_region="84")
    assert meetups.get_event(OPERATOR, national).registrants == {ours: BPIFRANCE}
