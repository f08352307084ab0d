"""Events (the ``Event`` aggregate): scheduled, filled, matched, held and attended, or
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
from eventsourcing.utils import get_topic

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
from osezia.domain.events.application import Events
from osezia.domain.events.model import Event, EventKind, EventRules, EventStatus, Meeting
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY

CCI = "cci"
BPIFRANCE = "bpifrance"
OPERATOR = "operator"
HELD_ON = date(2025, 10, 14)
PROVIDER = "732829320"
OTHER_PROVIDER = "443061841"


@pytest.fixture
def events(companies: Companies) -> Events:
    return Events(env=MEMORY, share_with=companies)


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
    events: Events, capacity: int = 50, idempotency_key: str | None = None
) -> UUID:
    return events.schedule_event(
        CCI,
        title="Rencontres IA de Rennes",
        kind="MONTHLY_MEETUP",
        region="53",
        on=HELD_ON,
        capacity=capacity,
        idempotency_key=idempotency_key,
    )


def log_position(events: Events) -> int:
    return events.recorder.max_notification_id() or 0


def test_a_monthly_meetup_is_scheduled_in_a_region_on_a_date_with_a_capacity(
    events: Events,
) -> None:
    event_id = a_monthly_meetup(events, capacity=80)

    event = events.get_event(CCI, event_id)
    assert event.title == "Rencontres IA de Rennes"
    assert event.kind is EventKind.MONTHLY_MEETUP
    assert (event.region, event.on, event.capacity) == ("53", HELD_ON, 80)
    assert event.status is EventStatus.SCHEDULED


def a_national_day(events: Events) -> UUID:
    return events.schedule_event(
        OPERATOR, title="Journée nationale", kind="NATIONAL_DAY", on=HELD_ON, capacity=2000
    )


def test_the_national_day_is_scheduled_without_a_region_and_is_open(events: Events) -> None:
    event_id = a_national_day(events)

    event = events.get_event(OPERATOR, event_id)
    assert event.region is None
    assert event.open


def test_the_national_day_cannot_have_a_region(events: Events) -> None:
    with pytest.raises(InvalidRegion, match="NATIONAL_DAY"):
        events.schedule_event(
            OPERATOR, title="Journée", kind="NATIONAL_DAY", region="11", on=HELD_ON, capacity=10
        )


def test_only_the_operator_schedules_the_national_day_and_a_refusal_appends_nothing(
    events: Events,
) -> None:
    before = log_position(events)

    with pytest.raises(Forbidden, match="only operator, the plan's operator, schedules"):
        events.schedule_event(CCI, title="Journée", kind="NATIONAL_DAY", on=HELD_ON, capacity=10)

    assert log_position(events) == before


def test_who_schedules_the_national_day_is_configuration(companies: Companies) -> None:
    events = Events(env=MEMORY, share_with=companies, rules=EventRules(national_organiser=CCI))

    event_id = events.schedule_event(
        CCI, title="Journée", kind="NATIONAL_DAY", on=HELD_ON, capacity=10
    )

    assert events.get_event(CCI, event_id).kind is EventKind.NATIONAL_DAY


def test_a_regional_network_schedules_only_in_its_own_region(events: Events) -> None:
    with pytest.raises(
        Forbidden, match="works in region 84; it cannot schedule an event in region 53"
    ):
        events.schedule_event(
            CCI,
            title="Rencontres",
            kind="MONTHLY_MEETUP",
            region="53",
            on=HELD_ON,
            capacity=10,
            home_region="84",
        )

    event_id = events.schedule_event(
        CCI,
        title="Rencontres",
        kind="MONTHLY_MEETUP",
        region="84",
        on=HELD_ON,
        capacity=10,
        home_region="84",
    )
    assert events.get_event(CCI, event_id).region == "84"


def test_a_monthly_meetup_is_not_open_unless_scheduled_so(events: Events) -> None:
    closed = a_monthly_meetup(events)
    opened = events.schedule_event(
        CCI,
        title="Rencontres",
        kind="MONTHLY_MEETUP",
        region="53",
        on=HELD_ON,
        capacity=9,
        open=True,
    )

    assert not events.get_event(CCI, closed).open
    assert events.get_event(CCI, opened).open


def test_a_monthly_meetup_must_have_a_region(events: Events) -> None:
    with pytest.raises(InvalidRegion, match="MONTHLY_MEETUP"):
        events.schedule_event(
            CCI, title="Rencontres", kind="MONTHLY_MEETUP", on=HELD_ON, capacity=10
        )


def test_an_unknown_region_is_refused(events: Events) -> None:
    with pytest.raises(InvalidRegion, match="'05'"):
        events.schedule_event(
            CCI, title="Rencontres", kind="MONTHLY_MEETUP", region="05", on=HELD_ON, capacity=10
        )


def test_an_event_needs_a_capacity_of_at_least_one(events: Events) -> None:
    with pytest.raises(InvalidValue, match="capacity 0"):
        a_monthly_meetup(events, capacity=0)


def test_an_unknown_event_kind_is_refused_with_the_allowed_kinds(events: Events) -> None:
    with pytest.raises(InvalidValue, match="'WEBINAR' must be one of MONTHLY_MEETUP, NATIONAL_DAY"):
        events.schedule_event(CCI, title="Rencontres", kind="WEBINAR", on=HELD_ON, capacity=10)


def test_an_event_needs_a_title(events: Events) -> None:
    with pytest.raises(InvalidValue, match="title"):
        events.schedule_event(
            CCI, title=" ", kind="MONTHLY_MEETUP", region="53", on=HELD_ON, capacity=10
        )


def test_companies_and_providers_register_to_an_event(events: Events, company: UUID) -> None:
    event_id = a_monthly_meetup(events)

    events.register_company(CCI, event_id, company_id=company)
    events.register_provider(CCI, event_id, siren="732 829 320", name="  Mistral   Conseil ")

    event = events.get_event(CCI, event_id)
    assert event.companies == [company]
    assert event.providers == {PROVIDER: "Mistral Conseil"}
    assert event.participant_count == 2


def test_a_company_unknown_to_the_registry_cannot_register(events: Events) -> None:
    event_id = a_monthly_meetup(events)
    stranger = uuid4()

    with pytest.raises(NotFound, match=str(stranger)):
        events.register_company(CCI, event_id, company_id=stranger)


def test_a_company_of_another_network_may_register_once_the_organiser_follows_it(
    events: Events, companies: Companies
) -> None:
    bpifrance_company = a_company(companies, "542107651", tenant="bpifrance")
    assert a_company(companies, "542107651", tenant=CCI) == bpifrance_company
    event_id = a_monthly_meetup(events)

    events.register_company(CCI, event_id, company_id=bpifrance_company)

    assert events.get_event(CCI, event_id).companies == [bpifrance_company]


def test_a_company_the_organiser_does_not_see_is_not_found_and_appends_nothing(
    events: Events, companies: Companies
) -> None:
    bpifrance_company = a_company(companies, "542107651", tenant="bpifrance")
    event_id = a_monthly_meetup(events)
    before = log_position(events)

    with pytest.raises(NotFound, match=f"no company with id {bpifrance_company}"):
        events.register_company(CCI, event_id, company_id=bpifrance_company)

    assert log_position(events) == before
    assert events.get_event(CCI, event_id).companies == []


def test_a_provider_with_an_invalid_siren_is_refused(events: Events) -> None:
    event_id = a_monthly_meetup(events)

    with pytest.raises(InvalidSiren):
        events.register_provider(CCI, event_id, siren="732829321", name="Mistral Conseil")


def test_capacity_counts_companies_and_providers(events: Events, company: UUID) -> None:
    event_id = a_monthly_meetup(events, capacity=2)
    events.register_company(CCI, event_id, company_id=company)
    events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")

    with pytest.raises(CapacityReached, match="capacity of 2"):
        events.register_provider(CCI, event_id, siren=OTHER_PROVIDER, name="Dataiku Conseil")


def test_a_company_cannot_register_twice(events: Events, company: UUID) -> None:
    event_id = a_monthly_meetup(events)
    events.register_company(CCI, event_id, company_id=company)

    with pytest.raises(AlreadyRegistered, match=str(company)):
        events.register_company(CCI, event_id, company_id=company)


def test_a_provider_cannot_register_twice(events: Events) -> None:
    event_id = a_monthly_meetup(events)
    events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")

    with pytest.raises(AlreadyRegistered, match=PROVIDER):
        events.register_provider(CCI, event_id, siren="732-829-320", name="Mistral")


def an_event_with(events: Events, company: UUID) -> UUID:
    """A scheduled event with ``company`` and PROVIDER registered."""
    event_id = a_monthly_meetup(events)
    events.register_company(CCI, event_id, company_id=company)
    events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    return event_id


def a_held_event_with(events: Events, company: UUID) -> UUID:
    """An event held on its day, with ``company`` and PROVIDER registered."""
    event_id = an_event_with(events, company)
    events.hold_event(CCI, event_id, on=HELD_ON)
    return event_id


def test_a_meeting_is_booked_between_a_registered_company_and_provider(
    events: Events, company: UUID
) -> None:
    event_id = an_event_with(events, company)

    events.book_meeting(CCI, event_id, company_id=company, provider_siren=PROVIDER)

    assert events.get_event(CCI, event_id).meetings == [Meeting(company, PROVIDER)]


def test_a_meeting_needs_a_registered_company(
    events: Events, companies: Companies, company: UUID
) -> None:
    event_id = an_event_with(events, company)
    absent = a_company(companies, "542107651")

    with pytest.raises(NotRegistered, match=f"company {absent}"):
        events.book_meeting(CCI, event_id, company_id=absent, provider_siren=PROVIDER)


def test_a_meeting_needs_a_registered_provider(events: Events, company: UUID) -> None:
    event_id = an_event_with(events, company)

    with pytest.raises(NotRegistered, match=f"provider {OTHER_PROVIDER}"):
        events.book_meeting(CCI, event_id, company_id=company, provider_siren=OTHER_PROVIDER)


def test_a_company_and_a_provider_meet_only_once_per_event(events: Events, company: UUID) -> None:
    event_id = an_event_with(events, company)
    events.book_meeting(CCI, event_id, company_id=company, provider_siren=PROVIDER)

    with pytest.raises(AlreadyRegistered, match="already booked"):
        events.book_meeting(CCI, event_id, company_id=company, provider_siren=PROVIDER)


def test_an_event_is_held_on_its_day_or_later(events: Events, company: UUID) -> None:
    event_id = an_event_with(events, company)

    events.hold_event(CCI, event_id, on=date(2025, 10, 15))

    event = events.get_event(CCI, event_id)
    assert (event.status, event.held_on) == (EventStatus.HELD, date(2025, 10, 15))


def test_an_event_is_not_held_before_its_day(events: Events) -> None:
    event_id = a_monthly_meetup(events)

    with pytest.raises(InvalidDate, match="before its day, 2025-10-14"):
        events.hold_event(CCI, event_id, on=date(2025, 10, 13))


def test_an_event_is_held_once(events: Events) -> None:
    event_id = a_monthly_meetup(events)
    events.hold_event(CCI, event_id, on=HELD_ON)

    with pytest.raises(InvalidTransition, match="is HELD, not SCHEDULED; cannot hold it"):
        events.hold_event(CCI, event_id, on=HELD_ON)


def test_attendance_is_recorded_only_once_the_event_is_held(events: Events, company: UUID) -> None:
    event_id = an_event_with(events, company)

    with pytest.raises(InvalidTransition, match="is SCHEDULED, not HELD"):
        events.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)


BEFORE_NOTHING_MORE: dict[str, Callable[[Events, UUID, UUID], None]] = {
    "register a company": lambda m, e, c: m.register_company(CCI, e, company_id=c),
    "register a provider": lambda m, e, c: m.register_provider(
        CCI, e, siren=OTHER_PROVIDER, name="Dataiku Conseil"
    ),
    "book a meeting": lambda m, e, c: m.book_meeting(CCI, e, company_id=c, provider_siren=PROVIDER),
    "cancel it": lambda m, e, c: m.cancel_event(CCI, e, reason="too late"),
}


@pytest.mark.parametrize("action", BEFORE_NOTHING_MORE)
def test_a_held_event_takes_no_more_registrations_meetings_or_cancellation(
    events: Events, company: UUID, action: str
) -> None:
    event_id = a_monthly_meetup(events)
    events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    events.hold_event(CCI, event_id, on=HELD_ON)

    with pytest.raises(InvalidTransition, match=f"HELD, not SCHEDULED; cannot {action}"):
        BEFORE_NOTHING_MORE[action](events, event_id, company)


def test_attendance_is_recorded_for_companies_and_providers_from_the_events_date(
    events: Events, company: UUID
) -> None:
    event_id = a_held_event_with(events, company)

    events.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    events.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=date(2025, 10, 15))

    event = events.get_event(CCI, event_id)
    assert event.attending_companies == {company: HELD_ON}
    assert event.attending_providers == {PROVIDER: date(2025, 10, 15)}


def test_attendance_cannot_be_recorded_before_the_event(events: Events, company: UUID) -> None:
    event_id = a_held_event_with(events, company)

    with pytest.raises(InvalidDate, match="2025-10-13"):
        events.record_attendance(CCI, event_id, company_id=company, on=date(2025, 10, 13))


def test_attendance_is_recorded_only_for_registered_participants(
    events: Events, company: UUID
) -> None:
    event_id = a_monthly_meetup(events)
    events.hold_event(CCI, event_id, on=HELD_ON)

    with pytest.raises(NotRegistered):
        events.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    with pytest.raises(NotRegistered):
        events.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=HELD_ON)


def test_attendance_is_recorded_once(events: Events, company: UUID) -> None:
    event_id = a_held_event_with(events, company)
    events.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    events.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=HELD_ON)

    with pytest.raises(AlreadyRegistered):
        events.record_attendance(CCI, event_id, company_id=company, on=HELD_ON)
    with pytest.raises(AlreadyRegistered):
        events.record_attendance(CCI, event_id, provider_siren=PROVIDER, on=HELD_ON)


def test_attendance_names_exactly_one_participant(events: Events, company: UUID) -> None:
    event_id = a_held_event_with(events, company)

    with pytest.raises(InvalidValue, match="exactly one"):
        events.record_attendance(CCI, event_id, on=HELD_ON)
    with pytest.raises(InvalidValue, match="exactly one"):
        events.record_attendance(
            CCI, event_id, company_id=company, provider_siren=PROVIDER, on=HELD_ON
        )


def test_an_event_is_cancelled_with_a_reason(events: Events) -> None:
    event_id = a_monthly_meetup(events)

    events.cancel_event(CCI, event_id, reason="room unavailable")

    event = events.get_event(CCI, event_id)
    assert event.status is EventStatus.CANCELLED
    assert event.cancellation_reason == "room unavailable"


AFTER_CANCELLATION: dict[str, Callable[[Events, UUID, UUID], None]] = {
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
    events: Events, companies: Companies, company: UUID, action: str
) -> None:
    event_id = a_monthly_meetup(events)
    events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    events.cancel_event(CCI, event_id, reason="room unavailable")

    with pytest.raises(InvalidTransition, match=f"is CANCELLED, not [A-Z]+; cannot {action}"):
        AFTER_CANCELLATION[action](events, event_id, company)


def test_another_tenants_event_is_not_found(events: Events, company: UUID) -> None:
    event_id = a_monthly_meetup(events)

    with pytest.raises(NotFound):
        events.get_event("bpifrance", event_id)
    with pytest.raises(NotFound):
        events.register_company("bpifrance", event_id, company_id=company)


def test_the_same_scheduling_sent_twice_with_one_key_schedules_once(events: Events) -> None:
    first = a_monthly_meetup(events, idempotency_key="schedule-rennes")
    position = log_position(events)

    second = a_monthly_meetup(events, idempotency_key="schedule-rennes")

    assert second == first
    assert log_position(events) == position


def test_the_same_registration_sent_twice_with_one_key_registers_once(
    events: Events, company: UUID
) -> None:
    event_id = a_monthly_meetup(events)
    events.register_company(CCI, event_id, company_id=company, idempotency_key="r-1")
    position = log_position(events)

    events.register_company(CCI, event_id, company_id=company, idempotency_key="r-1")

    assert log_position(events) == position
    assert events.get_event(CCI, event_id).companies == [company]


def test_a_registration_refused_for_capacity_appends_nothing(events: Events, company: UUID) -> None:
    event_id = a_monthly_meetup(events, capacity=1)
    events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    position = log_position(events)

    with pytest.raises(CapacityReached):
        events.register_company(CCI, event_id, company_id=company, idempotency_key="r-2")

    assert log_position(events) == position


def test_an_event_replayed_from_the_store_is_the_event_that_was_saved(
    events: Events, company: UUID
) -> None:
    event = Event.schedule(CCI, "Rencontres IA", EventKind.MONTHLY_MEETUP, "53", HELD_ON, 10)
    event.register_company(company, by=CCI)
    event.register_company(uuid4(), by=BPIFRANCE)
    event.register_provider(PROVIDER, "Mistral Conseil")
    event.book_meeting(company, PROVIDER)
    event.hold(HELD_ON)
    event.record_company_attendance(company, HELD_ON)
    event.record_provider_attendance(PROVIDER, HELD_ON)
    events.save(event)

    replayed = events.get_event(CCI, event.id)

    assert vars(replayed) == vars(event)


def an_open_event(events: Events) -> UUID:
    return events.schedule_event(
        CCI,
        title="Rencontres",
        kind="MONTHLY_MEETUP",
        region="53",
        on=HELD_ON,
        capacity=9,
        open=True,
    )


@pytest.mark.parametrize("open_event", [a_national_day, an_open_event])
def test_any_network_registers_its_own_companies_to_an_open_event(
    events: Events, companies: Companies, open_event: Callable[[Events], UUID]
) -> None:
    event_id = open_event(events)
    organiser = events.find(event_id, Event)
    assert organiser is not None
    ours = a_company(companies, "542107651", tenant=BPIFRANCE)

    events.register_company(BPIFRANCE, event_id, company_id=ours)

    event = events.get_event(organiser.tenant, event_id)
    assert event.companies == [ours]
    assert event.registrants == {ours: BPIFRANCE}


def test_the_organisers_own_registrations_are_its_own(events: Events, company: UUID) -> None:
    event_id = an_event_with(events, company)

    assert events.get_event(CCI, event_id).registrants == {company: CCI}


def test_an_open_event_takes_no_company_the_registering_network_does_not_see(
    events: Events, companies: Companies
) -> None:
    event_id = a_national_day(events)
    cci_company = a_company(companies, "542107651", tenant=CCI)
    before = log_position(events)

    with pytest.raises(NotFound, match=f"no company with id {cci_company}"):
        events.register_company(BPIFRANCE, event_id, company_id=cci_company)

    assert log_position(events) == before


def test_an_open_event_is_still_the_organisers_for_everything_but_registering_companies(
    events: Events, company: UUID
) -> None:
    event_id = a_national_day(events)

    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        events.register_provider(CCI, event_id, siren=PROVIDER, name="Mistral Conseil")
    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        events.hold_event(CCI, event_id, on=HELD_ON)
    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        events.cancel_event(CCI, event_id, reason="not ours")


def test_a_closed_event_of_another_network_is_not_found_for_registrations(
    events: Events, companies: Companies
) -> None:
    event_id = a_monthly_meetup(events)
    ours = a_company(companies, "542107651", tenant=BPIFRANCE)
    before = log_position(events)

    with pytest.raises(NotFound, match=f"no event with id {event_id}"):
        events.register_company(BPIFRANCE, event_id, company_id=ours)

    assert log_position(events) == before


def as_version_one_wrote_it(events: Events, event_id: UUID, name: str, field: str) -> Any:
    """The stored event named ``name`` of the event, without ``field``, read back."""
    (stored,) = [
        s
        for s in events.recorder.select_events(event_id)
        if s.topic == get_topic(getattr(Event, name))
    ]
    state = json.loads(stored.state)
    del state[field], state["class_version"]
    return events.mapper.to_domain_event(replace(stored, state=json.dumps(state).encode()))


@pytest.mark.parametrize(
    ("schedule", "opened"), [(a_national_day, True), (a_monthly_meetup, False)]
)
def test_an_event_scheduled_before_events_could_be_open_is_open_if_it_is_the_national_day(
    events: Events, schedule: Callable[[Events], UUID], opened: bool
) -> None:
    event_id = schedule(events)

    scheduled = as_version_one_wrote_it(events, event_id, "Scheduled", "open")

    assert isinstance(scheduled, Event.Scheduled)
    assert scheduled.open is opened


def test_a_registration_stored_before_registrants_were_kept_is_the_organisers(
    events: Events, company: UUID
) -> None:
    event_id = an_event_with(events, company)

    registered = as_version_one_wrote_it(events, event_id, "CompanyRegistered", "by")

    assert isinstance(registered, Event.CompanyRegistered)
    assert (registered.company_id, registered.by) == (company, None)


def test_a_regional_network_registers_to_open_events_of_its_region_and_national_ones_only(
    events: Events, companies: Companies
) -> None:
    in_53 = an_open_event(events)
    in_84 = events.schedule_event(
        CCI, title="Lyon", kind="MONTHLY_MEETUP", region="84", on=HELD_ON, capacity=9, open=True
    )
    national = a_national_day(events)
    ours = a_company(companies, "542107651", tenant=BPIFRANCE)
    before = log_position(events)

    with pytest.raises(NotFound, match=f"no event with id {in_84}"):
        events.register_company(BPIFRANCE, in_84, company_id=ours, home_region="53")
    assert log_position(events) == before

    events.register_company(BPIFRANCE, in_53, company_id=ours, home_region="53")
    events.register_company(BPIFRANCE, national, company_id=ours, home_region="84")
    assert events.get_event(OPERATOR, national).registrants == {ours: BPIFRANCE}
