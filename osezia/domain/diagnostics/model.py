"""Diagnostic Data IA: an expert's days with a company, run by Bpifrance, co-financed by the State.

The steps follow each other in one order: request, eligibility, expert, inventory, use cases,
prioritisation, report, co-financing. The scheme's parameters are in ``rules``; each diagnostic
records in its events the values it used, so that replaying it never depends on today's
configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.diagnostics.rules import state_share_of
from osezia.domain.diagnostics.usecases import (
    UseCase,
    UseCaseScore,
    check_scores,
    check_use_cases,
)
from osezia.domain.errors import (
    DomainError,
    ExpertDaysExceeded,
    InvalidAmount,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotEligible,
)
from osezia.domain.inputs import BASIS_POINTS, is_whole
from osezia.domain.personal import PersonalData, of_expert, of_sole_trader, personal_data


class DiagnosticStatus(StrEnum):
    REQUESTED = "REQUESTED"
    ELIGIBLE = "ELIGIBLE"
    INELIGIBLE = "INELIGIBLE"
    EXPERT_ASSIGNED = "EXPERT_ASSIGNED"
    INVENTORY_DELIVERED = "INVENTORY_DELIVERED"
    USE_CASES_IDENTIFIED = "USE_CASES_IDENTIFIED"
    USE_CASES_PRIORITISED = "USE_CASES_PRIORITISED"
    REPORT_DELIVERED = "REPORT_DELIVERED"
    COFINANCING_PAID = "COFINANCING_PAID"
    CANCELLED = "CANCELLED"


Status = DiagnosticStatus

# Each step and the statuses it may be taken from.
_ALLOWED_FROM: dict[str, tuple[DiagnosticStatus, ...]] = {
    "check eligibility": (Status.REQUESTED,),
    "assign an expert": (Status.ELIGIBLE,),
    "log expert days": (
        Status.EXPERT_ASSIGNED,
        Status.INVENTORY_DELIVERED,
        Status.USE_CASES_IDENTIFIED,
        Status.USE_CASES_PRIORITISED,
    ),
    "deliver the inventory": (Status.EXPERT_ASSIGNED,),
    "identify use cases": (Status.INVENTORY_DELIVERED,),
    "prioritise use cases": (Status.USE_CASES_IDENTIFIED,),
    "deliver the report": (Status.USE_CASES_PRIORITISED,),
    "pay the co-financing": (Status.REPORT_DELIVERED,),
    "cancel": (
        Status.REQUESTED,
        Status.ELIGIBLE,
        Status.EXPERT_ASSIGNED,
        Status.INVENTORY_DELIVERED,
        Status.USE_CASES_IDENTIFIED,
        Status.USE_CASES_PRIORITISED,
    ),
}


class NoExpertAssigned(DomainError):
    """A correction of a diagnostic's expert before any expert was assigned to it."""

    code = "NO_EXPERT_ASSIGNED"


def _expert_name(expert: str) -> str:
    # One rule for the text of an expert, assigned or corrected: white space folded, not empty.
    name = " ".join(expert.split())
    if not name:
        raise InvalidValue("the expert (a name or an organisation) cannot be empty")
    return name


