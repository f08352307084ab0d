"""Money flows into the plan's budget in the same save as the decision that moves it: a call's
phase awarded commits on CALLS, a guarantee granted commits its provision on GUARANTEE_FUND and
the loan's disbursement pays it. What a measure cannot take refuses the decision."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osezia.domain.budget.model import Measure
from osezia.domain.calls.model import CallForProjects
from osezia.domain.errors import BudgetExceeded, DomainError
from osezia.domain.loans.model import LoanRules
from osezia.domain.platform import Platform
from tests.unit.domain.platforms import a_company as followed
from tests.unit.domain.platforms import a_platform

TODAY = date(2026, 6, 15)
K = 100_000  # one thousand euros, in cents
M = 1000 * K
SIRENS = ("542107651", "356000000", "552100018", "552100026")


@pytest.fixture
def platform() -> Iterator[Platform]:
    platform = a_platform(TODAY)
    yield platform
    platform.close()


def a_company(platform: Platform, siren: str = SIRENS[0]) -> UUID:
    return followed(platform, "cci", "bpifrance", siren=siren)


def an_open_budget(platform: Platform, **allocations: int) -> None:
    defaults = {"CALLS": 100 * M, "GUARANTEE_FUND": 60 * M, "DIAGNOSTICS": 40 * M}
    given = {**defaults, **allocations}
    platform.budget.open_budget("operator", total_cents=sum(given.values()), allocations=given)


def a_selected_application(platform: Platform, company: UUID) -> UUID:
    call_id = CallForProjects.create_id("PIONNIERS_IA")
    if platform.calls.find(call_id, CallForProjects) is None:
        platform.calls.open_call(
            "operator",
            code="PIONNIERS_IA",
            opens_on=date(2025, 9, 18),
            closes_on=date(2026, 12, 31),
        )
    application = platform.calls.submit_application(
        "cci", call_id=call_id, company_id=company, project_title="Cobotique"
    )
    platform.calls.select_application("inria", application)
    return application


def a_loan(platform: Platform, company: UUID, amount_cents: int = 300 * K) -> UUID:
    return platform.loans.apply_for_loan(
        "cci",
        company_id=company,
        amount_cents=amount_cents,
        term_months=84,
        purpose="vision",
        on=date(2026, 1, 12),
    )


def log_position(platform: Platform) -> int:
    return platform.companies.recorder.max_notification_id() or 0


def test_an_award_commits_its_amount_on_calls(platform: Platform) -> None:
    an_open_budget(platform)
    application = a_selected_application(platform, a_company(platform))

    platform.calls.award_phase(
        "inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY
    )

    envelope = platform.budget.envelope()
    assert envelope.committed[Measure.CALLS] == 150 * K
    commitment = envelope.commitments[f"CALL-{application}-P1"]
    assert (commitment.measure, commitment.committed_cents, commitment.on) == (
        Measure.CALLS,
        150 * K,
        TODAY,
    )


def test_an_award_the_calls_measure_cannot_take_is_refused_and_nothing_is_recorded(
    platform: Platform,
) -> None:
    an_open_budget(platform, CALLS=100 * K)
    application = a_selected_application(platform, a_company(platform))
    before = log_position(platform)

    with pytest.raises(BudgetExceeded, match="CALLS"):
        platform.calls.award_phase(
            "inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY
        )

    assert log_position(platform) == before
    assert platform.calls.get_application("inria", application).awards == {}


def test_a_guarantee_commits_its_provision_and_the_disbursement_pays_it(
    platform: Platform,
) -> None:
    an_open_budget(platform)
    loan = a_loan(platform, a_company(platform))  # 300,000 euros

    platform.loans.grant_guarantee("bpifrance", loan, on=TODAY)
    committed = platform.budget.envelope().commitments[f"LOAN-{loan}"]
    platform.loans.disburse_loan("bpifrance", loan, amount_cents=200 * K, on=TODAY)
    paid = platform.budget.envelope().commitments[f"LOAN-{loan}"]

    # 70 % guaranteed, 10 % of it provisioned: 21,000 euros committed, 14,000 paid.
    assert committed.committed_cents == 21 * K
    assert (paid.committed_cents, paid.paid_cents) == (21 * K, 14 * K)
    assert platform.loans.rules.provision_cents(300 * K) == 21 * K


def test_a_refused_guarantee_charges_nothing(platform: Platform) -> None:
    an_open_budget(platform)
    loan = a_loan(platform, a_company(platform))

    platform.loans.refuse_guarantee("bpifrance", loan, on=TODAY, reason="no collateral")

    assert platform.budget.envelope().committed[Measure.GUARANTEE_FUND] == 0


def test_before_the_budget_is_open_decisions_charge_nothing(platform: Platform) -> None:
    application = a_selected_application(platform, a_company(platform))
    loan = a_loan(platform, a_company(platform, SIRENS[1]))

    platform.calls.award_phase(
        "inria", application, phase=1, amount_cents=150 * K, months=9, on=TODAY
    )
    platform.loans.grant_guarantee("bpifrance", loan, on=TODAY)

    assert platform.calls.get_application("inria", application).awards[1].amount_cents == 150 * K


def test_the_provisioning_rate_is_configuration() -> None:
    assert LoanRules(provisioning_rate_basis_points=10_000).provision_cents(100 * K) == 70 * K
    with pytest.raises(DomainError, match="provisioning rate"):
        LoanRules(provisioning_rate_basis_points=0)


decisions = st.lists(
    st.one_of(
        st.tuples(st.just("award"), st.integers(0, 3), st.integers(100, 200)),
        st.tuples(st.just("grant"), st.integers(0, 3), st.integers(1, 500)),
        st.tuples(st.just("disburse"), st.integers(0, 3), st.integers(1, 500)),
        st.tuples(st.just("commit"), st.integers(0, 3), st.integers(1, 500)),
    ),
    max_size=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=decisions)
def test_each_measures_commitments_are_the_sum_of_the_decisions_that_feed_it(
    history: list[tuple[str, int, int]],
) -> None:
    platform = a_platform(TODAY)
    try:
        # Small ceilings, so that some decisions are refused for the budget's sake.
        an_open_budget(platform, CALLS=400 * K, GUARANTEE_FUND=50 * K, DIAGNOSTICS=300 * K)
        companies = [a_company(platform, siren) for siren in SIRENS]
        applications = [a_selected_application(platform, c) for c in companies]
        loans = [a_loan(platform, c, 100 * K) for c in companies]
        manual = 0
        for n, (kind, which, thousands) in enumerate(history):
            try:
                if kind == "award":
                    platform.calls.award_phase(
                        "inria",
                        applications[which],
                        phase=1,
                        amount_cents=thousands * K,
                        months=9,
                        on=TODAY,
                    )
                elif kind == "grant":
                    platform.loans.grant_guarantee("bpifrance", loans[which], on=TODAY)
                elif kind == "disburse":
                    platform.loans.disburse_loan(
                        "bpifrance", loans[which], amount_cents=thousands * 100, on=TODAY
                    )
                else:
                    platform.budget.commit_funds(
                        "bpifrance",
                        measure="DIAGNOSTICS",
                        amount_cents=thousands * K,
                        reference=f"D-{n}",
                        on=TODAY,
                    )
                    manual += thousands * K
            except DomainError:
                pass

        envelope = platform.budget.envelope()
        awarded = sum(
            platform.calls.get_application("inria", a).awarded_cents for a in applications
        )
        granted = [platform.loans.get_loan("bpifrance", loan) for loan in loans]
        provisions = sum(
            platform.loans.rules.provision_cents(loan.amount_cents)
            for loan in granted
            if loan.granted_on is not None
        )
        disbursed = sum(
            platform.loans.rules.provision_cents(loan.disbursed_cents or 0) for loan in granted
        )
        assert envelope.committed[Measure.CALLS] == awarded
        assert envelope.committed[Measure.GUARANTEE_FUND] == provisions
        assert envelope.paid[Measure.GUARANTEE_FUND] == disbursed
        assert envelope.committed[Measure.DIAGNOSTICS] == manual
        for measure in Measure:
            assert envelope.committed[measure] <= envelope.ceiling(measure)
    finally:
        platform.close()
