"""State-guaranteed loans: a network applies, Bpifrance grants or refuses, then disburses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from osezia.domain.companies.application import Companies
from osezia.domain.companies.model import Company
from osezia.domain.errors import (
    AmountOutOfRange,
    Forbidden,
    InvalidAmount,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotEligible,
    NotFound,
)
from osezia.domain.loans.application import Loans
from osezia.domain.loans.model import LoanRules, LoanStatus
from osezia.domain.referrals.application import Referrals
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.unit.conftest import MEMORY

CCI, BPIFRANCE = "cci", "bpifrance"
APPLIED = date(2026, 1, 12)
GRANTED = date(2026, 2, 2)
CAP = 50_000_000  # 500,000 euros


@pytest.fixture
def loans(companies: Companies) -> Loans:
    return Loans(env=MEMORY, share_with=companies)


def a_company(companies: Companies, uta: int = 120, siren: str = "542107651") -> UUID:
    return companies.register_company(
        CCI,
        siren=siren,
        legal_name="Robotique de l'Ouest",
        region="52",
        departement="44",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(uta)),
    )


@pytest.fixture
def company(companies: Companies) -> UUID:
    return a_company(companies)


def an_application(
    loans: Loans,
    company: UUID,
    *,
    amount_cents: int = 30_000_000,
    term_months: int = 84,
    on: date = APPLIED,
    tenant: str = CCI,
) -> UUID:
    return loans.apply_for_loan(
        tenant,
        company_id=company,
        amount_cents=amount_cents,
        term_months=term_months,
        purpose="  Vision system for  quality control ",
        on=on,
    )


def a_granted_loan(loans: Loans, company: UUID) -> UUID:
    loan_id = an_application(loans, company)
    loans.grant_guarantee(BPIFRANCE, loan_id, on=GRANTED)
    return loan_id


def referred_to_french_tech(companies: Companies, company: UUID) -> None:
    """CCI refers its company to La French Tech, which may then apply for it."""
    Tenants(env=MEMORY, share_with=companies).seed_defaults()
    Referrals(env=MEMORY, share_with=companies).share_company(
        CCI,
        company,
        to_tenant="french-tech",
        purpose="FINANCING",
        reason="Finances a vision system",
        consent_reference="CCI-2026-008",
    )


def log_position(loans: Loans) -> int:
    return loans.recorder.max_notification_id() or 0


def test_a_network_applies_for_a_company_another_network_referred_to_it(
    loans: Loans, companies: Companies
) -> None:
    company = a_company(companies)
    referred_to_french_tech(companies, company)

    loan_id = an_application(loans, company, tenant="french-tech")

    loan = loans.get_loan("french-tech", loan_id)
    assert loan.status is LoanStatus.APPLIED
    assert (loan.company_siren, loan.region, loan.segment) == ("542107651", "52", "PME_ETI")
    assert (loan.amount_cents, loan.term_months, loan.applied_on) == (30_000_000, 84, APPLIED)
    assert loan.purpose == "Vision system for quality control"
    assert loan.size_category == "PME"


def test_a_loan_needs_a_company_known_to_the_registry(loans: Loans) -> None:
    stranger = uuid4()

    with pytest.raises(NotFound, match=str(stranger)):
        an_application(loans, stranger)


def test_a_loan_needs_a_company_the_network_follows_or_was_referred(
    loans: Loans, company: UUID
) -> None:
    before = log_position(loans)

    with pytest.raises(NotFound, match=f"no company with id {company}"):
        an_application(loans, company, tenant="french-tech")

    assert log_position(loans) == before


def test_a_loan_may_reach_the_cap_but_not_exceed_it(loans: Loans, company: UUID) -> None:
    an_application(loans, company, amount_cents=CAP)

    with pytest.raises(AmountOutOfRange, match="cap"):
        an_application(loans, company, amount_cents=CAP + 1)


@pytest.mark.parametrize("amount", [0, -100, True])
def test_a_loan_amount_is_a_positive_number_of_cents(
    loans: Loans, company: UUID, amount: int
) -> None:
    with pytest.raises(InvalidAmount):
        an_application(loans, company, amount_cents=amount)


@pytest.mark.parametrize("term", [0, 121, -1])
def test_a_loan_term_runs_from_one_month_to_ten_years(
    loans: Loans, company: UUID, term: int
) -> None:
    with pytest.raises(AmountOutOfRange, match="term"):
        an_application(loans, company, term_months=term)


@pytest.mark.parametrize("term", [1, 120])
def test_the_shortest_and_longest_terms_are_allowed(loans: Loans, company: UUID, term: int) -> None:
    loan_id = an_application(loans, company, term_months=term)

    assert loans.get_loan(CCI, loan_id).term_months == term


def test_the_caps_are_configuration(companies: Companies, company: UUID) -> None:
    loans = Loans(
        env=MEMORY, share_with=companies, rules=LoanRules(max_amount_cents=100, max_term_months=6)
    )

    with pytest.raises(AmountOutOfRange):
        an_application(loans, company, amount_cents=101, term_months=6)
    with pytest.raises(AmountOutOfRange):
        an_application(loans, company, amount_cents=100, term_months=7)
    an_application(loans, company, amount_cents=100, term_months=6)


@pytest.mark.parametrize(("uta", "category"), [(4, "MICRO"), (6000, "GE")])
def test_only_pme_and_eti_may_apply(
    loans: Loans, companies: Companies, uta: int, category: str
) -> None:
    company = a_company(companies, uta=uta)

    with pytest.raises(NotEligible, match=category):
        an_application(loans, company)


def test_an_eti_may_apply(loans: Loans, companies: Companies) -> None:
    company = a_company(companies, uta=1000)

    loan_id = an_application(loans, company)

    assert loans.get_loan(CCI, loan_id).size_category == "ETI"


def test_a_company_whose_size_is_not_assessed_yet_cannot_apply(
    loans: Loans, companies: Companies
) -> None:
    company = Company(
        tenant=CCI,
        siren="356000000",
        legal_name="La Poste",
        region="11",
        departement="75",
        naf="53.10Z",
    )
    companies.save(company)

    with pytest.raises(NotEligible, match="no size category yet"):
        an_application(loans, company.id)


def test_the_pilot_grants_the_guarantee_with_the_share_in_force(
    loans: Loans, company: UUID
) -> None:
    loan_id = a_granted_loan(loans, company)

    loan = loans.get_loan(CCI, loan_id)
    assert loan.status is LoanStatus.GRANTED
    assert (loan.granted_on, loan.guarantee_share_basis_points) == (GRANTED, 7000)


def test_the_guaranteed_share_is_configuration(companies: Companies, company: UUID) -> None:
    loans = Loans(
        env=MEMORY, share_with=companies, rules=LoanRules(guarantee_share_basis_points=5000)
    )

    loan_id = a_granted_loan(loans, company)

    assert loans.get_loan(CCI, loan_id).guarantee_share_basis_points == 5000


@pytest.mark.parametrize("command", ["grant", "refuse", "disburse"])
def test_the_applying_network_cannot_decide_on_its_own_loan(
    loans: Loans, company: UUID, command: str
) -> None:
    loan_id = an_application(loans, company)
    if command == "disburse":
        loans.grant_guarantee(BPIFRANCE, loan_id, on=GRANTED)
    decide: Callable[[], None] = {
        "grant": lambda: loans.grant_guarantee(CCI, loan_id, on=GRANTED),
        "refuse": lambda: loans.refuse_guarantee(CCI, loan_id, on=GRANTED, reason="no"),
        "disburse": lambda: loans.disburse_loan(CCI, loan_id, amount_cents=1, on=GRANTED),
    }[command]
    position = log_position(loans)

    with pytest.raises(Forbidden, match=BPIFRANCE):
        decide()
    assert log_position(loans) == position


def test_a_network_that_is_neither_owner_nor_pilot_gets_not_found(
    loans: Loans, company: UUID
) -> None:
    loan_id = an_application(loans, company)

    with pytest.raises(NotFound):
        loans.get_loan("french-tech", loan_id)
    with pytest.raises(NotFound):
        loans.grant_guarantee("french-tech", loan_id, on=GRANTED)


def test_the_pilot_is_configuration(companies: Companies, company: UUID) -> None:
    loans = Loans(env=MEMORY, share_with=companies, rules=LoanRules(pilot="x"))
    loan_id = an_application(loans, company)

    with pytest.raises(NotFound):
        loans.grant_guarantee(BPIFRANCE, loan_id, on=GRANTED)
    loans.grant_guarantee("x", loan_id, on=GRANTED)


def test_the_pilot_refuses_the_guarantee_with_a_reason(loans: Loans, company: UUID) -> None:
    loan_id = an_application(loans, company)

    loans.refuse_guarantee(BPIFRANCE, loan_id, on=GRANTED, reason="  project  not structuring ")

    loan = loans.get_loan(CCI, loan_id)
    assert loan.status is LoanStatus.REFUSED
    assert (loan.refused_on, loan.refusal_reason) == (GRANTED, "project not structuring")


def test_a_refusal_needs_a_reason(loans: Loans, company: UUID) -> None:
    loan_id = an_application(loans, company)

    with pytest.raises(InvalidValue, match="refusal reason"):
        loans.refuse_guarantee(BPIFRANCE, loan_id, on=GRANTED, reason="  ")


@pytest.mark.parametrize("first", ["grant", "refuse"])
@pytest.mark.parametrize("then", ["grant", "refuse"])
def test_the_guarantee_is_decided_once_and_only_on_an_application(
    loans: Loans, company: UUID, first: str, then: str
) -> None:
    loan_id = an_application(loans, company)
    decide = {
        "grant": lambda: loans.grant_guarantee(BPIFRANCE, loan_id, on=GRANTED),
        "refuse": lambda: loans.refuse_guarantee(BPIFRANCE, loan_id, on=GRANTED, reason="r"),
    }
    decide[first]()

    with pytest.raises(InvalidTransition, match="only when APPLIED"):
        decide[then]()


def test_a_disbursement_comes_after_the_guarantee(loans: Loans, company: UUID) -> None:
    loan_id = an_application(loans, company)

    with pytest.raises(InvalidTransition, match="only when GRANTED"):
        loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=1, on=GRANTED)


def test_a_refused_loan_is_never_disbursed(loans: Loans, company: UUID) -> None:
    loan_id = an_application(loans, company)
    loans.refuse_guarantee(BPIFRANCE, loan_id, on=GRANTED, reason="r")

    with pytest.raises(InvalidTransition):
        loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=1, on=GRANTED)


def test_a_loan_is_disbursed_once(loans: Loans, company: UUID) -> None:
    loan_id = a_granted_loan(loans, company)
    loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=10_000_000, on=GRANTED)

    with pytest.raises(InvalidTransition):
        loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=10_000_000, on=GRANTED)

    loan = loans.get_loan(CCI, loan_id)
    assert (loan.status, loan.disbursed_cents) == (LoanStatus.DISBURSED, 10_000_000)


def test_a_disbursement_is_at_most_the_amount_applied_for(loans: Loans, company: UUID) -> None:
    loan_id = a_granted_loan(loans, company)

    with pytest.raises(AmountOutOfRange, match="applied for"):
        loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=30_000_001, on=GRANTED)
    loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=30_000_000, on=GRANTED)


def test_a_disbursement_is_a_positive_amount(loans: Loans, company: UUID) -> None:
    loan_id = a_granted_loan(loans, company)

    with pytest.raises(InvalidAmount):
        loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=0, on=GRANTED)


def test_a_guarantee_is_not_dated_before_the_application(loans: Loans, company: UUID) -> None:
    loan_id = an_application(loans, company)

    with pytest.raises(InvalidDate, match="before the application"):
        loans.grant_guarantee(BPIFRANCE, loan_id, on=date(2026, 1, 11))
    with pytest.raises(InvalidDate, match="before the application"):
        loans.refuse_guarantee(BPIFRANCE, loan_id, on=date(2026, 1, 11), reason="r")
    loans.grant_guarantee(BPIFRANCE, loan_id, on=APPLIED)  # the same day is fine


def test_a_disbursement_is_not_dated_before_the_guarantee(loans: Loans, company: UUID) -> None:
    loan_id = a_granted_loan(loans, company)

    with pytest.raises(InvalidDate, match="before the guarantee"):
        loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=1, on=date(2026, 2, 1))


def test_dates_are_calendar_dates(loans: Loans, company: UUID) -> None:
    with pytest.raises(InvalidDate):
        an_application(loans, company, on=datetime(2026, 1, 12, 9, 0))


def test_an_application_sent_twice_with_one_key_is_applied_once(
    loans: Loans, company: UUID
) -> None:
    def apply() -> UUID:
        return loans.apply_for_loan(
            CCI,
            company_id=company,
            amount_cents=100,
            term_months=12,
            purpose="p",
            on=APPLIED,
            idempotency_key="k1",
        )

    first = apply()
    position = log_position(loans)

    assert apply() == first
    assert log_position(loans) == position


@pytest.mark.parametrize(
    "rules",
    [
        {"max_amount_cents": 0},
        {"max_term_months": 0},
        {"guarantee_share_basis_points": 0},
        {"guarantee_share_basis_points": 10_001},
        {"eligible_categories": frozenset({"SME"})},
    ],
)
def test_rules_out_of_range_are_refused(rules: dict[str, object]) -> None:
    with pytest.raises(InvalidValue):
        LoanRules(**rules)  # type: ignore[arg-type]


# --- one company's exposure across its live loans ---------------------------------------------


def test_a_companys_live_loans_stay_within_the_cap_per_company(loans: Loans, company: UUID) -> None:
    an_application(loans, company, amount_cents=CAP)
    before = log_position(loans)

    with pytest.raises(AmountOutOfRange, match=f"above the cap of {CAP} cents per company"):
        an_application(loans, company, amount_cents=1)

    assert log_position(loans) == before


def test_the_cap_per_company_holds_across_networks(
    loans: Loans, companies: Companies, company: UUID
) -> None:
    referred_to_french_tech(companies, company)
    an_application(loans, company, amount_cents=CAP - 1)

    with pytest.raises(AmountOutOfRange, match="per company"):
        an_application(loans, company, amount_cents=2, tenant="french-tech")


def test_a_refused_guarantee_frees_the_companys_exposure(loans: Loans, company: UUID) -> None:
    refused = an_application(loans, company, amount_cents=CAP)
    loans.refuse_guarantee(BPIFRANCE, refused, on=GRANTED, reason="no collateral")

    an_application(loans, company, amount_cents=CAP)

    assert loans.exposure(company).total_cents == CAP


def test_a_disbursed_loan_counts_for_what_was_disbursed(loans: Loans, company: UUID) -> None:
    loan_id = a_granted_loan(loans, company)  # 300,000 euros applied for
    loans.disburse_loan(BPIFRANCE, loan_id, amount_cents=10_000_000, on=GRANTED)

    an_application(loans, company, amount_cents=CAP - 10_000_000)

    assert loans.exposure(company).total_cents == CAP


def test_the_cap_per_company_is_configuration(companies: Companies, company: UUID) -> None:
    wider = Loans(env=MEMORY, share_with=companies, rules=LoanRules(max_exposure_cents=2 * CAP))
    for _ in range(2):
        an_application(wider, company, amount_cents=CAP)

    assert wider.exposure(company).total_cents == 2 * CAP
    with pytest.raises(InvalidValue, match="cap per company"):
        LoanRules(max_exposure_cents=CAP - 1)
