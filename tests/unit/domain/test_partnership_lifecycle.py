"""Any sequence of steps, valid or not, keeps a partnership on its graph.

A hypothesis state machine sends steps through the application with dates that may go backward,
predicts from a plain model whether each should pass or which error it should raise, and checks
after every step: the status only moves along proposed → signed → started → completed (or
abandoned before the end), dates never go backward, the year is the signature's, a refused step
appends nothing, and a replay of the stored events gives back exactly the partnership saved.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from osezia.domain.companies.application import Companies
from osezia.domain.errors import DomainError, InvalidDate, InvalidTransition, NotFound
from osezia.domain.partnerships.application import Partnerships
from osezia.domain.partnerships.model import Partnership, PartnershipStatus
from osezia.domain.sizes import SizeFacts
from osezia.tenants.networks import NETWORKS
from tests.unit.conftest import MEMORY
from tests.unit.domain.attempts import Keyed, KeyedAttempts
from tests.unit.domain.saved import KeepsSaved

# The rules under test are not today's date: let every generated date have happened.
LATER = date(2030, 12, 31)

INRIA = "inria"
P = PartnershipStatus

# The graph, written out here rather than imported, so that the test does not trust the code.
NEXT: dict[PartnershipStatus, set[PartnershipStatus]] = {
    P.PROPOSED: {P.SIGNED, P.ABANDONED},
    P.SIGNED: {P.STARTED, P.ABANDONED},
    P.STARTED: {P.COMPLETED, P.ABANDONED},
    P.COMPLETED: set(),
    P.ABANDONED: set(),
}

# The last day of a year, so that signatures fall in either year's target.
BASE = date(2025, 12, 31)
# Days from the latest date so far. Hypothesis favours the first: the same day, which is
# allowed; then forward, and backward, which the rules refuse.
SHIFTS = st.sampled_from((0, 1, -1, 45, -45))
TENANTS = st.sampled_from((INRIA, "cci"))  # the partnership is INRIA's: CCI cannot see it


class ObservedPartnerships(KeepsSaved, Partnerships):
    """Keeps each partnership as it was last saved, to compare it with its replay."""


class PartnershipLifecycle(KeyedAttempts):
    def __init__(self) -> None:
        super().__init__()
        companies = Companies(env=MEMORY, networks=NETWORKS, today=lambda: LATER)
        self.partnerships = ObservedPartnerships(env=MEMORY, share_with=companies)
        # Registered by CCI first, then by INRIA, which follows it from then on.
        for tenant in ("cci", INRIA):
            self.company_id = companies.register_company(
                tenant,
                siren="356000000",
                legal_name="La Poste",
                region="11",
                departement="75",
                naf="53.10Z",
                size=SizeFacts(headcount_uta=Decimal(200_000)),
            )
        self.partnership_id = UUID(int=0)
        self.last_status = P.PROPOSED
        # What the partnership should be, according to the rules.
        self.status = P.PROPOSED
        self.dates: dict[PartnershipStatus, date] = {}

    # Hypothesis favours the first item: the partnership starts signed, so that even the
    # examples where hypothesis switches some rules off reach the later steps.
    @initialize(reached=st.sampled_from((P.SIGNED, P.STARTED, P.PROPOSED)))
    def propose(self, reached: PartnershipStatus) -> None:
        self.partnership_id = self.partnerships.propose_partnership(
            INRIA, research_team="Rainbow", topic="Cobotics", company_id=self.company_id
        )
        if reached is not P.PROPOSED:
            self.sign(shift=0, tenant=INRIA, keyed=False)
        if reached is P.STARTED:
            self.start(shift=0, tenant=INRIA, keyed=False)
        self.last_status = self.status  # invariants are first checked after this

    def attempt(
        self, tenant: str, expected: type[DomainError] | None, command: Keyed, keyed: bool
    ) -> bool:
        """Run the command; it must pass, or raise ``expected`` and append nothing.
        Another network is told the partnership does not exist before anything else.
        """
        if tenant != INRIA:
            expected = NotFound
        return self.run_keyed_expecting(expected, command, keyed)

    def snapshot(self) -> int:
        """The log's position: a refused step, or a resent one, appends nothing to it."""
        return self.partnerships.recorder.max_notification_id() or 0

    def a_date(self, shift: int) -> date:
        return max(self.dates.values(), default=BASE) + timedelta(days=shift)

    def step(
        self,
        target: PartnershipStatus,
        on: date | None,
        earlier: PartnershipStatus | None,
        tenant: str,
        command: Keyed,
        keyed: bool,
    ) -> None:
        expected: type[DomainError] | None = None
        if target not in NEXT[self.status]:
            expected = InvalidTransition
        elif on is not None and earlier is not None and on < self.dates[earlier]:
            expected = InvalidDate
        if self.attempt(tenant, expected, command, keyed):
            self.status = target
            if on is not None:
                self.dates[target] = on

    @rule(shift=SHIFTS, tenant=TENANTS, keyed=st.booleans())
    def sign(self, shift: int, tenant: str, keyed: bool) -> None:
        on = self.a_date(shift)

        def command(key: str | None) -> None:
            self.partnerships.sign_partnership(
                tenant, self.partnership_id, on=on, idempotency_key=key
            )

        self.step(P.SIGNED, on, None, tenant, command, keyed)

    @rule(shift=SHIFTS, tenant=TENANTS, keyed=st.booleans())
    def start(self, shift: int, tenant: str, keyed: bool) -> None:
        on = self.a_date(shift)

        def command(key: str | None) -> None:
            self.partnerships.start_partnership(
                tenant, self.partnership_id, on=on, idempotency_key=key
            )

        self.step(P.STARTED, on, P.SIGNED, tenant, command, keyed)

    @rule(shift=SHIFTS, tenant=TENANTS, keyed=st.booleans())
    def complete(self, shift: int, tenant: str, keyed: bool) -> None:
        on = self.a_date(shift)

        def command(key: str | None) -> None:
            self.partnerships.complete_partnership(
                tenant, self.partnership_id, on=on, idempotency_key=key
            )

        self.step(P.COMPLETED, on, P.STARTED, tenant, command, keyed)

    @rule(tenant=TENANTS, keyed=st.booleans())
    def abandon(self, tenant: str, keyed: bool) -> None:
        def command(key: str | None) -> None:
            self.partnerships.abandon_partnership(
                tenant, self.partnership_id, reason="funding lost", idempotency_key=key
            )

        self.step(P.ABANDONED, None, None, tenant, command, keyed)

    def partnership(self) -> Partnership:
        return self.partnerships.get_partnership(INRIA, self.partnership_id)

    @invariant()
    def the_status_moves_only_along_its_graph(self) -> None:
        status = self.partnership().status
        assert status == self.last_status or status in NEXT[self.last_status]
        self.last_status = status

    @invariant()
    def the_partnership_is_what_the_rules_let_through(self) -> None:
        partnership = self.partnership()
        assert partnership.status is self.status
        assert partnership.signed_on == self.dates.get(P.SIGNED)
        assert partnership.started_on == self.dates.get(P.STARTED)
        assert partnership.completed_on == self.dates.get(P.COMPLETED)

    @invariant()
    def dates_never_go_backward(self) -> None:
        partnership = self.partnership()
        dates = [partnership.signed_on, partnership.started_on, partnership.completed_on]
        known = [on for on in dates if on is not None]
        assert known == sorted(known)

    @invariant()
    def the_partnership_counts_for_the_year_it_was_signed_in(self) -> None:
        partnership = self.partnership()
        signed_on = partnership.signed_on
        assert partnership.year == (None if signed_on is None else signed_on.year)

    @invariant()
    def replaying_the_stored_events_gives_back_the_partnership_that_was_saved(self) -> None:
        saved = self.partnerships.saved[self.partnership_id]
        assert vars(self.partnership()) == vars(saved)


def test_a_partnership_keeps_to_its_graph_through_any_sequence_of_steps() -> None:
    run_state_machine_as_test(
        PartnershipLifecycle,
        settings=settings(max_examples=50, stateful_step_count=30, deadline=None),
    )
