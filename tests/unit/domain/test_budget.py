"""The plan's envelope: opened once, commitments within each measure's allocation plus the
overruns decided for it, payments against a commitment and never above it."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import initialize, invariant, rule, run_state_machine_as_test

from osezia.domain.application import PlatformApplication
from osezia.domain.budget.application import Budget
from osezia.domain.budget.model import (
    MILLION_EUROS,
    BudgetRules,
    Envelope,
    Measure,
    allocation_source,
)
from osezia.domain.errors import (
    AlreadyExists,
    BudgetExceeded,
    DomainError,
    InvalidAmount,
    InvalidDate,
    InvalidValue,
    NotFound,
)
from tests.unit.conftest import MEMORY
from tests.unit.domain.attempts import Attempts
from tests.unit.domain.saved import KeepsSaved

OPERATOR, BPIFRANCE = "operator", "bpifrance"
ON = date(2026, 2, 2)
SMALL = {"DIAGNOSTICS": 1_000, "CALLS": 2_000}  # cents, within a total of 5,000


@pytest.fixture
def budget() -> Budget:
    return Budget(env=MEMORY)


@pytest.fixture
def small(budget: Budget) -> Budget:
    budget.open_budget(OPERATOR, total_cents=5_000, allocations=SMALL)
    return budget


def log_position(budget: Budget) -> int:
    return budget.recorder.max_notification_id() or 0


def commit(
    budget: Budget, amount: int, reference: str = "C1", measure: str = "DIAGNOSTICS"
) -> None:
    budget.commit_funds(BPIFRANCE, measure=measure, amount_cents=amount, reference=reference, on=ON)


def test_the_default_envelope_is_200_million_euros_half_of_it_for_the_calls(
    budget: Budget,
) -> None:
    envelope_id = budget.open_budget(OPERATOR)

    envelope = budget.envelope()
    assert envelope_id == Envelope.create_id()
    assert envelope.total_cents == 200 * MILLION_EUROS
    assert envelope.allocations[Measure.CALLS] == 100 * MILLION_EUROS
    other_half = (
        envelope.allocations[Measure.GUARANTEE_FUND],
        envelope.allocations[Measure.DIAGNOSTICS],
    )
    assert other_half == (60 * MILLION_EUROS, 40 * MILLION_EUROS)
    assert set(envelope.allocations) == set(Measure)
    assert envelope.tenant == OPERATOR


def test_the_envelope_is_opened_once(small: Budget) -> None:
    before = log_position(small)

    with pytest.raises(AlreadyExists, match="already open"):
        small.open_budget(OPERATOR)
    assert log_position(small) == before


def test_a_measure_not_allocated_has_no_published_allocation(small: Budget) -> None:
    envelope = small.envelope()

    assert envelope.allocations[Measure.ACADEMIE] is None
    assert envelope.ceiling(Measure.ACADEMIE) == 0
    assert allocation_source("ACADEMIE", None) == "no published allocation"
    with pytest.raises(BudgetExceeded, match="above its no published allocation plus 0 cents"):
        small.commit_funds(BPIFRANCE, measure="ACADEMIE", amount_cents=1, reference="A", on=ON)


def test_the_default_allocations_name_their_sources(budget: Budget) -> None:
    budget.open_budget(OPERATOR)
    envelope = budget.envelope()

    assert "France 2030" in allocation_source("CALLS", envelope.allocations[Measure.CALLS])
    unpublished = [m for m in Measure if envelope.allocations[m] is None]
    assert unpublished == [Measure.ACCELERATION, Measure.ACADEMIE, Measure.AWARENESS]


@pytest.mark.parametrize(
    ("total", "allocations", "error", "message"),
    [
        (5_000, {"CALLS": 3_000, "DIAGNOSTICS": 2_001}, BudgetExceeded, "add up to 5001"),
        (5_000, {"LOTTERY": 1}, InvalidValue, "LOTTERY"),
        (5_000, {"CALLS": -1}, InvalidAmount, "CALLS"),
        (0, {}, InvalidAmount, "envelope total"),
    ],
)
def test_allocations_name_measures_and_fit_in_the_envelope(
    budget: Budget,
    total: int,
    allocations: dict[str, int],
    error: type[DomainError],
    message: str,
) -> None:
    with pytest.raises(error, match=message):
        budget.open_budget(OPERATOR, total_cents=total, allocations=allocations)
    assert log_position(budget) == 0


def test_the_rules_refuse_a_split_larger_than_the_envelope() -> None:
    with pytest.raises(BudgetExceeded):
        BudgetRules(total_cents=100, allocations={"CALLS": 101})


def test_nothing_is_committed_before_the_envelope_is_open(budget: Budget) -> None:
    with pytest.raises(NotFound, match="not open"):
        commit(budget, 1)


def test_commitments_stay_within_the_measures_allocation(small: Budget) -> None:
    commit(small, 600, "C1")
    before = log_position(small)

    with pytest.raises(BudgetExceeded, match="bring it to 1001 cents, above its 1000"):
        commit(small, 401, "C2")
    assert log_position(small) == before

    commit(small, 400, "C2")
    assert small.envelope().committed[Measure.DIAGNOSTICS] == 1_000


def test_an_authorised_overrun_lets_commitments_go_above_the_allocation(small: Budget) -> None:
    commit(small, 1_000, "C1")

    small.authorise_overrun(
        OPERATOR, measure="DIAGNOSTICS", amount_cents=250, decision_reference="Arrêté 12", on=ON
    )
    commit(small, 250, "C2")

    envelope = small.envelope()
    assert envelope.committed[Measure.DIAGNOSTICS] == 1_250
    assert envelope.ceiling(Measure.DIAGNOSTICS) == 1_250
    assert envelope.total_ceiling == 5_250
    with pytest.raises(BudgetExceeded):
        commit(small, 1, "C3")


def test_an_overrun_raises_only_its_own_measures_ceiling(small: Budget) -> None:
    small.authorise_overrun(
        OPERATOR, measure="CALLS", amount_cents=250, decision_reference="Arrêté 12", on=ON
    )

    with pytest.raises(BudgetExceeded):
        commit(small, 1_001, "C1", measure="DIAGNOSTICS")


def test_an_overrun_decision_is_recorded_once(small: Budget) -> None:
    small.authorise_overrun(
        OPERATOR, measure="CALLS", amount_cents=1, decision_reference="Arrêté 12", on=ON
    )

    with pytest.raises(AlreadyExists, match="Arrêté 12"):
        small.authorise_overrun(
            OPERATOR, measure="CALLS", amount_cents=1, decision_reference="Arrêté 12", on=ON
        )


def test_a_commitment_reference_is_used_once(small: Budget) -> None:
    commit(small, 100, "C1")

    with pytest.raises(AlreadyExists, match="C1"):
        commit(small, 100, "C1")


@pytest.mark.parametrize("amount", [0, -5, True])
def test_amounts_are_whole_cents_above_zero(small: Budget, amount: int) -> None:
    with pytest.raises(InvalidAmount):
        commit(small, amount)
    with pytest.raises(InvalidAmount):
        small.authorise_overrun(
            OPERATOR, measure="CALLS", amount_cents=amount, decision_reference="D", on=ON
        )


def test_an_unknown_measure_is_refused(small: Budget) -> None:
    with pytest.raises(InvalidValue, match="LOTTERY"):
        commit(small, 1, measure="LOTTERY")


def test_payments_are_made_against_a_commitment_of_that_measure(small: Budget) -> None:
    commit(small, 500, "C1")

    small.pay_funds(BPIFRANCE, measure="DIAGNOSTICS", reference="C1", amount_cents=200, on=ON)
    small.pay_funds(
        BPIFRANCE, measure="DIAGNOSTICS", reference="C1", amount_cents=300, on=ON + timedelta(1)
    )

    envelope = small.envelope()
    assert envelope.paid[Measure.DIAGNOSTICS] == 500
    assert envelope.commitments["C1"].paid_cents == 500
    with pytest.raises(NotFound, match="no commitment 'C1' of measure CALLS"):
        small.pay_funds(BPIFRANCE, measure="CALLS", reference="C1", amount_cents=1, on=ON)
    with pytest.raises(NotFound, match="C9"):
        small.pay_funds(BPIFRANCE, measure="DIAGNOSTICS", reference="C9", amount_cents=1, on=ON)


def test_a_commitment_is_never_paid_more_than_it_committed(small: Budget) -> None:
    commit(small, 500, "C1")
    small.pay_funds(BPIFRANCE, measure="DIAGNOSTICS", reference="C1", amount_cents=400, on=ON)
    before = log_position(small)

    with pytest.raises(BudgetExceeded, match="100 cents it has left"):
        small.pay_funds(BPIFRANCE, measure="DIAGNOSTICS", reference="C1", amount_cents=101, on=ON)
    assert log_position(small) == before


def test_a_payment_is_not_dated_before_its_commitment(small: Budget) -> None:
    commit(small, 500, "C1")

    with pytest.raises(InvalidDate, match="before commitment 'C1'"):
        small.pay_funds(
            BPIFRANCE, measure="DIAGNOSTICS", reference="C1", amount_cents=1, on=date(2026, 2, 1)
        )


def test_movements_are_dated_with_calendar_dates(small: Budget) -> None:
    with pytest.raises(InvalidDate, match="calendar date"):
        small.commit_funds(
            BPIFRANCE,
            measure="CALLS",
            amount_cents=1,
            reference="C1",
            on=datetime(2026, 2, 2, 9),
        )


def test_another_application_commits_funds_in_its_own_save(small: Budget) -> None:
    other = PlatformApplication(env=MEMORY, share_with=small)
    envelope = other.find(Envelope.create_id(), Envelope)
    assert envelope is not None

    envelope.commit(Measure.CALLS, 2_000, "AAP Pionniers", ON)
    other.save(envelope)

    assert small.envelope().committed[Measure.CALLS] == 2_000
    with pytest.raises(BudgetExceeded):
        small.envelope().commit(Measure.CALLS, 1, "AAP 2", ON)


# --- any sequence of commitments, payments and overruns keeps to the ceilings -------------

MEASURES = st.sampled_from(("DIAGNOSTICS", "CALLS", "ACADEMIE"))
AMOUNTS = st.integers(-10, 1_500)
REFERENCES = st.sampled_from(("R1", "R2", "R3", "R4", "R5", "R6"))
DAYS = st.integers(-3, 3)


class ObservedBudget(KeepsSaved, Budget):
    """Keeps the envelope as it was last saved, to compare it with its replay."""


class EnvelopeLifecycle(Attempts):
    """Predicts each command's outcome from a plain model and checks the envelope after it."""

    def __init__(self) -> None:
        super().__init__()
        self.budget = ObservedBudget(env=MEMORY)
        self.allocations = {"DIAGNOSTICS": 1_000, "CALLS": 2_000, "ACADEMIE": 0}
        self.overruns: dict[str, int] = defaultdict(int)
        self.committed: dict[str, int] = defaultdict(int)
        self.commitments: dict[str, tuple[str, int, date]] = {}  # reference -> measure, cents, on
        self.paid: dict[str, int] = defaultdict(int)  # by reference
        self.decisions: set[str] = set()

    @initialize()
    def open(self) -> None:
        self.budget.open_budget(OPERATOR, total_cents=3_500, allocations=self.allocations)

    def snapshot(self) -> int:
        """The log's position: a refused command appends nothing to it."""
        return log_position(self.budget)

    @rule(measure=MEASURES, amount=AMOUNTS, reference=REFERENCES, day=DAYS)
    def commit(self, measure: str, amount: int, reference: str, day: int) -> None:
        on = ON + timedelta(days=day)
        ceiling = self.allocations[measure] + self.overruns[measure]
        total_ceiling = 3_500 + sum(self.overruns.values())
        expected: type[DomainError] | None = None
        if amount <= 0:
            expected = InvalidAmount
        elif reference in self.commitments:
            expected = AlreadyExists
        elif (
            self.committed[measure] + amount > ceiling
            or sum(self.committed.values()) + amount > total_ceiling
        ):
            expected = BudgetExceeded

        def command() -> None:
            self.budget.commit_funds(
                BPIFRANCE, measure=measure, amount_cents=amount, reference=reference, on=on
            )

        if self.run_expecting(expected, command):
            self.committed[measure] += amount
            self.commitments[reference] = (measure, amount, on)

    @rule(measure=MEASURES, amount=AMOUNTS, reference=REFERENCES, day=DAYS)
    def pay(self, measure: str, amount: int, reference: str, day: int) -> None:
        on = ON + timedelta(days=day)
        commitment = self.commitments.get(reference)
        expected: type[DomainError] | None = None
        if amount <= 0:
            expected = InvalidAmount
        elif commitment is None or commitment[0] != measure:
            expected = NotFound
        elif self.paid[reference] + amount > commitment[1]:
            expected = BudgetExceeded
        elif on < commitment[2]:
            expected = InvalidDate

        def command() -> None:
            self.budget.pay_funds(
                BPIFRANCE, measure=measure, reference=reference, amount_cents=amount, on=on
            )

        if self.run_expecting(expected, command):
            self.paid[reference] += amount

    @rule(measure=MEASURES, amount=AMOUNTS, decision=st.sampled_from(("D1", "D2", "D3")))
    def authorise_overrun(self, measure: str, amount: int, decision: str) -> None:
        expected: type[DomainError] | None = None
        if amount <= 0:
            expected = InvalidAmount
        elif decision in self.decisions:
            expected = AlreadyExists

        def command() -> None:
            self.budget.authorise_overrun(
                OPERATOR, measure=measure, amount_cents=amount, decision_reference=decision, on=ON
            )

        if self.run_expecting(expected, command):
            self.overruns[measure] += amount
            self.decisions.add(decision)

    @invariant()
    def each_measure_commits_at_most_its_allocation_plus_its_overruns(self) -> None:
        envelope = self.budget.envelope()
        for measure in Measure:
            assert envelope.committed[measure] <= envelope.ceiling(measure)
            assert envelope.committed[measure] == self.committed[measure]
        assert envelope.committed_cents <= envelope.total_ceiling

    @invariant()
    def each_commitment_is_paid_at_most_what_it_committed(self) -> None:
        envelope = self.budget.envelope()
        for reference, commitment in envelope.commitments.items():
            assert commitment.paid_cents <= commitment.committed_cents
            assert commitment.paid_cents == self.paid[reference]
        assert envelope.paid_cents <= envelope.committed_cents

    @invariant()
    def replaying_the_stored_events_gives_back_the_envelope_that_was_saved(self) -> None:
        saved = self.budget.saved[Envelope.create_id()]
        assert vars(self.budget.envelope()) == vars(saved)


def test_the_envelope_keeps_to_its_ceilings_through_any_sequence_of_commands() -> None:
    run_state_machine_as_test(
        EnvelopeLifecycle,
        settings=settings(max_examples=60, stateful_step_count=40, deadline=None),
    )
