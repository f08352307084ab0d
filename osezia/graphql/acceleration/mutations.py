from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info


@strawberry.type
class AccelerationMutations:
    @strawberry.mutation(
        description="Open a cohort (Bpifrance); capacity and length default to the programme's."
    )
    async def open_cohort(
        self,
        info: Info,
        name: str,
        starts_on: date,
        capacity: int | None = None,
        months: int | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.acceleration, info.context.tenant
        return await run_command(
            info,
            Command.OPEN_COHORT,
            a,
            lambda: a.open_cohort(
                tenant,
                name=name,
                starts_on=starts_on,
                capacity=capacity,
                months=months,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Admit a company, once, while the cohort has room.")
    async def admit_to_cohort(
        self,
        info: Info,
        cohort_id: strawberry.ID,
        company_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.acceleration, info.context.tenant
        return await run_command(
            info,
            Command.ADMIT_TO_COHORT,
            a,
            lambda: a.admit_to_cohort(
                tenant,
                uuid_of(cohort_id, "cohort"),
                company_id=uuid_of(company_id, "company"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record a milestone an admitted company reached.")
    async def record_milestone(
        self,
        info: Info,
        cohort_id: strawberry.ID,
        company_id: strawberry.ID,
        milestone: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.acceleration, info.context.tenant
        return await run_command(
            info,
            Command.RECORD_MILESTONE,
            a,
            lambda: a.record_milestone(
                tenant,
                uuid_of(cohort_id, "cohort"),
                company_id=uuid_of(company_id, "company"),
                milestone=milestone,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="An admitted company completed the programme.")
    async def graduate_from_cohort(
        self,
        info: Info,
        cohort_id: strawberry.ID,
        company_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.acceleration, info.context.tenant
        return await run_command(
            info,
            Command.GRADUATE_FROM_COHORT,
            a,
            lambda: a.graduate_from_cohort(
                tenant,
                uuid_of(cohort_id, "cohort"),
                company_id=uuid_of(company_id, "company"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="An admitted company left the programme before the end.")
    async def exit_cohort(
        self,
        info: Info,
        cohort_id: strawberry.ID,
        company_id: strawberry.ID,
        on: date,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.acceleration, info.context.tenant
        return await run_command(
            info,
            Command.EXIT_COHORT,
            a,
            lambda: a.exit_cohort(
                tenant,
                uuid_of(cohort_id, "cohort"),
                company_id=uuid_of(company_id, "company"),
                on=on,
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )
