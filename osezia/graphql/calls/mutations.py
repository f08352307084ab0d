from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.calls.model import Phase
from osezia.domain.commands import Command
from osezia.graphql.calls.types import CallKind, PrioritySector
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.scalars import Cents


@strawberry.input(description="A phase of a call opened without a template.")
class CallPhaseInput:
    number: int
    name: str
    min_cents: Cents
    max_cents: Cents
    min_months: int
    max_months: int
    contractor: str = strawberry.field(description="The network that awards the phase.")

    def to_phase(self) -> Phase:
        return Phase(
            self.number,
            self.name,
            self.min_cents,
            self.max_cents,
            self.min_months,
            self.max_months,
            self.contractor,
        )


@strawberry.type
class CallsMutations:
    @strawberry.mutation(
        description="Open a call. From a template (PIONNIERS_IA, IA_GENERATIVE; by default the "
        "one named like the code), only the dates are needed; otherwise give title, kind "
        "(GATED or SELECTIVE) and phases."
    )
    async def open_call(
        self,
        info: Info,
        code: str,
        opens_on: date,
        closes_on: date,
        template: str | None = None,
        title: str | None = None,
        kind: CallKind | None = None,
        phases: list[CallPhaseInput] | None = None,
        selection_target: int | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.calls, info.context.tenant
        return await run_command(
            info,
            Command.OPEN_CALL,
            c,
            lambda: c.open_call(
                tenant,
                code=code,
                opens_on=opens_on,
                closes_on=closes_on,
                template=template,
                title=title,
                kind=kind,
                phases=None if phases is None else [p.to_phase() for p in phases],
                selection_target=selection_target,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Apply for a company, while the call is open.")
    async def submit_application(
        self,
        info: Info,
        call_id: strawberry.ID,
        company_id: strawberry.ID,
        project_title: str,
        consortium_sirens: list[str] | None = None,
        priority_sector: PrioritySector | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.calls, info.context.tenant
        return await run_command(
            info,
            Command.SUBMIT_APPLICATION,
            c,
            lambda: c.submit_application(
                tenant,
                call_id=uuid_of(call_id, "call"),
                company_id=uuid_of(company_id, "company"),
                project_title=project_title,
                consortium_sirens=consortium_sirens or [],
                priority_sector=None if priority_sector is None else priority_sector.value,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Select an application (a contractor of its call).")
    async def select_application(
        self, info: Info, application_id: strawberry.ID, idempotency_key: str | None = None
    ) -> CommandResult:
        c, tenant = info.context.platform.calls, info.context.tenant
        return await run_command(
            info,
            Command.SELECT_APPLICATION,
            c,
            lambda: c.select_application(
                tenant, uuid_of(application_id, "application"), idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation(description="Reject an application (a contractor of its call).")
    async def reject_application(
        self,
        info: Info,
        application_id: strawberry.ID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.calls, info.context.tenant
        return await run_command(
            info,
            Command.REJECT_APPLICATION,
            c,
            lambda: c.reject_application(
                tenant,
                uuid_of(application_id, "application"),
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Award a phase (its contractor), once the previous gate was passed."
    )
    async def award_phase(
        self,
        info: Info,
        application_id: strawberry.ID,
        phase: int,
        amount_cents: Cents,
        months: int,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.calls, info.context.tenant
        return await run_command(
            info,
            Command.AWARD_PHASE,
            c,
            lambda: c.award_phase(
                tenant,
                uuid_of(application_id, "application"),
                phase=phase,
                amount_cents=amount_cents,
                months=months,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Record a phase's gate (its contractor): a failed gate ends the project."
    )
    async def evaluate_gate(
        self,
        info: Info,
        application_id: strawberry.ID,
        phase: int,
        passed: bool,
        on: date,
        comment: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.calls, info.context.tenant
        return await run_command(
            info,
            Command.EVALUATE_GATE,
            c,
            lambda: c.evaluate_gate(
                tenant,
                uuid_of(application_id, "application"),
                phase=phase,
                passed=passed,
                on=on,
                comment=comment,
                idempotency_key=idempotency_key,
            ),
        )
