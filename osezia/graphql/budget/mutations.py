from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command
from osezia.graphql.context import Info
from osezia.graphql.enums import Measure
from osezia.graphql.scalars import Cents


@strawberry.input(description="What one measure is allotted from the envelope.")
class AllocationInput:
    measure: Measure
    amount_cents: Cents


@strawberry.type
class BudgetMutations:
    @strawberry.mutation(
        description="Open the plan's envelope; without amounts, with the configured split."
    )
    async def open_budget(
        self,
        info: Info,
        total_cents: Cents | None = None,
        allocations: list[AllocationInput] | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        b, tenant = info.context.platform.budget, info.context.tenant
        split = (
            None if allocations is None else {a.measure.value: a.amount_cents for a in allocations}
        )
        return await run_command(
            info,
            Command.OPEN_BUDGET,
            b,
            lambda: b.open_budget(
                tenant, total_cents=total_cents, allocations=split, idempotency_key=idempotency_key
            ),
        )

    @strawberry.mutation(description="Commit a measure's funds to a new reference.")
    async def commit_funds(
        self,
        info: Info,
        measure: Measure,
        amount_cents: Cents,
        reference: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        b, tenant = info.context.platform.budget, info.context.tenant
        return await run_command(
            info,
            Command.COMMIT_FUNDS,
            b,
            lambda: b.commit_funds(
                tenant,
                measure=measure,
                amount_cents=amount_cents,
                reference=reference,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Pay against a commitment, up to what it committed.")
    async def pay_funds(
        self,
        info: Info,
        measure: Measure,
        reference: str,
        amount_cents: Cents,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        b, tenant = info.context.platform.budget, info.context.tenant
        return await run_command(
            info,
            Command.PAY_FUNDS,
            b,
            lambda: b.pay_funds(
                tenant,
                measure=measure,
                reference=reference,
                amount_cents=amount_cents,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record the decision that lets a measure commit more.")
    async def authorise_overrun(
        self,
        info: Info,
        measure: Measure,
        amount_cents: Cents,
        decision_reference: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        b, tenant = info.context.platform.budget, info.context.tenant
        return await run_command(
            info,
            Command.AUTHORISE_OVERRUN,
            b,
            lambda: b.authorise_overrun(
                tenant,
                measure=measure,
                amount_cents=amount_cents,
                decision_reference=decision_reference,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )
