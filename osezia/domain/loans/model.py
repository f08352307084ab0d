"""State-guaranteed loan: a company's loan for a structuring AI project, guaranteed by Bpifrance.

A network applies for the company; Bpifrance, which pilots every loan for the State, grants or
refuses the guarantee, then records the disbursement. The scheme's caps ("jusqu'à 500.000 euros
sur dix ans", AFP), its eligible size categories and the guaranteed share are configuration; each
loan records in its events the values it was decided with, so that replaying it never depends on
today's configuration.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from osezia.domain.errors import (
    AmountOutOfRange,
    Forbidden,
    InvalidDate,
    InvalidTransition,
    InvalidValue,
    NotEligible,
)
from osezia.domain.inputs import BASIS_POINTS, check_amount, check_share, is_whole
from osezia.domain.personal import PersonalData, of_sole_trader, personal_data
from osezia.domain.sizes import check_size_categories


class LoanStatus(StrEnum):
    APPLIED = "APPLIED"
    GRANTED = "GRANTED"
    REFUSED = "REFUSED"
    DISBURSED = "DISBURSED"


S = LoanStatus

# Each step and the status it may be taken from.
_ALLOWED_FROM: dict[str, LoanStatus] = {
    "grant the guarantee": S.APPLIED,
    "refuse the guarantee": S.APPLIED,
    "disburse": S.GRANTED,
}


@dataclass(frozen=True)
class LoanRules:
    """The scheme's parameters, set by Bpifrance for the State.

    The cap and the term come from the press ("jusqu'à 500.000 euros sur dix ans", AFP); the
    eligible categories from the plan's target ("PME et ETI"). The guaranteed share of the loan
    was not found in any source: 70 % is a placeholder for Bpifrance to set.
    """

    max_amount_cents: int = 50_000_000
    max_term_months: int = 120
    eligible_categories: frozenset[str] = frozenset({"PME", "ETI"})
    guarantee_share_basis_points: int = 7000
    # What one company's live loans (applied for, granted, disbursed) may add up to, across
    # networks: "jusqu'à 500.000 euros" reads per company, so one loan's cap by default.
    max_exposure_cents: int = 50_000_000
    # What the guarantee fund sets aside for each euro it guarantees. No source gives the
    # rate: 10 % is a placeholder for the State and Bpifrance to set (committing the whole
    # guaranteed principal would exhaust the fund's 60 M€ in 120 loans of 500 k€).
    provisioning_rate_basis_points: int = 1000
    # The network that decides on every guarantee, whichever network applied: by default
    # (None) the one the tenants' profiles name.
    pilot: str | None = None

    def __post_init__(self) -> None:
        if self.max_amount_cents < 1:
            raise InvalidValue(f"loan cap {self.max_amount_cents} cents must be at least 1")
        check_share(self.provisioning_rate_basis_points, "provisioning rate")
        if self.max_exposure_cents < self.max_amount_cents:
            raise InvalidValue(
                f"the cap per company ({self.max_exposure_cents} cents) must be at least one "
                f"loan's cap ({self.max_amount_cents} cents)"
            )
        if self.max_term_months < 1:
            raise InvalidValue(f"maximum term {self.max_term_months} months must be at least 1")
        check_share(self.guarantee_share_basis_points, "guaranteed share")
        check_size_categories(self.eligible_categories)

    def provision_cents(self, principal_cents: int) -> int:
        """What the fund provisions for ``principal_cents`` lent: the guaranteed share times
        the provisioning rate, in whole cents (rounded down)."""
        rate = self.guarantee_share_basis_points * self.provisioning_rate_basis_points
        return principal_cents * rate // (BASIS_POINTS * BASIS_POINTS)

    def eligible_category(self, size_category: str | None) -> str:
        """The company's size category, if a guaranteed loan is open to it."""
        if size_category is None:
            raise NotEligible(
                "the company has no size category yet: assess its size before applying "
                f"(the guarantee is for {', '.join(sorted(self.eligible_categories))})"
            )
        if size_category not in self.eligible_categories:
            raise NotEligible(
                f"a {size_category} is not eligible to a guaranteed loan "
                f"(only {', '.join(sorted(self.eligible_categories))})"
            )
        return size_category

    def check_loan(self, amount_cents: int, term_months: int) -> None:
        check_amount(amount_cents, "loan amount")
        if amount_cents > self.max_amount_cents:
            raise AmountOutOfRange(
                f"loan amount {amount_cents} cents is above the cap of "
                f"{self.max_amount_cents} cents"
            )
        if not is_whole(term_months) or not 1 <= term_months <= self.max_term_months:
            raise AmountOutOfRange(
                f"term {term_months!r} months must be from 1 to {self.max_term_months}"
            )


def check_calendar_date(on: date, what: str) -> None:
    # A datetime is a date to Python, but it would be stored and replayed as a datetime.
    if not isinstance(on, date) or isinstance(on, datetime):
        raise InvalidDate(f"{what} {on!r} must be a calendar date")