class Diagnostic(Aggregate):
    """A company's diagnostic Data IA, owned by the tenant (network) that requested it."""

    class Requested(Aggregate.Created):
        """A network asked for a diagnostic for a company; the day cap in force is kept."""

        tenant: str
        company_id: UUID
        company_siren: str
        company_name: str
        region: str
        segment: str | None
        expert_days_cap: int
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("company_name", siren="company_siren"),
            not_personal=("tenant", "company_siren", "region", "segment"),
        )

    class EligibilityChecked(Aggregate.Event):
        """The company's size category was checked against the eligible ones of the day."""

        size_category: str
        eligible: bool
        eligible_categories: list[str]
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            not_personal=("size_category", "eligible_categories")
        )

    class ExpertAssigned(Aggregate.Event):
        """An expert (a person's or an organisation's name, in free text) was assigned."""

        expert: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(of_expert("expert"))

    class ExpertCorrected(Aggregate.Event):
        """The expert's text was corrected (RGPD art. 16). It is sealed under a new key
        generation of the expert's, and the older ones are destroyed: the text recorded before
        reads « effacé » from then on."""

        expert: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(of_expert("expert"))

    class ExpertDaysLogged(Aggregate.Event):
        """The expert spent more days on the diagnostic."""

        days: int

    class InventoryDelivered(Aggregate.Event):
        """The technical and operational inventory was delivered."""

    class UseCasesIdentified(Aggregate.Event):
        """The expert identified the company's use cases of AI."""

        use_cases: list[dict[str, str]]  # [{"code": ..., "title": ...}], in identification order
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("use_cases",))

    class UseCasesPrioritised(Aggregate.Event):
        """The use cases were scored; ``ranking`` lists their codes, highest priority first."""

        ranking: list[str]
        scores: dict[str, dict[str, int]]  # code -> {"value": ..., "feasibility": ...}
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("ranking", "scores"))

    class ReportDelivered(Aggregate.Event):
        """The expert delivered the diagnostic's report on ``on``."""

        on: date

    class CofinancingPaid(Aggregate.Event):
        """The State paid its share of the price, computed with the share in force."""

        price_cents: int
        state_share_basis_points: int
        amount_cents: int

    class Cancelled(Aggregate.Event):
        """The diagnostic was cancelled before its report, with a reason."""

        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    @event(Requested)
    def __init__(
        self,
        tenant: str,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        segment: str | None,
        expert_days_cap: int,
    ) -> None:
        # The company as it was at the request travels with the diagnostic: Bpifrance sees
        # every diagnostic, not every company, and follows them by region and segment.
        self.tenant = tenant
        self.company_id = company_id
        self.company_siren = company_siren
        self.company_name = company_name
        self.region = region
        self.segment = segment
        self.expert_days_cap = expert_days_cap
        self.status = DiagnosticStatus.REQUESTED
        self.size_category: str | None = None
        self.eligible: bool | None = None
        self.eligible_categories: list[str] = []
        self.expert: str | None = None
        self.expert_days_logged = 0
        self.use_cases: list[UseCase] = []
        self.priorities: list[UseCaseScore] = []
        self.report_delivered_on: date | None = None
        self.price_cents: int | None = None
        self.state_share_basis_points: int | None = None
        self.cofinancing_cents: int | None = None
        self.cancellation_reason: str | None = None

    def check_step(self, step: str) -> None:
        allowed = _ALLOWED_FROM[step]
        if self.status not in allowed:
            raise InvalidTransition(
                f"diagnostic {self.id} is {self.status}: cannot {step} "
                f"(only when {', '.join(allowed)})"
            )

    def assess_eligibility(
        self, size_category: str | None, eligible_categories: frozenset[str]
    ) -> None:
        self.check_step("check eligibility")
        if size_category is None:
            raise NotEligible(
                f"company {self.company_id} has no size category yet: "
                "assess its size before checking its eligibility"
            )
        self._record_eligibility(
            size_category=size_category,
            eligible=size_category in eligible_categories,
            eligible_categories=sorted(eligible_categories),
        )

    @event(EligibilityChecked)
    def _record_eligibility(
        self, size_category: str, eligible: bool, eligible_categories: list[str]
    ) -> None:
        self.size_category = size_category
        self.eligible = eligible
        self.eligible_categories = list(eligible_categories)
        self.status = DiagnosticStatus.ELIGIBLE if eligible else DiagnosticStatus.INELIGIBLE

    def assign_expert(self, expert: str) -> None:
        self.check_step("assign an expert")
        self._assign_expert(_expert_name(expert))

    @event(ExpertAssigned)
    def _assign_expert(self, expert: str) -> None:
        self.expert = expert
        self.status = DiagnosticStatus.EXPERT_ASSIGNED

    def correct_expert(self, expert: str) -> None:
        # At any status once an expert is named, a cancelled or paid diagnostic's too: the
        # right to rectification lasts as long as the text does.
        if self.expert is None:
            raise NoExpertAssigned(
                f"diagnostic {self.id} has no expert assigned yet: there is no expert to "
                "correct (assign one with assignExpert)"
            )
        name = _expert_name(expert)
        if name == self.expert:
            raise InvalidValue("the corrected expert is the expert recorded: nothing to correct")
        self._correct_expert(name)

    @event(ExpertCorrected)
    def _correct_expert(self, expert: str) -> None:
        self.expert = expert

    def log_expert_days(self, days: int) -> None:
        self.check_step("log expert days")
        self.check_expert_days(days)
        self._log_expert_days(days)

    def check_expert_days(self, days: int) -> None:
        if not is_whole(days) or days < 1:
            raise InvalidValue(f"expert days {days!r} must be a whole number of at least 1")
        if self.expert_days_logged + days > self.expert_days_cap:
            raise ExpertDaysExceeded(
                f"cannot log {days} more expert days on diagnostic {self.id}: "
                f"{self.expert_days_logged} already logged, the cap is {self.expert_days_cap}"
            )

    @event(ExpertDaysLogged)
    def _log_expert_days(self, days: int) -> None:
        self.expert_days_logged += days

    def deliver_inventory(self) -> None:
        self.check_step("deliver the inventory")
        self._deliver_inventory()

    @event(InventoryDelivered)
    def _deliver_inventory(self) -> None:
        self.status = DiagnosticStatus.INVENTORY_DELIVERED

    def identify_use_cases(self, use_cases: Sequence[UseCase]) -> None:
        self.check_step("identify use cases")
        cleaned = [UseCase(u.code.strip(), " ".join(u.title.split())) for u in use_cases]
        check_use_cases(cleaned)
        self._identify_use_cases([{"code": u.code, "title": u.title} for u in cleaned])

    @event(UseCasesIdentified)
    def _identify_use_cases(self, use_cases: list[dict[str, str]]) -> None:
        self.use_cases = [UseCase(u["code"], u["title"]) for u in use_cases]
        self.status = DiagnosticStatus.USE_CASES_IDENTIFIED

    def prioritise_use_cases(self, scores: Sequence[UseCaseScore]) -> None:
        self.check_step("prioritise use cases")
        cleaned = [UseCaseScore(s.code.strip(), s.value, s.feasibility) for s in scores]
        check_scores(cleaned, [u.code for u in self.use_cases])
        order = {u.code: position for position, u in enumerate(self.use_cases)}
        # Highest value x feasibility first; ties go to the higher value, then to the use case
        # identified first.
        ranked = sorted(cleaned, key=lambda s: (-s.priority, -s.value, order[s.code]))
        self._prioritise_use_cases(
            ranking=[s.code for s in ranked],
            scores={s.code: {"value": s.value, "feasibility": s.feasibility} for s in ranked},
        )

    @event(UseCasesPrioritised)
    def _prioritise_use_cases(self, ranking: list[str], scores: dict[str, dict[str, int]]) -> None:
        self.priorities = [
            UseCaseScore(code, scores[code]["value"], scores[code]["feasibility"])
            for code in ranking
        ]
        self.status = DiagnosticStatus.USE_CASES_PRIORITISED

    def deliver_report(self, on: date) -> None:
        self.check_step("deliver the report")
        # A datetime is a date to Python, but it would be stored and replayed as a datetime.
        if not isinstance(on, date) or isinstance(on, datetime):
            raise InvalidDate(f"report date {on!r} must be a calendar date")
        self._deliver_report(on)

    @event(ReportDelivered)
    def _deliver_report(self, on: date) -> None:
        self.report_delivered_on = on
        self.status = DiagnosticStatus.REPORT_DELIVERED

    def pay_cofinancing(self, price_cents: int, state_share_basis_points: int) -> None:
        self.check_step("pay the co-financing")
        if not is_whole(price_cents) or price_cents < 1:
            raise InvalidAmount(
                f"price {price_cents!r} must be a whole number of euro cents above 0"
            )
        if not is_whole(state_share_basis_points) or not (
            0 < state_share_basis_points <= BASIS_POINTS
        ):
            raise InvalidAmount(
                f"State share {state_share_basis_points!r} basis points must be "
                f"between 1 and {BASIS_POINTS}"
            )
        self._pay_cofinancing(
            price_cents=price_cents,
            state_share_basis_points=state_share_basis_points,
            amount_cents=state_share_of(price_cents, state_share_basis_points),
        )

    @event(CofinancingPaid)
    def _pay_cofinancing(
        self, price_cents: int, state_share_basis_points: int, amount_cents: int
    ) -> None:
        self.price_cents = price_cents
        self.state_share_basis_points = state_share_basis_points
        self.cofinancing_cents = amount_cents
        self.status = DiagnosticStatus.COFINANCING_PAID

    def cancel(self, reason: str) -> None:
        self.check_step("cancel")
        reason_ = " ".join(reason.split())
        if not reason_:
            raise InvalidValue("a diagnostic is cancelled with a reason; the reason is empty")
        self._cancel(reason_)

    @event(Cancelled)
    def _cancel(self, reason: str) -> None:
        self.cancellation_reason = reason
        self.status = DiagnosticStatus.CANCELLED
