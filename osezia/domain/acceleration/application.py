"""The write API for the acceleration programme: cohorts, admissions, milestones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.acceleration.model import (
    AccelerationRules,
    Cohort,
    check_calendar_date,
    check_size,
    months_after,
)
from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.companies.standing import seen_company
from osezia.domain.errors import Forbidden
from osezia.domain.inputs import text


class Acceleration(PlatformApplication):
    """Opens cohorts, admits companies to them and follows each to graduation or exit."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        rules: AccelerationRules | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with)
        self.rules = rules or AccelerationRules()

    def open_cohort(
        self,
        tenant: str,
        *,
        name: str,
        starts_on: date,
        capacity: int | None = None,
        months: int | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        def run() -> tuple[UUID, list[Aggregate]]:
            pilot = self.pilot("cohort", self.rules.pilot)
            if tenant != pilot:
                raise Forbidden(f"only {pilot}, which runs the programme, opens cohorts")
            capacity_ = self.rules.capacity if capacity is None else capacity
            months_ = self.rules.months if months is None else months
            check_size(capacity_, months_)
            check_calendar_date(starts_on, "start date")
            cohort = Cohort(
                tenant=tenant,
                name=text(name, "cohort name"),
                starts_on=starts_on,
                ends_on=months_after(starts_on, months_),
                capacity=capacity_,
                months=months_,
            )
            return cohort.id, [cohort]

        arguments = (name, starts_on, capacity, months)
        return self.execute(tenant, idempotency_key, Command.OPEN_COHORT, arguments, run)

    def admit_to_cohort(
        self,
        tenant: str,
        cohort_id: UUID,
        *,
        company_id: UUID,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        def admit(cohort: Cohort) -> None:
            company = seen_company(self, tenant, company_id)
            self.happened(on, "an admission")
            record = company.record(tenant)
            self.rules.check_eligible(record.size_category)
            cohort.admit(
                company_id, company.siren, record.legal_name, record.region, record.segment, on
            )

        self._change(
            tenant, cohort_id, idempotency_key, Command.ADMIT_TO_COHORT, (company_id, on), admit
        )

    def record_milestone(
        self,
        tenant: str,
        cohort_id: UUID,
        *,
        company_id: UUID,
        milestone: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        self._change(
            tenant,
            cohort_id,
            idempotency_key,
            Command.RECORD_MILESTONE,
            (company_id, milestone, on),
            lambda cohort: cohort.reach_milestone(
                company_id, text(milestone, "milestone"), self.happened(on, "a milestone")
            ),
        )

    def graduate_from_cohort(
        self,
        tenant: str,
        cohort_id: UUID,
        *,
        company_id: UUID,
        on: date,
        idempotency_key: str | None = None,
    ) -> None:
        self._change(
            tenant,
            cohort_id,
            idempotency_key,
            Command.GRADUATE_FROM_COHORT,
            (company_id, on),
            lambda cohort: cohort.graduate(company_id, self.happened(on, "a graduation")),
        )

    def exit_cohort(
        self,
        tenant: str,
        cohort_id: UUID,
        *,
        company_id: UUID,
        on: date,
        reason: str,
        idempotency_key: str | None = None,
    ) -> None:
        self._change(
            tenant,
            cohort_id,
            idempotency_key,
            Command.EXIT_COHORT,
            (company_id, on, reason),
            lambda cohort: cohort.exit(
                company_id, self.happened(on, "an exit"), text(reason, "exit reason")
            ),
        )

    def get_cohort(self, tenant: str, cohort_id: UUID) -> Cohort:
        return self.load(
            tenant, cohort_id, Cohort, "cohort", pilots=(self.pilot("cohort", self.rules.pilot),)
        )

    def _change(
        self,
        tenant: str,
        cohort_id: UUID,
        idempotency_key: str | None,
        command: Command,
        arguments: Sequence[object],
        change: Callable[[Cohort], None],
    ) -> None:
        """Load the cohort, apply one change to it and save it."""

        def run() -> tuple[None, list[Aggregate]]:
            cohort = self.get_cohort(tenant, cohort_id)
            change(cohort)
            return None, [cohort]

        self.execute(tenant, idempotency_key, command, (cohort_id, *arguments), run)