class Loan(Aggregate):
    """A company's guaranteed loan, owned by the network (tenant) that applied for it."""

    class Applied(Aggregate.Created):
        """A network applied for the company; its size category at the time is kept."""

        tenant: str
        company_id: UUID
        company_siren: str
        company_name: str
        region: str
        segment: str | None
        size_category: str
        amount_cents: int
        term_months: int
        purpose: str
        on: date
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(
            of_sole_trader("company_name", siren="company_siren"),
            not_personal=(
                "tenant",
                "company_siren",
                "region",
                "segment",
                "size_category",
                "purpose",
            ),
        )

    class GuaranteeGranted(Aggregate.Event):
        """Bpifrance granted the guarantee, for the share in force that day."""

        on: date
        guarantee_share_basis_points: int

    class GuaranteeRefused(Aggregate.Event):
        """Bpifrance refused the guarantee, with a reason."""

        on: date
        reason: str
        PERSONAL_DATA: ClassVar[PersonalData] = personal_data(not_personal=("reason",))

    class Disbursed(Aggregate.Event):
        """The loan was paid out to the company."""

        amount_cents: int
        on: date

    @event(Applied)
    def __init__(
        self,
        tenant: str,
        company_id: UUID,
        company_siren: str,
        company_name: str,
        region: str,
        segment: str | None,
        size_category: str,
        amount_cents: int,
        term_months: int,
        purpose: str,
        on: date,
    ) -> None:
        # The company as it was at the application travels with the loan: Bpifrance sees
        # every loan, not every company, and follows them by region and segment.
        self.tenant = tenant
        self.company_id = company_id
        self.company_siren = company_siren
        self.company_name = company_name
        self.region = region
        self.segment = segment
        self.size_category = size_category
        self.amount_cents = amount_cents
        self.term_months = term_months
        self.purpose = purpose
        self.applied_on = on
        self.status = LoanStatus.APPLIED
        self.guarantee_share_basis_points: int | None = None
        self.granted_on: date | None = None
        self.refused_on: date | None = None
        self.refusal_reason: str | None = None
        self.disbursed_cents: int | None = None
        self.disbursed_on: date | None = None

    def grant_guarantee(self, on: date, guarantee_share_basis_points: int) -> None:
        self.check_step("grant the guarantee")
        self.check_not_before(on, self.applied_on, "guarantee", "application")
        self._grant_guarantee(on=on, guarantee_share_basis_points=guarantee_share_basis_points)

    @event(GuaranteeGranted)
    def _grant_guarantee(self, on: date, guarantee_share_basis_points: int) -> None:
        self.granted_on = on
        self.guarantee_share_basis_points = guarantee_share_basis_points
        self.status = LoanStatus.GRANTED

    def refuse_guarantee(self, on: date, reason: str) -> None:
        self.check_step("refuse the guarantee")
        self.check_not_before(on, self.applied_on, "refusal", "application")
        self._refuse_guarantee(on=on, reason=reason)

    @event(GuaranteeRefused)
    def _refuse_guarantee(self, on: date, reason: str) -> None:
        self.refused_on = on
        self.refusal_reason = reason
        self.status = LoanStatus.REFUSED

    def disburse(self, amount_cents: int, on: date) -> None:
        self.check_step("disburse")
        self.check_disbursement(amount_cents)
        self.check_not_before(on, self.granted_on, "disbursement", "guarantee")
        self._disburse(amount_cents=amount_cents, on=on)

    @event(Disbursed)
    def _disburse(self, amount_cents: int, on: date) -> None:
        self.disbursed_cents = amount_cents
        self.disbursed_on = on
        self.status = LoanStatus.DISBURSED

    def check_step(self, step: str) -> None:
        allowed = _ALLOWED_FROM[step]
        if self.status is not allowed:
            raise InvalidTransition(
                f"loan {self.id} is {self.status}: cannot {step} (only when {allowed})"
            )

    def check_disbursement(self, amount_cents: int) -> None:
        check_amount(amount_cents, "disbursed amount")
        if amount_cents > self.amount_cents:
            raise AmountOutOfRange(
                f"disbursed amount {amount_cents} cents is above the {self.amount_cents} cents "
                "applied for"
            )

    @staticmethod
    def check_not_before(on: date, earlier: date | None, step: str, earlier_step: str) -> None:
        check_calendar_date(on, f"{step} date")
        if earlier is not None and on < earlier:
            raise InvalidDate(f"{step} dated {on} is before the {earlier_step} ({earlier})")

    @staticmethod
    def check_pilot(tenant: str, pilot: str, step: str) -> None:
        """Only the pilot decides: the applying network sees its loan but cannot grant it."""
        if tenant != pilot:
            raise Forbidden(f"only {pilot}, which guarantees the loans, may {step}")
