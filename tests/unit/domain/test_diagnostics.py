"""Diagnostic Data IA: the rules of its lifecycle, through the write application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from osezia.domain.budget.application import Budget
from osezia.domain.budget.model import Commitment, Envelope, Measure
from osezia.domain.companies.application import Companies
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.diagnostics.model import DiagnosticStatus
from osezia.domain.diagnostics.rules import DiagnosticRules
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.errors import (
    BudgetExceeded,
    ExpertDaysExceeded,
    IdempotencyKeyReused,
    InvalidAmount,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotFound,
)
from osezia.domain.sizes import SizeFacts
from tests.unit.conftest import MEMORY

BPIFRANCE = "bpifrance"
CCI = "cci"  # registers the companies first; Bpifrance then follows them

Status = DiagnosticStatus
Step = Callable[[Diagnostics, UUID], None]

USE_CASES = [
    UseCase("UC1", "Tri automatique des factures fournisseurs"),
    UseCase("UC2", "Prévision des ventes par magasin"),
]
SCORES = [UseCaseScore("UC1", value=3, feasibility=4), UseCaseScore("UC2", value=5, feasibility=2)]

# The regular path of a diagnostic: each step and the status it leads to.
PATH: list[tuple[DiagnosticStatus, Step]] = [
    (Status.ELIGIBLE, lambda app, id_: app.check_eligibility(BPIFRANCE, id_)),
    (Status.EXPERT_ASSIGNED, lambda app, id_: app.assign_expert(BPIFRANCE, id_, expert="Lumen")),
    (Status.INVENTORY_DELIVERED, lambda app, id_: app.deliver_inventory(BPIFRANCE, id_)),
    (
        Status.USE_CASES_IDENTIFIED,
        lambda app, id_: app.identify_use_cases(BPIFRANCE, id_, use_cases=USE_CASES),
    ),
    (
        Status.USE_CASES_PRIORITISED,
        lambda app, id_: app.prioritise_use_cases(BPIFRANCE, id_, scores=SCORES),
    ),
    (
        Status.REPORT_DELIVERED,
        lambda app, id_: app.deliver_report(BPIFRANCE, id_, on=date(2026, 6, 30)),
    ),
    (
        Status.COFINANCING_PAID,
        lambda app, id_: app.pay_cofinancing(BPIFRANCE, id_, price_cents=1_000_000),
    ),
]
STATUSES_BEFORE_REPORT = [Status.REQUESTED, *(status for status, _ in PATH[:5])]


def a_company(companies: Companies, siren: str, size: SizeFacts) -> UUID:
    """A company CCI registered, which Bpifrance follows too, with the same size facts."""
    for tenant in (CCI, BPIFRANCE):
        company_id = companies.register_company(
            tenant,
            siren=siren,
            legal_name=f"Société {siren}",
            region="11",
            departement="75",
            naf="62.01Z",
            size=size,
        )
    return company_id


def a_diagnostic_at(status: DiagnosticStatus, diagnostics: Diagnostics, company_id: UUID) -> UUID:
    """A diagnostic requested by Bpifrance and taken along the regular path up to ``status``."""
    diagnostic_id = diagnostics.request_diagnostic(BPIFRANCE, company_id=company_id)
    if status is Status.REQUESTED:
        return diagnostic_id
    for reached, step in PATH:
        step(diagnostics, diagnostic_id)
        if reached is status:
            return diagnostic_id
    raise AssertionError(f"{status} is not on the regular path")


def identified(diagnostics: Diagnostics, company_id: UUID, codes: list[str]) -> UUID:
    """A diagnostic whose use cases ``codes`` were identified, in that order."""
    diagnostic_id = a_diagnostic_at(Status.INVENTORY_DELIVERED, diagnostics, company_id)
    use_cases = [UseCase(code, f"Cas d'usage {code}") for code in codes]
    diagnostics.identify_use_cases(BPIFRANCE, diagnostic_id, use_cases=use_cases)
    return diagnostic_id


def log_length(diagnostics: Diagnostics) -> int:
    return diagnostics.recorder.max_notification_id() or 0


@pytest.fixture
def diagnostics(companies: Companies) -> Diagnostics:
    return Diagnostics(env=MEMORY, share_with=companies)


@pytest.fixture
def pme(companies: Companies) -> UUID:
    return a_company(companies, "552100018", SizeFacts(headcount_uta=Decimal(50)))


@pytest.fixture
def micro(companies: Companies) -> UUID:
    return a_company(companies, "552100026", SizeFacts(headcount_uta=Decimal(4)))


# Lifecycle


def test_a_diagnostic_runs_from_request_to_the_states_cofinancing(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.COFINANCING_PAID, diagnostics, pme)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert diagnostic.status is Status.COFINANCING_PAID
    assert diagnostic.company_id == pme
    assert diagnostic.expert == "Lumen"
    assert diagnostic.use_cases == USE_CASES
    assert diagnostic.report_delivered_on == date(2026, 6, 30)
    assert diagnostic.cofinancing_cents == 400_000


def test_a_network_requests_a_diagnostic_for_a_company_another_network_registered_first(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = diagnostics.request_diagnostic(BPIFRANCE, company_id=pme)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert diagnostic.tenant == BPIFRANCE
    assert diagnostic.status is Status.REQUESTED
    assert diagnostic.expert_days_cap == 10


def test_a_diagnostic_cannot_be_requested_for_an_unknown_company(
    diagnostics: Diagnostics,
) -> None:
    with pytest.raises(NotFound):
        diagnostics.request_diagnostic(BPIFRANCE, company_id=uuid4())

    assert log_length(diagnostics) == 0


@pytest.mark.parametrize(
    ("step", "at_status", "step_name"),
    [
        (PATH[1][1], Status.REQUESTED, "assign an expert"),
        (PATH[2][1], Status.ELIGIBLE, "deliver the inventory"),
        (PATH[3][1], Status.EXPERT_ASSIGNED, "identify use cases"),
        (PATH[4][1], Status.INVENTORY_DELIVERED, "prioritise use cases"),
        (PATH[5][1], Status.USE_CASES_IDENTIFIED, "deliver the report"),
        (PATH[6][1], Status.USE_CASES_PRIORITISED, "pay the co-financing"),
        (PATH[0][1], Status.ELIGIBLE, "check eligibility"),
        (PATH[5][1], Status.REPORT_DELIVERED, "deliver the report"),
        (PATH[6][1], Status.COFINANCING_PAID, "pay the co-financing"),
    ],
)
def test_a_step_out_of_order_is_refused_naming_the_status_and_the_step(
    diagnostics: Diagnostics, pme: UUID, step: Step, at_status: Status, step_name: str
) -> None:
    diagnostic_id = a_diagnostic_at(at_status, diagnostics, pme)

    with pytest.raises(InvalidTransition, match=f"is {at_status}: cannot {step_name}"):
        step(diagnostics, diagnostic_id)


# Eligibility


@pytest.mark.parametrize(
    ("siren", "headcount", "category"),
    [("552100034", 10, "PME"), ("552100042", 249, "PME"), ("552100059", 250, "ETI")],
)
def test_a_pme_or_an_eti_is_eligible(
    diagnostics: Diagnostics, companies: Companies, siren: str, headcount: int, category: str
) -> None:
    company_id = a_company(companies, siren, SizeFacts(headcount_uta=Decimal(headcount)))
    diagnostic_id = diagnostics.request_diagnostic(BPIFRANCE, company_id=company_id)

    diagnostics.check_eligibility(BPIFRANCE, diagnostic_id)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert (diagnostic.eligible, diagnostic.size_category) == (True, category)
    assert diagnostic.status is Status.ELIGIBLE


@pytest.mark.parametrize(("headcount", "category"), [(Decimal(9), "MICRO"), (Decimal(5000), "GE")])
def test_a_micro_enterprise_or_a_large_one_is_not_eligible_and_its_diagnostic_ends(
    diagnostics: Diagnostics, companies: Companies, headcount: Decimal, category: str
) -> None:
    company_id = a_company(companies, "552100067", SizeFacts(headcount_uta=headcount))
    diagnostic_id = diagnostics.request_diagnostic(BPIFRANCE, company_id=company_id)

    diagnostics.check_eligibility(BPIFRANCE, diagnostic_id)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert (diagnostic.eligible, diagnostic.size_category) == (False, category)
    assert diagnostic.status is Status.INELIGIBLE
    with pytest.raises(InvalidTransition, match="is INELIGIBLE: cannot assign an expert"):
        diagnostics.assign_expert(BPIFRANCE, diagnostic_id, expert="Lumen")
    with pytest.raises(InvalidTransition, match="is INELIGIBLE: cannot cancel"):
        diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason="not eligible")


def test_the_eligible_categories_are_configurable(
    companies: Companies, micro: UUID, pme: UUID
) -> None:
    diagnostics = Diagnostics(
        env=MEMORY,
        share_with=companies,
        rules=DiagnosticRules(eligible_categories=frozenset({"MICRO"})),
    )
    for_micro = diagnostics.request_diagnostic(BPIFRANCE, company_id=micro)
    for_pme = diagnostics.request_diagnostic(BPIFRANCE, company_id=pme)

    diagnostics.check_eligibility(BPIFRANCE, for_micro)
    diagnostics.check_eligibility(BPIFRANCE, for_pme)

    assert diagnostics.get_diagnostic(BPIFRANCE, for_micro).eligible is True
    assert diagnostics.get_diagnostic(BPIFRANCE, for_pme).eligible is False
    assert diagnostics.get_diagnostic(BPIFRANCE, for_pme).eligible_categories == ["MICRO"]


def test_eligibility_keeps_the_size_the_company_had_when_it_was_checked(
    diagnostics: Diagnostics, companies: Companies, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.ELIGIBLE, diagnostics, pme)

    companies.reassess_size(BPIFRANCE, pme, SizeFacts(headcount_uta=Decimal(3)))

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert (diagnostic.size_category, diagnostic.eligible) == ("PME", True)


# Expert and expert days


def test_an_expert_must_be_named(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.ELIGIBLE, diagnostics, pme)

    with pytest.raises(InvalidValue, match="expert"):
        diagnostics.assign_expert(BPIFRANCE, diagnostic_id, expert="   ")


def test_expert_days_are_logged_several_times_up_to_the_cap(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)

    for days in (3, 3, 4):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=days)

    assert diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).expert_days_logged == 10


def test_a_diagnostic_cannot_log_more_than_ten_expert_days(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=7)

    with pytest.raises(ExpertDaysExceeded, match="7 already logged, the cap is 10"):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=4)


def test_the_expert_days_cap_is_configurable(companies: Companies, pme: UUID) -> None:
    diagnostics = Diagnostics(env=MEMORY, share_with=companies, rules=DiagnosticRules(12))
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)

    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=12)

    with pytest.raises(ExpertDaysExceeded, match="the cap is 12"):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=1)


def test_a_diagnostic_keeps_the_cap_in_force_when_it_was_requested(
    diagnostics: Diagnostics, companies: Companies, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    tighter = Diagnostics(env=MEMORY, share_with=companies, rules=DiagnosticRules(5))

    tighter.log_expert_days(BPIFRANCE, diagnostic_id, days=8)

    assert tighter.get_diagnostic(BPIFRANCE, diagnostic_id).expert_days_logged == 8


@pytest.mark.parametrize("days", [0, -1, True])
def test_expert_days_are_a_positive_whole_number(
    diagnostics: Diagnostics, pme: UUID, days: int
) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)

    with pytest.raises(InvalidValue, match="expert days"):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=days)


@pytest.mark.parametrize(
    "status", [Status.ELIGIBLE, Status.REPORT_DELIVERED, Status.COFINANCING_PAID]
)
def test_expert_days_are_logged_only_between_assignment_and_report(
    diagnostics: Diagnostics, pme: UUID, status: Status
) -> None:
    diagnostic_id = a_diagnostic_at(status, diagnostics, pme)

    with pytest.raises(InvalidTransition, match=f"is {status}: cannot log expert days"):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=1)


@pytest.mark.parametrize(
    "status",
    [Status.INVENTORY_DELIVERED, Status.USE_CASES_IDENTIFIED, Status.USE_CASES_PRIORITISED],
)
def test_expert_days_may_be_logged_until_the_report(
    diagnostics: Diagnostics, pme: UUID, status: Status
) -> None:
    diagnostic_id = a_diagnostic_at(status, diagnostics, pme)

    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=2)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert (diagnostic.expert_days_logged, diagnostic.status) == (2, status)


# Use cases and their priorities


@pytest.mark.parametrize(
    "use_cases",
    [
        [],
        [UseCase("UC1", "Chatbot"), UseCase("UC1", "Tri des factures")],
        [UseCase(" ", "Chatbot")],
        [UseCase("UC1", "  ")],
    ],
    ids=["none", "duplicate code", "no code", "no title"],
)
def test_use_cases_are_at_least_one_each_with_a_unique_code_and_a_title(
    diagnostics: Diagnostics, pme: UUID, use_cases: list[UseCase]
) -> None:
    diagnostic_id = a_diagnostic_at(Status.INVENTORY_DELIVERED, diagnostics, pme)

    with pytest.raises(InvalidValue):
        diagnostics.identify_use_cases(BPIFRANCE, diagnostic_id, use_cases=use_cases)


def test_use_cases_are_ranked_by_value_times_feasibility(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = identified(diagnostics, pme, ["A", "B", "C"])
    scores = [UseCaseScore("A", 2, 2), UseCaseScore("B", 5, 5), UseCaseScore("C", 1, 5)]

    diagnostics.prioritise_use_cases(BPIFRANCE, diagnostic_id, scores=scores)

    priorities = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).priorities
    assert [(p.code, p.priority) for p in priorities] == [("B", 25), ("C", 5), ("A", 4)]


def test_a_tie_goes_to_the_higher_value_then_to_the_use_case_identified_first(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = identified(diagnostics, pme, ["A", "B", "C", "D", "E"])
    scores = [
        UseCaseScore("E", value=3, feasibility=4),
        UseCaseScore("D", value=4, feasibility=1),
        UseCaseScore("C", value=2, feasibility=2),
        UseCaseScore("B", value=4, feasibility=3),
        UseCaseScore("A", value=3, feasibility=4),
    ]

    diagnostics.prioritise_use_cases(BPIFRANCE, diagnostic_id, scores=scores)

    priorities = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).priorities
    assert [p.code for p in priorities] == ["B", "A", "E", "D", "C"]


@pytest.mark.parametrize(("value", "feasibility"), [(0, 3), (6, 3), (3, 0), (3, 6)])
def test_a_score_outside_one_to_five_is_refused(
    diagnostics: Diagnostics, pme: UUID, value: int, feasibility: int
) -> None:
    diagnostic_id = identified(diagnostics, pme, ["A"])

    with pytest.raises(InvalidValue, match="must be from 1 to 5"):
        diagnostics.prioritise_use_cases(
            BPIFRANCE, diagnostic_id, scores=[UseCaseScore("A", value, feasibility)]
        )


@pytest.mark.parametrize(
    ("scores", "problem"),
    [
        ([UseCaseScore("A", 3, 3)], "B not scored"),
        ([UseCaseScore("A", 3, 3), UseCaseScore("B", 2, 2), UseCaseScore("A", 1, 1)], "A scored"),
        ([UseCaseScore("A", 3, 3), UseCaseScore("B", 2, 2), UseCaseScore("Z", 1, 1)], "Z not"),
    ],
    ids=["missing", "duplicate", "unidentified"],
)
def test_every_identified_use_case_is_scored_exactly_once(
    diagnostics: Diagnostics, pme: UUID, scores: list[UseCaseScore], problem: str
) -> None:
    diagnostic_id = identified(diagnostics, pme, ["A", "B"])

    with pytest.raises(InvalidValue, match=problem):
        diagnostics.prioritise_use_cases(BPIFRANCE, diagnostic_id, scores=scores)


# Report and co-financing


def test_a_report_is_dated_with_a_calendar_date(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.USE_CASES_PRIORITISED, diagnostics, pme)

    with pytest.raises(InvalidDate):
        diagnostics.deliver_report(BPIFRANCE, diagnostic_id, on=datetime(2026, 6, 30, 12, 0))


def test_the_state_pays_forty_percent_of_the_price_rounded_to_the_cent(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.REPORT_DELIVERED, diagnostics, pme)

    diagnostics.pay_cofinancing(BPIFRANCE, diagnostic_id, price_cents=123_457)

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert diagnostic.status is Status.COFINANCING_PAID
    assert (diagnostic.price_cents, diagnostic.state_share_basis_points) == (123_457, 4000)
    assert diagnostic.cofinancing_cents == 49_383  # 49,382.8 cents


def test_the_states_share_is_rounded_half_up(companies: Companies, pme: UUID) -> None:
    diagnostics = Diagnostics(
        env=MEMORY, share_with=companies, rules=DiagnosticRules(state_share_basis_points=4200)
    )
    diagnostic_id = a_diagnostic_at(Status.REPORT_DELIVERED, diagnostics, pme)

    diagnostics.pay_cofinancing(BPIFRANCE, diagnostic_id, price_cents=125)

    assert diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).cofinancing_cents == 53  # 52.5


def test_a_diagnostic_keeps_the_share_in_force_when_it_was_paid(
    diagnostics: Diagnostics, companies: Companies, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.COFINANCING_PAID, diagnostics, pme)
    rules_of_next_year = DiagnosticRules(state_share_basis_points=5000)

    later = Diagnostics(env=MEMORY, share_with=companies, rules=rules_of_next_year)

    diagnostic = later.get_diagnostic(BPIFRANCE, diagnostic_id)

    assert (diagnostic.state_share_basis_points, diagnostic.cofinancing_cents) == (4000, 400_000)


@pytest.mark.parametrize("price_cents", [0, -100])
def test_a_price_is_a_positive_number_of_cents(
    diagnostics: Diagnostics, pme: UUID, price_cents: int
) -> None:
    diagnostic_id = a_diagnostic_at(Status.REPORT_DELIVERED, diagnostics, pme)

    with pytest.raises(InvalidAmount, match=f"price {price_cents}"):
        diagnostics.pay_cofinancing(BPIFRANCE, diagnostic_id, price_cents=price_cents)


# Cancellation


@pytest.mark.parametrize("status", STATUSES_BEFORE_REPORT)
def test_a_diagnostic_is_cancelled_with_a_reason_before_its_report(
    diagnostics: Diagnostics, pme: UUID, status: Status
) -> None:
    diagnostic_id = a_diagnostic_at(status, diagnostics, pme)

    diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason="l'entreprise renonce")

    diagnostic = diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id)
    assert diagnostic.status is Status.CANCELLED
    assert diagnostic.cancellation_reason == "l'entreprise renonce"


@pytest.mark.parametrize("status", [Status.REPORT_DELIVERED, Status.COFINANCING_PAID])
def test_a_diagnostic_cannot_be_cancelled_after_its_report(
    diagnostics: Diagnostics, pme: UUID, status: Status
) -> None:
    diagnostic_id = a_diagnostic_at(status, diagnostics, pme)

    with pytest.raises(InvalidTransition, match=f"is {status}: cannot cancel"):
        diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason="trop tard")


def test_a_diagnostic_cannot_be_cancelled_twice(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason="l'expert est indisponible")

    with pytest.raises(InvalidTransition, match="is CANCELLED: cannot cancel"):
        diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason="encore")


def test_a_cancelled_diagnostic_takes_no_further_step(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason="l'expert est indisponible")

    with pytest.raises(InvalidTransition, match="is CANCELLED: cannot deliver the inventory"):
        diagnostics.deliver_inventory(BPIFRANCE, diagnostic_id)


def test_a_cancellation_needs_a_reason(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.REQUESTED, diagnostics, pme)

    with pytest.raises(InvalidValue, match="reason"):
        diagnostics.cancel_diagnostic(BPIFRANCE, diagnostic_id, reason=" \t ")


# Idempotency, tenants, failures


def test_a_request_sent_again_with_its_key_returns_the_first_diagnostic_and_appends_nothing(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    first = diagnostics.request_diagnostic(BPIFRANCE, company_id=pme, idempotency_key="k-1")
    length = log_length(diagnostics)

    again = diagnostics.request_diagnostic(BPIFRANCE, company_id=pme, idempotency_key="k-1")

    assert again == first
    assert log_length(diagnostics) == length


def test_expert_days_sent_again_with_their_key_are_logged_once(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=4, idempotency_key="days-1")
    length = log_length(diagnostics)

    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=4, idempotency_key="days-1")

    assert log_length(diagnostics) == length
    assert diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).expert_days_logged == 4


def test_a_key_sent_again_with_other_arguments_is_refused(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=4, idempotency_key="days-1")
    length = log_length(diagnostics)

    with pytest.raises(IdempotencyKeyReused):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=5, idempotency_key="days-1")

    assert log_length(diagnostics) == length


def test_another_networks_diagnostic_is_not_found(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)

    with pytest.raises(NotFound):
        diagnostics.get_diagnostic(CCI, diagnostic_id)
    with pytest.raises(NotFound):
        diagnostics.log_expert_days(CCI, diagnostic_id, days=1)


def test_an_unknown_diagnostic_is_not_found(diagnostics: Diagnostics) -> None:
    with pytest.raises(NotFound, match="no diagnostic"):
        diagnostics.deliver_inventory(BPIFRANCE, uuid4())


def test_a_failed_command_appends_nothing(diagnostics: Diagnostics, pme: UUID) -> None:
    diagnostic_id = a_diagnostic_at(Status.EXPERT_ASSIGNED, diagnostics, pme)
    diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=9)
    length = log_length(diagnostics)

    with pytest.raises(ExpertDaysExceeded):
        diagnostics.log_expert_days(BPIFRANCE, diagnostic_id, days=2, idempotency_key="k-2")

    assert log_length(diagnostics) == length
    assert diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).expert_days_logged == 9


# Configuration


@pytest.mark.parametrize(
    "make_rules",
    [
        lambda: DiagnosticRules(expert_days_cap=0),
        lambda: DiagnosticRules(state_share_basis_points=0),
        lambda: DiagnosticRules(state_share_basis_points=10_001),
        lambda: DiagnosticRules(eligible_categories=frozenset({"SME"})),
    ],
    ids=["no days", "no share", "share above 100 %", "unknown category"],
)
def test_rules_that_make_no_sense_are_refused(make_rules: Callable[[], DiagnosticRules]) -> None:
    with pytest.raises(InvalidValue):
        make_rules()


# The State's share charged to the plan's budget


def budget_of(diagnostics: Diagnostics, allocations: dict[str, int] | None = None) -> Budget:
    """The plan's budget, on the diagnostics' store, opened (small when given allocations)."""
    budget = Budget(env=MEMORY, share_with=diagnostics)
    if allocations is None:
        budget.open_budget("operator")
    else:
        budget.open_budget(
            "operator", total_cents=sum(allocations.values()), allocations=allocations
        )
    return budget


def test_a_cofinancing_paid_commits_and_pays_the_states_share_on_the_budget_that_day(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    budget = budget_of(diagnostics)
    diagnostic_id = a_diagnostic_at(Status.REPORT_DELIVERED, diagnostics, pme)
    diagnostics.today = lambda: date(2026, 7, 6)

    diagnostics.pay_cofinancing(BPIFRANCE, diagnostic_id, price_cents=1_000_000)

    envelope = budget.envelope()
    assert envelope.committed[Measure.DIAGNOSTICS] == 400_000
    assert envelope.paid[Measure.DIAGNOSTICS] == 400_000
    assert envelope.commitments[f"DIAG-{diagnostic_id}"] == Commitment(
        Measure.DIAGNOSTICS, 400_000, 400_000, date(2026, 7, 6)
    )


def test_before_the_budget_is_open_a_cofinancing_is_paid_and_charges_nothing(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    diagnostic_id = a_diagnostic_at(Status.COFINANCING_PAID, diagnostics, pme)

    assert diagnostics.get_diagnostic(BPIFRANCE, diagnostic_id).cofinancing_cents == 400_000
    assert diagnostics.find(Envelope.create_id(), Envelope) is None


def test_a_share_above_what_the_measure_has_left_refuses_the_payment_until_an_overrun(
    diagnostics: Diagnostics, pme: UUID
) -> None:
    budget = budget_of(diagnostics, {"DIAGNOSTICS": 500_000, "CALLS": 500_000})
    first = a_diagnostic_at(Status.COFINANCING_PAID, diagnostics, pme)  # 400,000 of 500,000
    second = a_diagnostic_at(Status.REPORT_DELIVERED, diagnostics, pme)
    before = log_length(diagnostics)

    with pytest.raises(BudgetExceeded, match="DIAGNOSTICS"):
        diagnostics.pay_cofinancing(BPIFRANCE, second, price_cents=1_000_000)

    assert log_length(diagnostics) == before  # neither the diagnostic nor the envelope moved
    assert diagnostics.get_diagnostic(BPIFRANCE, second).status is Status.REPORT_DELIVERED
    assert budget.envelope().committed[Measure.DIAGNOSTICS] == 400_000
    budget.authorise_overrun(
        "operator",
        measure="DIAGNOSTICS",
        amount_cents=300_000,
        decision_reference="Arrêté 2026-17",
        on=date(2026, 5, 4),
    )
    diagnostics.pay_cofinancing(BPIFRANCE, second, price_cents=1_000_000)
    assert budget.envelope().paid[Measure.DIAGNOSTICS] == 800_000
    assert set(budget.envelope().commitments) == {f"DIAG-{first}", f"DIAG-{second}"}
