"""Any sequence of selections, awards and gate evaluations keeps Pionniers de l'IA's phases gated.

A hypothesis state machine sends commands with arbitrary phases, amounts, durations and networks
through the application, predicts from a plain model whether each should pass or which error it
should raise, and checks after every step: the awarded phases are 1..n with no gap, each within
its range and awarded by its contractor, phase n > 1 only after gate n − 1 was passed, a refused
command appends nothing, and a replay of the stored events gives back the application saved.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from osezia.domain.calls.application import Calls
from osezia.domain.calls.submissions import CallApplication
from osezia.domain.calls.templates import PIONNIERS_IA
from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    AmountOutOfRange,
    DomainError,
    GateNotPassed,
    InvalidTransition,
    InvalidValue,
    NotContractor,
    NotFound,
)
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY
from tests.unit.domain.attempts import Keyed, KeyedAttempts
from tests.unit.domain.saved import KeepsSaved

K = 100_000  # one thousand euros, in cents
ON = date(2025, 11, 3)
OWNER = "cci"

# The phases, written out here rather than imported, so that the test does not trust the code:
# phase → (contractor, cents range, months range).
PHASES: dict[int, tuple[str, range, range]] = {
    1: ("inria", range(100 * K, 200 * K + 1), range(6, 13)),
    2: ("bpifrance", range(400 * K, 800 * K + 1), range(6, 19)),
    3: ("bpifrance", range(3000 * K, 8000 * K + 1), range(12, 37)),
}
SEERS = {OWNER, "inria", "bpifrance"}

# Hypothesis favours the first items: amounts and durations that fit, then the edges on both
# sides, then anything.
AMOUNTS = st.sampled_from(
    (150 * K, 500 * K, 5000 * K, 100 * K, 200 * K + 1, 800 * K, 3000 * K - 1, 8000 * K, 0)
) | st.integers(-(10**10), 10**10)
MONTHS = st.sampled_from((9, 12, 24, 6, 5, 18, 19, 36, 37)) | st.integers(-3, 60)
PHASE_NUMBERS = st.sampled_from((1, 2, 3, 4, 0))
TENANTS = st.sampled_from(("inria", "bpifrance", OWNER, "french-tech"))


class ObservedCalls(KeepsSaved, Calls):
    """Keeps each application as it was last saved, to compare it with its replay."""


class PhaseGates(KeyedAttempts):
    def __init__(self) -> None:
        super().__init__()
        companies = Companies(env=MEMORY, networks=NETWORKS)
        self.calls = ObservedCalls(env=MEMORY, share_with=companies, today=lambda: ON)
        self.company_id = companies.register_company(
            OWNER,
            siren="542107651",
            legal_name="Robotique de l'Ouest",
            region="52",
            departement="44",
            naf="28.99B",
            size=SizeFacts(headcount_uta=Decimal(120)),
        )
        self.application_id = UUID(int=0)
        # What the application should be, according to the rules.
        self.decision: bool | None = None  # None: undecided; True: selected; False: rejected
        self.awards: dict[int, tuple[int, int]] = {}
        self.gates: dict[int, bool] = {}

    # Starting selected lets even the shortest examples reach the phases.
    @initialize(select_first=st.sampled_from((True, False)))
    def submit(self, select_first: bool) -> None:
        call_id = self.calls.open_call("operator", code=PIONNIERS_IA, opens_on=ON, closes_on=ON)
        self.application_id = self.calls.submit_application(
            OWNER, call_id=call_id, company_id=self.company_id, project_title="Cobotique"
        )
        if select_first:
            self.select(tenant="inria", keyed=False)

    def attempt(
        self, tenant: str, expected: type[DomainError] | None, command: Keyed, keyed: bool
    ) -> bool:
        """Run the command; it must pass, or raise ``expected`` and append nothing. A network
        that neither filed the application nor contracts its call is told it does not exist."""
        if tenant not in SEERS:
            expected = NotFound
        return self.run_keyed_expecting(expected, command, keyed)

    def snapshot(self) -> tuple[int, list[StoredEvent]]:
        """The log's position and the application's stored events: a refused command, or a
        resent one, changes neither."""
        recorder = self.calls.recorder
        events = list(recorder.select_events(self.application_id))
        return recorder.max_notification_id() or 0, events

    @rule(tenant=TENANTS, keyed=st.booleans())
    def select(self, tenant: str, keyed: bool) -> None:
        def command(key: str | None) -> None:
            self.calls.select_application(tenant, self.application_id, idempotency_key=key)

        if self.attempt(tenant, self.expected_decision(tenant), command, keyed):
            self.decision = True

    @rule(tenant=TENANTS, keyed=st.booleans())
    def reject(self, tenant: str, keyed: bool) -> None:
        def command(key: str | None) -> None:
            self.calls.reject_application(
                tenant, self.application_id, reason="hors périmètre", idempotency_key=key
            )

        if self.attempt(tenant, self.expected_decision(tenant), command, keyed):
            self.decision = False

    def expected_decision(self, tenant: str) -> type[DomainError] | None:
        if tenant not in {"inria", "bpifrance"}:
            return NotContractor
        if self.decision is not None:
            return InvalidTransition
        return None

    @rule(phase=PHASE_NUMBERS, amount=AMOUNTS, months=MONTHS, tenant=TENANTS, keyed=st.booleans())
    def award(self, phase: int, amount: int, months: int, tenant: str, keyed: bool) -> None:
        def command(key: str | None) -> None:
            self.calls.award_phase(
                tenant,
                self.application_id,
                phase=phase,
                amount_cents=amount,
                months=months,
                on=ON,
                idempotency_key=key,
            )

        expected: type[DomainError] | None = None
        if phase not in PHASES:
            expected = InvalidValue
        elif tenant != PHASES[phase][0]:
            expected = NotContractor
        elif phase in self.awards:
            expected = InvalidTransition
        elif (phase == 1 and self.decision is not True) or (
            phase > 1 and self.gates.get(phase - 1) is not True
        ):
            expected = GateNotPassed
        elif amount not in PHASES[phase][1] or months not in PHASES[phase][2]:
            expected = AmountOutOfRange
        if self.attempt(tenant, expected, command, keyed):
            self.awards[phase] = (amount, months)

    @rule(phase=PHASE_NUMBERS, passed=st.booleans(), tenant=TENANTS, keyed=st.booleans())
    def evaluate(self, phase: int, passed: bool, tenant: str, keyed: bool) -> None:
        def command(key: str | None) -> None:
            self.calls.evaluate_gate(
                tenant,
                self.application_id,
                phase=phase,
                passed=passed,
                on=ON,
                comment="revue de phase",
                idempotency_key=key,
            )

        expected: type[DomainError] | None = None
        if phase not in PHASES:
            expected = InvalidValue
        elif tenant != PHASES[phase][0]:
            expected = NotContractor
        elif phase not in self.awards or phase in self.gates:
            expected = InvalidTransition
        if self.attempt(tenant, expected, command, keyed):
            self.gates[phase] = passed

    def application(self) -> CallApplication:
        return self.calls.get_application(OWNER, self.application_id)

    @invariant()
    def the_awarded_phases_are_the_first_ones_without_a_gap(self) -> None:
        awarded = sorted(self.application().awards)
        assert awarded == list(range(1, len(awarded) + 1))

    @invariant()
    def each_award_is_within_its_phases_range_and_by_its_contractor(self) -> None:
        for phase, award in self.application().awards.items():
            contractor, cents, months = PHASES[phase]
            assert award.amount_cents in cents
            assert award.months in months
            assert award.by == contractor

    @invariant()
    def a_later_phase_follows_a_passed_gate_and_the_first_a_selection(self) -> None:
        application = self.application()
        for phase in application.awards:
            if phase == 1:
                assert self.decision is True
            else:
                assert application.awards[phase - 1].gate_passed is True

    @invariant()
    def the_application_is_what_the_rules_let_through(self) -> None:
        application = self.application()
        assert {p: (a.amount_cents, a.months) for p, a in application.awards.items()} == (
            self.awards
        )
        gates = {p: a.gate_passed for p, a in application.awards.items()}
        assert {p: g for p, g in gates.items() if g is not None} == self.gates
        assert application.status == self.expected_status()

    def expected_status(self) -> str:
        if self.decision is None:
            return "SUBMITTED"
        if self.decision is False:
            return "REJECTED"
        if not self.awards:
            return "SELECTED"
        last = max(self.awards)
        gate = self.gates.get(last)
        if gate is None:
            return f"IN_PHASE_{last}"
        if not gate:
            return "ENDED"
        return "COMPLETED" if last == len(PHASES) else f"PHASE_{last}_PASSED"

    @invariant()
    def replaying_the_stored_events_gives_back_the_application_that_was_saved(self) -> None:
        saved = self.calls.saved[self.application_id]
        assert vars(self.application()) == vars(saved)


def test_phases_stay_gated_through_any_sequence_of_awards_and_evaluations() -> None:
    run_state_machine_as_test(
        PhaseGates,
        settings=settings(max_examples=60, stateful_step_count=30, deadline=None),
    )
