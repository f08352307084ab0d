"""Facts that happened are dated no later than today in France and not before their measure
existed; planned dates may lie ahead. Every refusal is INVALID_DATE, names the bound, and
appends nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osezia.domain.calendar import GENAI_CALL_OPENING, PLAN_LAUNCH, check_happened
from osezia.domain.errors import InvalidDate
from osezia.domain.platform import Platform
from tests.unit.domain.platforms import a_company, a_platform

TODAY = date(2026, 6, 15)
TOMORROW = TODAY + timedelta(days=1)
BEFORE_THE_PLAN = PLAN_LAUNCH.on - timedelta(days=1)
K = 100_000  # one thousand euros, in cents


@pytest.fixture
def platform() -> Iterator[Platform]:
    platform = a_platform(TODAY)
    yield platform
    platform.close()


def appointment(p: Platform) -> Callable[[date], object]:
    return lambda on: p.ambassadors.appoint_ambassador(
        "cci",
        full_name="Claire Martin",
        kind="REGIONAL",
        network="CCI",
        region="53",
        appointed_on=on,
    )


def intervention(p: Platform) -> Callable[[date], object]:
    ambassador = appointment(p)(PLAN_LAUNCH.on)
    assert isinstance(ambassador, UUID)
    return lambda on: p.ambassadors.record_intervention(
        "cci", ambassador, on=on, audience=30, format="WORKSHOP"
    )


def loan_application(p: Platform) -> Callable[[date], object]:
    company = a_company(p, "cci")
    return lambda on: p.loans.apply_for_loan(
        "cci", company_id=company, amount_cents=300 * K, term_months=84, purpose="vision", on=on
    )


def guarantee(p: Platform) -> Callable[[date], object]:
    company = a_company(p, "cci")
    loan = p.loans.apply_for_loan(
        "cci",
        company_id=company,
        amount_cents=300 * K,
        term_months=84,
        purpose="vision",
        on=PLAN_LAUNCH.on,
    )
    return lambda on: p.loans.grant_guarantee("bpifrance", loan, on=on)


def admission(p: Platform) -> Callable[[date], object]:
    company = a_company(p, "bpifrance")
    cohort = p.acceleration.open_cohort(
        "bpifrance", name="Promotion 2026", starts_on=PLAN_LAUNCH.on
    )
    return lambda on: p.acceleration.admit_to_cohort("bpifrance", cohort, company_id=company, on=on)


def signature(p: Platform) -> Callable[[date], object]:
    company = a_company(p, "inria")
    partnership = p.partnerships.propose_partnership(
        "inria", research_team="Inria Rennes", topic="Cobotics", company_id=company
    )
    return lambda on: p.partnerships.sign_partnership("inria", partnership, on=on)


def enrolment(p: Platform) -> Callable[[date], object]:
    return lambda on: p.trainings.enrol_learner(
        "operator",
        learner_ref="L-0001",
        training_code="IA-101",
        training_title="Premiers pas",
        audience="EMPLOYEE",
        region="53",
        on=on,
    )


def diagnostics_commitment(p: Platform) -> Callable[[date], object]:
    p.budget.open_budget("operator")
    return lambda on: p.budget.commit_funds(
        "bpifrance", measure="DIAGNOSTICS", amount_cents=K, reference="D-1", on=on
    )


def a_held_event(p: Platform) -> Callable[[date], object]:
    event = p.events.schedule_event(
        "cci",
        title="Rencontre IA",
        kind="MONTHLY_MEETUP",
        region="53",
        on=PLAN_LAUNCH.on,
        capacity=50,
    )
    return lambda on: p.events.hold_event("cci", event, on=on)


FACTS = {
    "an appointment": appointment,
    "an intervention": intervention,
    "a loan application": loan_application,
    "a guarantee": guarantee,
    "an admission": admission,
    "a signature": signature,
    "an enrolment": enrolment,
    "a commitment": diagnostics_commitment,
    "a held event": a_held_event,
}


def log_position(p: Platform) -> int:
    return p.companies.recorder.max_notification_id() or 0


@pytest.mark.parametrize("what", FACTS)
def test_a_fact_dated_tomorrow_is_refused_naming_today(platform: Platform, what: str) -> None:
    command = FACTS[what](platform)
    before = log_position(platform)

    with pytest.raises(InvalidDate, match=f"{what} dated {TOMORROW} is in the future") as refused:
        command(TOMORROW)

    assert str(TODAY) in str(refused.value)
    assert refused.value.code == "INVALID_DATE"
    assert log_position(platform) == before


@pytest.mark.parametrize("what", FACTS)
def test_a_fact_dated_before_the_plan_is_refused_naming_its_launch(
    platform: Platform, what: str
) -> None:
    command = FACTS[what](platform)
    before = log_position(platform)

    with pytest.raises(InvalidDate, match=f"is before {PLAN_LAUNCH.on}, when the plan"):
        command(BEFORE_THE_PLAN)

    assert log_position(platform) == before


@pytest.mark.parametrize("what", FACTS)
def test_a_fact_dated_today_or_on_the_launch_day_is_taken(platform: Platform, what: str) -> None:
    command = FACTS[what](platform)
    before = log_position(platform)

    command(TODAY)

    assert log_position(platform) > before


def test_a_planned_date_may_lie_ahead(platform: Platform) -> None:
    cohort = platform.acceleration.open_cohort(
        "bpifrance", name="Promotion 2027", starts_on=date(2027, 1, 15)
    )
    event = platform.events.schedule_event(
        "cci",
        title="Rencontre IA",
        kind="MONTHLY_MEETUP",
        on=date(2027, 3, 2),
        capacity=50,
        region="53",
    )

    assert platform.acceleration.get_cohort("bpifrance", cohort).starts_on == date(2027, 1, 15)
    assert platform.events.get_event("cci", event).on == date(2027, 3, 2)


def test_calls_money_may_move_since_the_oldest_call_opened(platform: Platform) -> None:
    platform.budget.open_budget("operator")

    platform.budget.commit_funds(
        "bpifrance", measure="CALLS", amount_cents=K, reference="AAP-1", on=GENAI_CALL_OPENING.on
    )
    with pytest.raises(InvalidDate, match=f"before {GENAI_CALL_OPENING.on}"):
        platform.budget.commit_funds(
            "bpifrance",
            measure="CALLS",
            amount_cents=K,
            reference="AAP-2",
            on=GENAI_CALL_OPENING.on - timedelta(days=1),
        )


def test_an_award_is_not_dated_before_its_application(platform: Platform) -> None:
    company = a_company(platform, "cci")
    call = platform.calls.open_call(
        "operator", code="PIONNIERS_IA", opens_on=date(2025, 9, 18), closes_on=date(2026, 12, 31)
    )
    application = platform.calls.submit_application(
        "cci", call_id=call, company_id=company, project_title="Cobotique"
    )
    platform.calls.select_application("inria", application)

    with pytest.raises(InvalidDate, match=f"before {TODAY}, when the application to call"):
        platform.calls.award_phase(
            "inria",
            application,
            phase=1,
            amount_cents=150 * K,
            months=9,
            on=TODAY - timedelta(days=1),
        )


def test_a_companys_own_progress_may_predate_the_plan_but_not_today(platform: Platform) -> None:
    company = a_company(platform, "cci")

    platform.companies.advance_adoption("cci", company, stage="AWARE", on=date(2024, 3, 1))
    with pytest.raises(InvalidDate, match="in the future"):
        platform.companies.advance_adoption("cci", company, stage="EXPLORING", on=TOMORROW)


@given(
    today=st.dates(date(2025, 7, 1), date(2035, 12, 31)),
    offset=st.integers(-4000, 4000),
)
def test_a_date_is_taken_exactly_between_the_bound_and_today(today: date, offset: int) -> None:
    on = today + timedelta(days=offset)
    if PLAN_LAUNCH.on <= on <= today:
        check_happened(on, "a fact", today=today, since=PLAN_LAUNCH)
        return
    bound = today if on > today else PLAN_LAUNCH.on
    with pytest.raises(InvalidDate, match=str(bound)):
        check_happened(on, "a fact", today=today, since=PLAN_LAUNCH)
