"""The acceleration programme: Bpifrance opens cohorts, admits companies, follows them out."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from osezia.domain.acceleration.application import Acceleration
from osezia.domain.acceleration.model import AccelerationRules, AdmissionStatus, months_after
from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    AlreadyExists,
    CapacityReached,
    Forbidden,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotEligible,
    NotFound,
    NotRegistered,
)
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY

BPIFRANCE = "bpifrance"
STARTS = date(2026, 1, 15)
ADMITTED = date(2026, 1, 20)
GRADUATES = date(2027, 7, 20)  # the programme's 18 months after the admission
LATER = date(2030, 12, 31)  # "today", for the graduations to have happened
SIRENS = ("542107651", "356000000", "552100018", "552100026")


@pytest.fixture
def companies() -> Companies:
    return Companies(env=MEMORY, networks=NETWORKS, today=lambda: LATER)


@pytest.fixture
def acceleration(companies: Companies) -> Acceleration:
    return Acceleration(env=MEMORY, share_with=companies)


def a_company(companies: Companies, siren: str = SIRENS[0]) -> UUID:
    """A start-up La French Tech registered, which Bpifrance follows too before admitting it."""
    for tenant in ("french-tech", BPIFRANCE):
        company_id = companies.register_company(
            tenant,
            siren=siren,
            legal_name=f"Start-up {siren}",
            region="84",
            departement="69",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(40)),
        )
    return company_id


@pytest.fixture
def company(companies: Companies) -> UUID:
    return a_company(companies)


def a_cohort(
    acceleration: Acceleration, capacity: int | None = None, months: int | None = None
) -> UUID:
    return acceleration.open_cohort(
        BPIFRANCE,
        name="  Promotion  IA 2026 ",
        starts_on=STARTS,
        capacity=capacity,
        months=months,
    )


def an_admission(acceleration: Acceleration, company: UUID) -> UUID:
    cohort_id = a_cohort(acceleration)
    acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=company, on=ADMITTED)
    return cohort_id


def test_a_cohort_opens_with_the_programmes_capacity_and_length(
    acceleration: Acceleration,
) -> None:
    cohort = acceleration.get_cohort(BPIFRANCE, a_cohort(acceleration))

    assert cohort.name == "Promotion IA 2026"
    assert (cohort.capacity, cohort.months) == (100, 18)
    assert (cohort.starts_on, cohort.ends_on) == (STARTS, date(2027, 7, 15))


def test_the_length_is_configuration(companies: Companies) -> None:
    acceleration = Acceleration(
        env=MEMORY, share_with=companies, rules=AccelerationRules(capacity=30, months=12)
    )

    cohort = acceleration.get_cohort(BPIFRANCE, a_cohort(acceleration))

    assert (cohort.capacity, cohort.months, cohort.ends_on) == (30, 12, date(2027, 1, 15))


def test_a_cohort_ends_on_the_last_day_of_a_shorter_month() -> None:
    assert months_after(date(2026, 8, 31), 18) == date(2028, 2, 29)


@pytest.mark.parametrize(("capacity", "months"), [(0, None), (None, 0), (-3, 12)])
def test_a_cohort_has_room_and_a_length(
    acceleration: Acceleration, capacity: int | None, months: int | None
) -> None:
    with pytest.raises(InvalidValue):
        a_cohort(acceleration, capacity=capacity, months=months)


def test_only_the_programmes_pilot_opens_a_cohort(acceleration: Acceleration) -> None:
    with pytest.raises(Forbidden):
        acceleration.open_cohort("cci", name="Cohorte", starts_on=STARTS)


def test_an_admission_keeps_the_company_as_it_was(
    acceleration: Acceleration, company: UUID
) -> None:
    cohort_id = an_admission(acceleration, company)

    admission = acceleration.get_cohort(BPIFRANCE, cohort_id).admissions[company]
    assert (admission.company_siren, admission.region, admission.segment) == (
        SIRENS[0],
        "84",
        "PME_ETI",
    )
    assert (admission.status, admission.admitted_on) == (AdmissionStatus.ACTIVE, ADMITTED)


def test_an_admission_needs_a_company_known_to_the_registry(acceleration: Acceleration) -> None:
    cohort_id = a_cohort(acceleration)

    with pytest.raises(NotFound):
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=uuid4(), on=ADMITTED)


def test_an_admission_needs_a_company_the_pilot_follows_or_was_referred(
    acceleration: Acceleration, companies: Companies
) -> None:
    unseen = companies.register_company(
        "french-tech",
        siren=SIRENS[1],
        legal_name="Start-up suivie par La French Tech seule",
        region="84",
        departement="69",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(40)),
    )
    cohort_id = a_cohort(acceleration)
    before = acceleration.recorder.max_notification_id()

    with pytest.raises(NotFound, match=f"no company with id {unseen}"):
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=unseen, on=ADMITTED)

    assert acceleration.recorder.max_notification_id() == before
    assert acceleration.get_cohort(BPIFRANCE, cohort_id).admissions == {}


def test_a_company_is_admitted_once_per_cohort(acceleration: Acceleration, company: UUID) -> None:
    cohort_id = an_admission(acceleration, company)

    with pytest.raises(AlreadyExists):
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=company, on=ADMITTED)


def test_a_company_may_join_another_cohort(acceleration: Acceleration, company: UUID) -> None:
    an_admission(acceleration, company)

    an_admission(acceleration, company)


def test_a_full_cohort_admits_no_one_more(acceleration: Acceleration, companies: Companies) -> None:
    first, second, third = (a_company(companies, siren) for siren in SIRENS[:3])
    cohort_id = a_cohort(acceleration, capacity=2)
    acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=first, on=ADMITTED)
    acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=second, on=ADMITTED)

    with pytest.raises(CapacityReached):
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=third, on=ADMITTED)


def test_a_company_that_exits_does_not_free_its_seat(
    acceleration: Acceleration, companies: Companies
) -> None:
    first, second = (a_company(companies, siren) for siren in SIRENS[:2])
    cohort_id = a_cohort(acceleration, capacity=1)
    acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=first, on=ADMITTED)
    acceleration.exit_cohort(BPIFRANCE, cohort_id, company_id=first, on=ADMITTED, reason="sold")

    with pytest.raises(CapacityReached):
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=second, on=ADMITTED)


@pytest.mark.parametrize(
    ("on", "allowed"),
    [
        (date(2026, 1, 14), False),
        (STARTS, True),
        (date(2026, 7, 15), True),
        (date(2026, 7, 16), False),
    ],
)
def test_an_admission_falls_between_the_cohorts_start_and_end(
    acceleration: Acceleration, company: UUID, on: date, allowed: bool
) -> None:
    cohort_id = a_cohort(acceleration, months=6)

    if allowed:
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=company, on=on)
    else:
        with pytest.raises(InvalidDate, match="outside the cohort"):
            acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=company, on=on)


def test_milestones_are_kept_in_order(acceleration: Acceleration, company: UUID) -> None:
    cohort_id = an_admission(acceleration, company)

    acceleration.record_milestone(
        BPIFRANCE, cohort_id, company_id=company, milestone=" First  pilot ", on=date(2026, 3, 1)
    )
    acceleration.record_milestone(
        BPIFRANCE, cohort_id, company_id=company, milestone="In production", on=date(2026, 6, 1)
    )

    admission = acceleration.get_cohort(BPIFRANCE, cohort_id).admissions[company]
    assert admission.milestones == [
        ("First pilot", date(2026, 3, 1)),
        ("In production", date(2026, 6, 1)),
    ]


def test_a_step_is_not_dated_before_the_companys_last_one(
    acceleration: Acceleration, company: UUID
) -> None:
    cohort_id = an_admission(acceleration, company)
    acceleration.record_milestone(
        BPIFRANCE, cohort_id, company_id=company, milestone="Pilot", on=date(2026, 3, 1)
    )

    with pytest.raises(InvalidDate):
        acceleration.graduate_from_cohort(
            BPIFRANCE, cohort_id, company_id=company, on=date(2026, 2, 28)
        )


def test_a_company_graduates(acceleration: Acceleration, company: UUID) -> None:
    cohort_id = an_admission(acceleration, company)

    acceleration.graduate_from_cohort(BPIFRANCE, cohort_id, company_id=company, on=GRADUATES)

    cohort = acceleration.get_cohort(BPIFRANCE, cohort_id)
    assert cohort.admissions[company].status is AdmissionStatus.GRADUATED
    assert cohort.admissions[company].graduated_on == GRADUATES
    assert cohort.active_count == 0


def test_a_company_exits_with_a_reason(acceleration: Acceleration, company: UUID) -> None:
    cohort_id = an_admission(acceleration, company)

    acceleration.exit_cohort(BPIFRANCE, cohort_id, company_id=company, on=ADMITTED, reason="sold")

    admission = acceleration.get_cohort(BPIFRANCE, cohort_id).admissions[company]
    assert (admission.status, admission.exit_reason) == (AdmissionStatus.EXITED, "sold")


def test_an_exit_needs_a_reason(acceleration: Acceleration, company: UUID) -> None:
    cohort_id = an_admission(acceleration, company)

    with pytest.raises(InvalidValue, match="exit reason"):
        acceleration.exit_cohort(BPIFRANCE, cohort_id, company_id=company, on=ADMITTED, reason="")


@pytest.mark.parametrize("step", ["milestone", "graduate", "exit"])
def test_a_company_never_admitted_takes_no_step(
    acceleration: Acceleration, companies: Companies, step: str
) -> None:
    admitted, stranger = (a_company(companies, siren) for siren in SIRENS[:2])
    cohort_id = an_admission(acceleration, admitted)

    with pytest.raises(NotRegistered):
        take_a_step(acceleration, cohort_id, stranger, step)


@pytest.mark.parametrize("step", ["milestone", "graduate", "exit"])
@pytest.mark.parametrize("ended", ["graduate", "exit"])
def test_a_company_that_left_takes_no_further_step(
    acceleration: Acceleration, company: UUID, step: str, ended: str
) -> None:
    cohort_id = an_admission(acceleration, company)
    take_a_step(acceleration, cohort_id, company, ended)

    with pytest.raises(InvalidTransition, match="only while ACTIVE"):
        take_a_step(acceleration, cohort_id, company, step)


def take_a_step(acceleration: Acceleration, cohort_id: UUID, company: UUID, step: str) -> None:
    if step == "milestone":
        acceleration.record_milestone(
            BPIFRANCE, cohort_id, company_id=company, milestone="Pilot", on=ADMITTED
        )
    elif step == "graduate":
        acceleration.graduate_from_cohort(BPIFRANCE, cohort_id, company_id=company, on=GRADUATES)
    else:
        acceleration.exit_cohort(BPIFRANCE, cohort_id, company_id=company, on=ADMITTED, reason="r")


def test_another_network_finds_no_cohort(acceleration: Acceleration, company: UUID) -> None:
    cohort_id = a_cohort(acceleration)

    with pytest.raises(NotFound):
        acceleration.admit_to_cohort("cci", cohort_id, company_id=company, on=ADMITTED)


def test_a_company_graduates_only_once_the_programmes_length_is_over(
    acceleration: Acceleration, company: UUID
) -> None:
    cohort_id = an_admission(acceleration, company)
    before = acceleration.recorder.max_notification_id()

    with pytest.raises(InvalidDate, match=f"18 months are over \\({GRADUATES}\\).*exits"):
        acceleration.graduate_from_cohort(
            BPIFRANCE, cohort_id, company_id=company, on=date(2027, 7, 19)
        )
    assert acceleration.recorder.max_notification_id() == before
    acceleration.exit_cohort(
        BPIFRANCE, cohort_id, company_id=company, on=date(2027, 7, 19), reason="acquired"
    )


def a_large_company(companies: Companies) -> UUID:
    for tenant in ("french-tech", BPIFRANCE):
        company_id = companies.register_company(
            tenant,
            siren=SIRENS[3],
            legal_name="Grand Groupe",
            region="11",
            departement="75",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(6000)),
        )
    return company_id


def test_a_large_company_is_not_admitted(acceleration: Acceleration, companies: Companies) -> None:
    cohort_id = a_cohort(acceleration)
    large = a_large_company(companies)

    with pytest.raises(NotEligible, match=r"a GE is not eligible .* \(only PME, ETI\)"):
        acceleration.admit_to_cohort(BPIFRANCE, cohort_id, company_id=large, on=ADMITTED)


def test_the_eligible_categories_are_configuration(companies: Companies) -> None:
    wider = Acceleration(
        env=MEMORY,
        share_with=companies,
        rules=AccelerationRules(eligible_categories=frozenset({"PME", "ETI", "GE"})),
    )
    cohort_id = a_cohort(wider)
    large = a_large_company(companies)

    wider.admit_to_cohort(BPIFRANCE, cohort_id, company_id=large, on=ADMITTED)

    assert large in wider.get_cohort(BPIFRANCE, cohort_id).admissions
    with pytest.raises(InvalidValue, match="size categories"):
        AccelerationRules(eligible_categories=frozenset({"SME"}))
