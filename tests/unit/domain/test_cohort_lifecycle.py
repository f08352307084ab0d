"""Any sequence of admissions and steps, valid or not, keeps a cohort within its rules.

A hypothesis state machine admits companies to a small cohort and moves them along, from the
pilot or another network, with dates inside and outside the cohort and going backward; it
predicts from a plain model whether each command should pass or which error it should raise,
and checks after every step: never more admissions than the capacity, each company admitted
once within the cohort's dates, an admission only moves from active to graduated or exited,
a company's dates never go backward, a refused command appends nothing, and a replay of the
stored events gives back the cohort saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from osezia.domain.acceleration.application import Acceleration
from osezia.domain.acceleration.model import AdmissionStatus, Cohort, months_after
from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    AlreadyExists,
    CapacityReached,
    DomainError,
    InvalidDate,
    InvalidTransition,
    NotFound,
    NotRegistered,
)
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY
from tests.unit.domain.attempts import Attempts
from tests.unit.domain.saved import KeepsSaved

# The rules under test are not today's date: let every generated date have happened.
LATER = date(2030, 12, 31)

PILOT = "bpifrance"
A = AdmissionStatus
CAPACITY = 2
STARTS, ENDS = date(2026, 3, 1), date(2026, 9, 1)  # a six-month cohort
SIRENS = ("542107651", "356000000", "552100018")  # La French Tech's, followed by the pilot
UNSEEN_SIREN = "552100026"  # La French Tech's only: the pilot neither follows it nor was referred

COMPANIES = st.integers(0, len(SIRENS) - 1)
TENANTS = st.sampled_from((PILOT, "cci"))
ADMISSION_DAYS = st.sampled_from(
    (STARTS, STARTS + timedelta(days=40), ENDS, STARTS - timedelta(days=1), ENDS + timedelta(1))
)
SHIFTS = st.sampled_from((0, 5, -1, 60, 200))  # 200 days: past the six months


@dataclass
class Expected:
    status: AdmissionStatus = A.ACTIVE
    dates: list[date] = field(default_factory=list)
    milestones: int = 0


class ObservedAcceleration(KeepsSaved, Acceleration):
    """Keeps each cohort as it was last saved, to compare it with its replay."""


def register(companies: Companies, siren: str, *followers: str) -> UUID:
    """A start-up registered by each of ``followers`` in turn, with the same facts."""
    for tenant in followers:
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


class CohortLifecycle(Attempts):
    def __init__(self) -> None:
        super().__init__()
        companies = Companies(env=MEMORY, networks=NETWORKS, today=lambda: LATER)
        self.acceleration = ObservedAcceleration(env=MEMORY, share_with=companies)
        self.company_ids = [register(companies, siren, "french-tech", PILOT) for siren in SIRENS]
        self.unseen = register(companies, UNSEEN_SIREN, "french-tech")
        self.cohort_id = UUID(int=0)
        self.expected: dict[UUID, Expected] = {}
        self.last_statuses: dict[UUID, AdmissionStatus] = {}

    @initialize()
    def open(self) -> None:
        self.cohort_id = self.acceleration.open_cohort(
            PILOT, name="Cohorte test", starts_on=STARTS, capacity=CAPACITY, months=6
        )

    def attempt(
        self, tenant: str, expected: type[DomainError] | None, command: Callable[[], None]
    ) -> bool:
        if tenant != PILOT:
            expected = NotFound  # the cohort is the pilot's: another network cannot see it
        return self.run_expecting(expected, command)

    def snapshot(self) -> int:
        """The log's position: a refused command appends nothing to it."""
        return self.acceleration.recorder.max_notification_id() or 0

    @rule(which=COMPANIES, on=ADMISSION_DAYS, tenant=TENANTS, unseen=st.booleans())
    def admit(self, which: int, on: date, tenant: str, unseen: bool) -> None:
        company = self.unseen if unseen else self.company_ids[which]
        expected: type[DomainError] | None = None
        if unseen:
            expected = NotFound  # answered as an unknown company, before any cohort rule
        elif company in self.expected:
            expected = AlreadyExists
        elif len(self.expected) >= CAPACITY:
            expected = CapacityReached
        elif not STARTS <= on <= ENDS:
            expected = InvalidDate

        def command() -> None:
            self.acceleration.admit_to_cohort(tenant, self.cohort_id, company_id=company, on=on)

        if self.attempt(tenant, expected, command):
            self.expected[company] = Expected(dates=[on])

    def step(
        self,
        which: int,
        shift: int,
        tenant: str,
        run: Callable[[UUID, date], None],
        *,
        graduation: bool = False,
    ) -> tuple[UUID, date] | None:
        company = self.company_ids[which]
        admission = self.expected.get(company)
        on = (admission.dates[-1] if admission else STARTS) + timedelta(days=shift)
        expected: type[DomainError] | None = None
        if admission is None:
            expected = NotRegistered
        elif admission.status is not A.ACTIVE:
            expected = InvalidTransition
        elif on < admission.dates[-1]:
            expected = InvalidDate
        elif graduation and on < months_after(admission.dates[0], 6):
            expected = InvalidDate  # before the programme's length: an exit, not a graduation
        if self.attempt(tenant, expected, lambda: run(company, on)):
            self.expected[company].dates.append(on)
            return company, on
        return None

    @rule(which=COMPANIES, shift=SHIFTS, tenant=TENANTS)
    def milestone(self, which: int, shift: int, tenant: str) -> None:
        def run(company: UUID, on: date) -> None:
            self.acceleration.record_milestone(
                tenant, self.cohort_id, company_id=company, milestone="Pilot live", on=on
            )

        done = self.step(which, shift, tenant, run)
        if done:
            self.expected[done[0]].milestones += 1

    @rule(which=COMPANIES, shift=SHIFTS, tenant=TENANTS)
    def graduate(self, which: int, shift: int, tenant: str) -> None:
        def run(company: UUID, on: date) -> None:
            self.acceleration.graduate_from_cohort(
                tenant, self.cohort_id, company_id=company, on=on
            )

        done = self.step(which, shift, tenant, run, graduation=True)
        if done:
            self.expected[done[0]].status = A.GRADUATED

    @rule(which=COMPANIES, shift=SHIFTS, tenant=TENANTS)
    def exit(self, which: int, shift: int, tenant: str) -> None:
        def run(company: UUID, on: date) -> None:
            self.acceleration.exit_cohort(
                tenant, self.cohort_id, company_id=company, on=on, reason="acquired"
            )

        done = self.step(which, shift, tenant, run)
        if done:
            self.expected[done[0]].status = A.EXITED

    def cohort(self) -> Cohort:
        return self.acceleration.get_cohort(PILOT, self.cohort_id)

    @invariant()
    def the_cohort_never_holds_more_than_its_capacity(self) -> None:
        assert len(self.cohort().admissions) <= CAPACITY

    @invariant()
    def the_admissions_are_what_the_rules_let_through(self) -> None:
        admissions = self.cohort().admissions
        assert set(admissions) == set(self.expected)
        for company, expected in self.expected.items():
            admission = admissions[company]
            assert admission.status is expected.status
            assert admission.admitted_on == expected.dates[0]
            assert len(admission.milestones) == expected.milestones

    @invariant()
    def an_admission_only_moves_from_active_to_an_end(self) -> None:
        for company, admission in self.cohort().admissions.items():
            before = self.last_statuses.get(company, A.ACTIVE)
            assert admission.status is before or before is A.ACTIVE
            self.last_statuses[company] = admission.status

    @invariant()
    def admissions_fall_within_the_cohort_and_dates_never_go_backward(self) -> None:
        for admission in self.cohort().admissions.values():
            assert STARTS <= admission.admitted_on <= ENDS
            end = admission.graduated_on or admission.exited_on
            dates = [admission.admitted_on, *(on for _, on in admission.milestones)]
            dates += [end] if end else []
            assert dates == sorted(dates)

    @invariant()
    def replaying_the_stored_events_gives_back_the_cohort_that_was_saved(self) -> None:
        assert vars(self.cohort()) == vars(self.acceleration.saved[self.cohort_id])


def test_a_cohort_keeps_to_its_rules_through_any_sequence_of_commands() -> None:
    run_state_machine_as_test(
        CohortLifecycle,
        settings=settings(max_examples=50, stateful_step_count=25, deadline=None),
    )
