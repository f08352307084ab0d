from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.enums import UseCaseCategory
from osezia.graphql.scalars import Cents


@strawberry.input
class UseCaseInput:
    code: UseCaseCategory
    title: str


@strawberry.input(description="A use case's value added and feasibility, each from 1 to 5.")
class UseCaseScoreInput:
    code: UseCaseCategory
    value: int
    feasibility: int


@strawberry.type
class DiagnosticMutations:
    @strawberry.mutation(description="Ask for a diagnostic Data IA for a company.")
    async def request_diagnostic(
        self, info: Info, company_id: strawberry.ID, idempotency_key: str | None = None
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.REQUEST_DIAGNOSTIC,
            d,
            lambda: d.request_diagnostic(
                tenant, company_id=uuid_of(company_id, "company"), idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation(description="Check the company's size against the eligible categories.")
    async def check_eligibility(
        self, info: Info, diagnostic_id: strawberry.ID, idempotency_key: str | None = None
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.CHECK_ELIGIBILITY,
            d,
            lambda: d.check_eligibility(
                tenant, uuid_of(diagnostic_id, "diagnostic"), idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation
    async def assign_expert(
        self,
        info: Info,
        diagnostic_id: strawberry.ID,
        expert: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.ASSIGN_EXPERT,
            d,
            lambda: d.assign_expert(
                tenant,
                uuid_of(diagnostic_id, "diagnostic"),
                expert=expert,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Correct a diagnostic's expert (RGPD art. 16): the expert recorded before "
        "reads « effacé » from then on, in every event and list. NO_EXPERT_ASSIGNED before an "
        "expert is assigned. No idempotency key: correcting twice to the same expert is "
        "INVALID_VALUE the second time."
    )
    async def correct_diagnostic_expert(
        self, info: Info, diagnostic_id: strawberry.ID, expert: str
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.CORRECT_DIAGNOSTIC_EXPERT,
            d,
            lambda: d.correct_diagnostic_expert(
                tenant, uuid_of(diagnostic_id, "diagnostic"), expert=expert
            ),
        )

    @strawberry.mutation(description="Log expert days; never more than the cap (10) in total.")
    async def log_expert_days(
        self,
        info: Info,
        diagnostic_id: strawberry.ID,
        days: int,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.LOG_EXPERT_DAYS,
            d,
            lambda: d.log_expert_days(
                tenant,
                uuid_of(diagnostic_id, "diagnostic"),
                days=days,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="The technical and operational inventory was delivered.")
    async def deliver_inventory(
        self, info: Info, diagnostic_id: strawberry.ID, idempotency_key: str | None = None
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.DELIVER_INVENTORY,
            d,
            lambda: d.deliver_inventory(
                tenant, uuid_of(diagnostic_id, "diagnostic"), idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation
    async def identify_use_cases(
        self,
        info: Info,
        diagnostic_id: strawberry.ID,
        use_cases: list[UseCaseInput],
        idempotency_key: str | None = None,
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.IDENTIFY_USE_CASES,
            d,
            lambda: d.identify_use_cases(
                tenant,
                uuid_of(diagnostic_id, "diagnostic"),
                use_cases=[UseCase(u.code.value, u.title) for u in use_cases],
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Score every use case; they are ranked by value × feasibility."
    )
    async def prioritise_use_cases(
        self,
        info: Info,
        diagnostic_id: strawberry.ID,
        scores: list[UseCaseScoreInput],
        idempotency_key: str | None = None,
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.PRIORITISE_USE_CASES,
            d,
            lambda: d.prioritise_use_cases(
                tenant,
                uuid_of(diagnostic_id, "diagnostic"),
                scores=[UseCaseScore(s.code.value, s.value, s.feasibility) for s in scores],
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation
    async def deliver_report(
        self, info: Info, diagnostic_id: strawberry.ID, on: date, idempotency_key: str | None = None
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.DELIVER_REPORT,
            d,
            lambda: d.deliver_report(
                tenant, uuid_of(diagnostic_id, "diagnostic"), on=on, idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation(
        description="Pay the State's share (40 %) of the diagnostic's price. Once the plan's "
        "budget is open, the share is committed and paid on its DIAGNOSTICS measure (reference "
        "DIAG-<diagnostic id>); BUDGET_EXCEEDED when the measure cannot take it."
    )
    async def pay_cofinancing(
        self,
        info: Info,
        diagnostic_id: strawberry.ID,
        price_cents: Cents,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.PAY_COFINANCING,
            d,
            lambda: d.pay_cofinancing(
                tenant,
                uuid_of(diagnostic_id, "diagnostic"),
                price_cents=price_cents,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Cancel a diagnostic before its report, with a reason.")
    async def cancel_diagnostic(
        self,
        info: Info,
        diagnostic_id: strawberry.ID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        d, tenant = info.context.platform.diagnostics, info.context.tenant
        return await run_command(
            info,
            Command.CANCEL_DIAGNOSTIC,
            d,
            lambda: d.cancel_diagnostic(
                tenant,
                uuid_of(diagnostic_id, "diagnostic"),
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )
