"""The write API for diagnostics Data IA."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.budget.charges import charging, the_envelope
from osezia.domain.budget.model import Measure
from osezia.domain.commands import Command
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import Record
from osezia.domain.companies.standing import seen_company
from osezia.domain.diagnostics.model import Diagnostic
from osezia.domain.diagnostics.rules import DiagnosticRules
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.errors import NotFound
from osezia.domain.personal import Subject


class Diagnostics(PlatformApplication):
    """Runs diagnostics Data IA from request to the State's co-financing."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        rules: DiagnosticRules | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with, today=today)
        self.rules = rules or DiagnosticRules()

    def request_diagnostic(
        self, tenant: str, *, company_id: UUID, idempotency_key: str | None = None
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            company = seen_company(self, tenant, company_id)
            record = company.record(tenant)
            diagnostic = Diagnostic(
                tenant=tenant,
                company_id=company_id,
                company_siren=company.siren,
                company_name=record.legal_name,
                region=record.region,
                segment=record.segment,
                expert_days_cap=self.rules.expert_days_cap,
            )
            return diagnostic.id, [diagnostic]

        return self.execute(tenant, idempotency_key, Command.REQUEST_DIAGNOSTIC, (company_id,), run)

    def check_eligibility(
        self, tenant: str, diagnostic_id: UUID, *, idempotency_key: str | None = None
    ) -> None:
        """Record whether the company is eligible today; read the outcome on the diagnostic."""

        def assess(diagnostic: Diagnostic) -> None:
            # The size the requesting network recorded (or was referred), as it stands today.
            record = self._requester_record(diagnostic)
            diagnostic.assess_eligibility(record.size_category, self.rules.eligible_categories)

        self._change(tenant, diagnostic_id, idempotency_key, Command.CHECK_ELIGIBILITY, (), assess)

    def assign_expert(
        self,
        tenant: str,
        diagnostic_id: UUID,
        *,
        expert: str,
        idempotency_key: str | None = None,
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.ASSIGN_EXPERT,
            (expert,),
            lambda diagnostic: diagnostic.assign_expert(expert),
        )

    def correct_diagnostic_expert(self, tenant: str, diagnostic_id: UUID, *, expert: str) -> None:
        """Rectification (RGPD art. 16, see ``rectify``): the text recorded before reads
        « effacé ». Whoever may assign the expert may correct it; a diagnostic the caller does
        not see is not found."""
        diagnostic = self.get_diagnostic(tenant, diagnostic_id)
        diagnostic.correct_expert(expert)
        self.rectify(tenant, Command.CORRECT_DIAGNOSTIC_EXPERT, Subject.EXPERT, diagnostic)

    def log_expert_days(
        self, tenant: str, diagnostic_id: UUID, *, days: int, idempotency_key: str | None = None
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.LOG_EXPERT_DAYS,
            (days,),
            lambda diagnostic: diagnostic.log_expert_days(days),
        )

    def deliver_inventory(
        self, tenant: str, diagnostic_id: UUID, *, idempotency_key: str | None = None
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.DELIVER_INVENTORY,
            (),
            lambda diagnostic: diagnostic.deliver_inventory(),
        )

    def identify_use_cases(
        self,
        tenant: str,
        diagnostic_id: UUID,
        *,
        use_cases: Sequence[UseCase],
        idempotency_key: str | None = None,
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.IDENTIFY_USE_CASES,
            tuple(use_cases),
            lambda diagnostic: diagnostic.identify_use_cases(use_cases),
        )

    def prioritise_use_cases(
        self,
        tenant: str,
        diagnostic_id: UUID,
        *,
        scores: Sequence[UseCaseScore],
        idempotency_key: str | None = None,
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.PRIORITISE_USE_CASES,
            tuple(scores),
            lambda diagnostic: diagnostic.prioritise_use_cases(scores),
        )

    def deliver_report(
        self, tenant: str, diagnostic_id: UUID, *, on: date, idempotency_key: str | None = None
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.DELIVER_REPORT,
            (on,),
            lambda diagnostic: diagnostic.deliver_report(self.happened(on, "a report delivery")),
        )

    def pay_cofinancing(
        self,
        tenant: str,
        diagnostic_id: UUID,
        *,
        price_cents: int,
        idempotency_key: str | None = None,
    ) -> None:
        """Record the State's share of the diagnostic's price as paid. Once the plan's budget is
        open, the same save commits and pays that share on its DIAGNOSTICS measure, under the
        reference DIAG-<diagnostic id>: a share the measure cannot take (without an overrun
        authorised first) refuses the payment, and nothing is recorded."""
        share = self.rules.state_share_basis_points

        def run() -> tuple[None, list[Aggregate]]:
            diagnostic = self.get_diagnostic(tenant, diagnostic_id)
            diagnostic.pay_cofinancing(price_cents, share)
            envelope = the_envelope(self)
            if envelope is None:
                return None, [diagnostic]
            amount, reference, on = (
                diagnostic.cofinancing_cents,
                f"DIAG-{diagnostic_id}",
                self.today(),
            )
            assert amount is not None  # just paid
            envelope.commit(Measure.DIAGNOSTICS, amount, reference, on)
            envelope.pay(Measure.DIAGNOSTICS, reference, amount, on)
            return None, [diagnostic, envelope]

        arguments = (diagnostic_id, price_cents)
        charging(
            lambda: self.execute(tenant, idempotency_key, Command.PAY_COFINANCING, arguments, run)
        )

    def cancel_diagnostic(
        self, tenant: str, diagnostic_id: UUID, *, reason: str, idempotency_key: str | None = None
    ) -> None:
        self._change(
            tenant,
            diagnostic_id,
            idempotency_key,
            Command.CANCEL_DIAGNOSTIC,
            (reason,),
            lambda diagnostic: diagnostic.cancel(reason),
        )

    def get_diagnostic(self, tenant: str, diagnostic_id: UUID) -> Diagnostic:
        return self.load(
            tenant,
            diagnostic_id,
            Diagnostic,
            "diagnostic",
            pilots=(self.pilot("diagnostic", self.rules.pilot),),
        )

    def _change(
        self,
        tenant: str,
        diagnostic_id: UUID,
        idempotency_key: str | None,
        command: Command,
        arguments: Sequence[object],
        change: Callable[[Diagnostic], None],
    ) -> None:
        """Load the tenant's diagnostic, apply one change to it and save it."""

        def run() -> tuple[None, list[Aggregate]]:
            diagnostic = self.load(
                tenant,
                diagnostic_id,
                Diagnostic,
                "diagnostic",
                pilots=(self.pilot("diagnostic", self.rules.pilot),),
            )
            change(diagnostic)
            return None, [diagnostic]

        self.execute(tenant, idempotency_key, command, (diagnostic_id, *arguments), run)

    def _requester_record(self, diagnostic: Diagnostic) -> Record:
        company = self.find(diagnostic.company_id, Company)
        if company is None:
            raise NotFound(f"no company with id {diagnostic.company_id}")
        try:
            return company.record(diagnostic.tenant)
        except LookupError:
            # The requester no longer stands in the company (its referral was revoked): the
            # record it requested with is the one that was referred then; none is left to read.
            raise NotFound(f"no company with id {diagnostic.company_id}") from None
