"""Any sequence of decisions, valid or not, keeps a loan on its graph.

A hypothesis state machine sends decisions through the application, from the pilot, the
applying network or a stranger, with dates that may go backward and amounts that may exceed
the loan; it predicts from a plain model whether each should pass or which error it should
raise, and checks after every step: the status only moves along applied → granted → disbursed
(or refused), dates never go backward, the disbursement never exceeds the amount applied for,
a refused step appends nothing, and a replay of the stored events gives back the loan saved.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from osezia.domain.companies.application import Companies
from osezia.domain.errors import (
    AmountOutOfRange,
    DomainError,
    Forbidden,
    InvalidAmount,
    InvalidDate,
    InvalidTransition,
    NotFound,
)
from osezia.domain.loans.application import Loans
from osezia.domain.loans.model import Loan, LoanStatus
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY
from tests.unit.domain.attempts import Attempts
from tests.unit.domain.saved import KeepsSaved

OWNER, PILOT, STRANGER = "cci", "bpifrance", "french-tech"
L = LoanStatus
AMOUNT = 20_000_000

# The graph, written out here rather than imported, so that the test does not trust the code.
NEXT: dict[LoanStatus, set[LoanStatus]] = {
    L.APPLIED: {L.GRANTED, L.REFUSED},
    L.GRANTED: {L.DISBURSED},
    L.REFUSED: set(),
    L.DISBURSED: set(),
}

APPLIED = date(2026, 1, 31)
SHIFTS = st.sampled_from((0, 1, -1, 30, -30))
TENANTS = st.sampled_from((PILOT, OWNER, STRANGER))
AMOUNTS = st.sampled_from((AMOUNT, 1, AMOUNT + 1, 0))


class ObservedLoans(KeepsSaved, Loans):
    """Keeps each loan as it was last saved, to compare it with its replay."""


class LoanLifecycle(Attempts):
    def __init__(self) -> None:
        super().__init__()
        companies = Companies(env=MEMORY, networks=NETWORKS)
        self.loans = ObservedLoans(env=MEMORY, share_with=companies)
        self.company_id = companies.register_company(
            OWNER,
            siren="542107651",
            legal_name="Robotique de l'Ouest",
            region="52",
            departement="44",
            naf="28.99B",
            size=SizeFacts(headcount_uta=Decimal(120)),
        )
        self.loan_id = UUID(int=0)
        self.status = L.APPLIED
        self.last_status = L.APPLIED
        self.dates: dict[LoanStatus, date] = {}
        self.disbursed: int | None = None

    @initialize()
    def apply(self) -> None:
        self.loan_id = self.loans.apply_for_loan(
            OWNER,
            company_id=self.company_id,
            amount_cents=AMOUNT,
            term_months=60,
            purpose="Predictive maintenance",
            on=APPLIED,
        )
        self.dates[L.APPLIED] = APPLIED

    def a_date(self, shift: int) -> date:
        return max(self.dates.values()) + timedelta(days=shift)

    def attempt(
        self, tenant: str, expected: type[DomainError] | None, command: Callable[[], None]
    ) -> bool:
        """The stranger is told the loan does not exist, and the owner that only the pilot
        decides, before anything else; a refused step appends nothing."""
        if tenant == STRANGER:
            expected = NotFound
        elif tenant == OWNER:
            expected = Forbidden
        return self.run_expecting(expected, command)

    def snapshot(self) -> int:
        """The log's position: a refused step appends nothing to it."""
        return self.loans.recorder.max_notification_id() or 0

    def expected_for(
        self, target: LoanStatus, on: date, earlier: LoanStatus
    ) -> type[DomainError] | None:
        if target not in NEXT[self.status]:
            return InvalidTransition
        if on < self.dates[earlier]:
            return InvalidDate
        return None

    @rule(shift=SHIFTS, tenant=TENANTS)
    def grant(self, shift: int, tenant: str) -> None:
        on = self.a_date(shift)
        expected = self.expected_for(L.GRANTED, on, L.APPLIED)
        if self.attempt(
            tenant, expected, lambda: self.loans.grant_guarantee(tenant, self.loan_id, on=on)
        ):
            self.status, self.dates[L.GRANTED] = L.GRANTED, on

    @rule(shift=SHIFTS, tenant=TENANTS)
    def refuse(self, shift: int, tenant: str) -> None:
        on = self.a_date(shift)
        expected = self.expected_for(L.REFUSED, on, L.APPLIED)

        def command() -> None:
            self.loans.refuse_guarantee(tenant, self.loan_id, on=on, reason="not structuring")

        if self.attempt(tenant, expected, command):
            self.status, self.dates[L.REFUSED] = L.REFUSED, on

    @rule(shift=SHIFTS, tenant=TENANTS, amount=AMOUNTS)
    def disburse(self, shift: int, tenant: str, amount: int) -> None:
        on = self.a_date(shift)
        expected: type[DomainError] | None
        if L.DISBURSED not in NEXT[self.status]:
            expected = InvalidTransition
        elif amount < 1:
            expected = InvalidAmount
        elif amount > AMOUNT:
            expected = AmountOutOfRange
        else:
            expected = self.expected_for(L.DISBURSED, on, L.GRANTED)

        def command() -> None:
            self.loans.disburse_loan(tenant, self.loan_id, amount_cents=amount, on=on)

        if self.attempt(tenant, expected, command):
            self.status, self.dates[L.DISBURSED], self.disbursed = L.DISBURSED, on, amount

    def loan(self) -> Loan:
        return self.loans.get_loan(OWNER, self.loan_id)

    @invariant()
    def the_status_moves_only_along_its_graph(self) -> None:
        status = self.loan().status
        assert status == self.last_status or status in NEXT[self.last_status]
        self.last_status = status

    @invariant()
    def the_loan_is_what_the_rules_let_through(self) -> None:
        loan = self.loan()
        assert loan.status is self.status
        assert loan.granted_on == self.dates.get(L.GRANTED)
        assert loan.refused_on == self.dates.get(L.REFUSED)
        assert loan.disbursed_on == self.dates.get(L.DISBURSED)
        assert loan.disbursed_cents == self.disbursed

    @invariant()
    def dates_never_go_backward_and_nothing_is_paid_beyond_the_loan(self) -> None:
        loan = self.loan()
        dates = [loan.applied_on, loan.granted_on or loan.refused_on, loan.disbursed_on]
        known = [on for on in dates if on is not None]
        assert known == sorted(known)
        assert (loan.disbursed_cents or 0) <= loan.amount_cents

    @invariant()
    def replaying_the_stored_events_gives_back_the_loan_that_was_saved(self) -> None:
        assert vars(self.loan()) == vars(self.loans.saved[self.loan_id])


def test_a_loan_keeps_to_its_graph_through_any_sequence_of_decisions() -> None:
    run_state_machine_as_test(
        LoanLifecycle,
        settings=settings(max_examples=50, stateful_step_count=20, deadline=None),
    )
