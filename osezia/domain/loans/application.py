"""The write API for state-guaranteed loans (Bpifrance)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.budget.charges import charging, the_envelope
from osezia.domain.budget.model import Envelope, Measure
from osezia.domain.commands import Command
from osezia.domain.companies.standing import seen_company
from osezia.domain.inputs import text
from osezia.domain.loans.exposure import Exposure
from osezia.domain.loans.model import Loan, LoanRules, check_calendar_date

# How each decision is named in messages ("may grant a guarantee").
_DECISIONS = {
    Command.GRANT_GUARANTEE: "grant a guarantee",
    Command.REFUSE_GUARANTEE: "refuse a guarantee",
    Command.DISBURSE_LOAN: "record a disbursement",
}


class Loans(PlatformApplication):
    """Takes loan applications from the networks; Bpifrance grants or refuses the guarantee,
    then records the disbursement."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        rules: LoanRules | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with)
        self.rules = rules or LoanRules()

    def apply_for_loan(
        self,
        tenant: str,
        *,
        company_id: UUID,
        amount_cents: int,
        term_months: int,
        purpose: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            record = company.record(tenant)
            size_category = self.rules.eligible_category(record.size_category)
            self.rules.check_loan(amount_cents, term_months)
            check_calendar_date(on, "application date")
            self.happened(on, "a loan application")
            loan = Loan(
                tenant=tenant,
                company_id=company_id,
                company_siren=company.siren,
                company_name=record.legal_name,
                region=record.region,
                segment=record.segment,
                size_category=size_category,
                amount_cents=amount_cents,
                term_months=term_months,
                purpose=text(purpose, "loan purpose"),
                on=on,
            )
            exposure = self.exposure(company_id)
            exposure.take(loan.id, amount_cents, self.rules.max_exposure_cents)
            return loan.id, [loan, exposure]

        arguments = (company_id, amount_cents, term_months, purpose, on)
        return self.execute(tenant, idempotency_key, Command.APPLY_FOR_LOAN, arguments, run)

    def grant_guarantee(
        self, tenant: str, loan_id: UUID, *, on: date, idempotency_key: str | None = None
    ) -> None:
        """Grant the guarantee; once the plan's budget is open, the same save commits the
        provision it needs on GUARANTEE_FUND (the guaranteed share of the principal times the
        provisioning rate) under the reference LOAN-<loan id> (budget.charges)."""
        share = self.rules.guarantee_share_basis_points

        def provide(loan: Loan, envelope: Envelope) -> None:
            provision = self.rules.provision_cents(loan.amount_cents)
            if provision:
                envelope.commit(Measure.GUARANTEE_FUND, provision, f"LOAN-{loan.id}", on)

        self._decide(
            tenant,
            loan_id,
            idempotency_key,
            Command.GRANT_GUARANTEE,
            (on,),
            lambda loan: loan.grant_guarantee(self.happened(on, "a guarantee"), share),
            charge=provide,
        )

    def refuse_guarantee(
        self,
        tenant: str,
        loan_id: UUID,
        *,
        on: date,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        self._decide(
            tenant,
            loan_id,
            idempotency_key,
            Command.REFUSE_GUARANTEE,
            (on, reason),
            lambda loan: loan.refuse_guarantee(
                self.happened(on, "a refusal"), text(reason, "refusal reason")
            ),
            counts_for=lambda loan: 0,
        )

    def disburse_loan(
        self,
        tenant: str,
        loan_id: UUID,
        *,
        amount_cents: int,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        """Record the disbursement; the provision committed at the guarantee is paid into the
        fund for what was disbursed."""

        def pay(loan: Loan, envelope: Envelope) -> None:
            reference = f"LOAN-{loan.id}"
            commitment = envelope.commitments.get(reference)
            if commitment is None:  # granted before the budget was open, or no provision
                return
            provision = min(
                self.rules.provision_cents(amount_cents),
                commitment.committed_cents - commitment.paid_cents,
            )
            if provision:
                envelope.pay(Measure.GUARANTEE_FUND, reference, provision, on)

        self._decide(
            tenant,
            loan_id,
            idempotency_key,
            Command.DISBURSE_LOAN,
            (amount_cents, on),
            lambda loan: loan.disburse(amount_cents, self.happened(on, "a disbursement")),
            counts_for=lambda loan: amount_cents,
            charge=pay,
        )

    def exposure(self, company_id: UUID) -> Exposure:
        """The company's exposure under guaranteed loans (new, at zero, before its first)."""
        found = self.find(Exposure.create_id(company_id), Exposure)
        return found if found is not None else Exposure(company_id=company_id)

    def get_loan(self, tenant: str, loan_id: UUID) -> Loan:
        return self.load(
            tenant, loan_id, Loan, "loan", pilots=(self.pilot("loan", self.rules.pilot),)
        )

    def _decide(
        self,
        tenant: str,
        loan_id: UUID,
        idempotency_key: str | None,
        command: Command,
        arguments: Sequence[object],
        decide: Callable[[Loan], None],
        *,
        counts_for: Callable[[Loan], int] | None = None,
        charge: Callable[[Loan, Envelope], None] | None = None,
    ) -> None:
        """Load the loan, check that the pilot is deciding, apply the decision and save it, with
        the company's exposure it changes and what it charges on the envelope."""

        def run() -> tuple[None, list[Aggregate]]:
            loan = self.get_loan(tenant, loan_id)
            Loan.check_pilot(tenant, self.pilot("loan", self.rules.pilot), _DECISIONS[command])
            decide(loan)
            changed: list[Aggregate] = [loan]
            if counts_for is not None:
                exposure = self.exposure(loan.company_id)
                exposure.recount(loan.id, counts_for(loan))
                changed.append(exposure)
            envelope = the_envelope(self) if charge is not None else None
            if charge is not None and envelope is not None:
                charge(loan, envelope)
                changed.append(envelope)
            return None, changed

        charging(lambda: self.execute(tenant, idempotency_key, command, (loan_id, *arguments), run))
