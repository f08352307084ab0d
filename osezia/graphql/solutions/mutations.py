from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.enums import UseCaseCategory
from osezia.graphql.solutions.types import Sovereignty


@strawberry.type
class SolutionsMutations:
    @strawberry.mutation(description="List a solution provider (once per SIREN).")
    async def list_provider(
        self,
        info: Info,
        siren: str,
        name: str,
        sovereignty: Sovereignty,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.solutions, info.context.tenant
        return await run_command(
            info,
            Command.LIST_PROVIDER,
            c,
            lambda: c.list_provider(
                tenant,
                siren=siren,
                name=name,
                sovereignty=sovereignty,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="List a provider's solution under use-case categories.")
    async def list_solution(
        self,
        info: Info,
        provider_id: strawberry.ID,
        name: str,
        description: str,
        categories: list[UseCaseCategory],
        turnkey: bool = True,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.solutions, info.context.tenant
        return await run_command(
            info,
            Command.LIST_SOLUTION,
            c,
            lambda: c.list_solution(
                tenant,
                provider_id=uuid_of(provider_id, "provider"),
                name=name,
                description=description,
                categories=[c.value for c in categories],
                turnkey=turnkey,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Withdraw a solution from the catalogue, with a reason.")
    async def withdraw_solution(
        self,
        info: Info,
        solution_id: strawberry.ID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.solutions, info.context.tenant
        return await run_command(
            info,
            Command.WITHDRAW_SOLUTION,
            c,
            lambda: c.withdraw_solution(
                tenant,
                uuid_of(solution_id, "solution"),
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record that a company adopted a solution: it is ADOPTED.")
    async def record_adoption(
        self,
        info: Info,
        company_id: strawberry.ID,
        solution_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        c, tenant = info.context.platform.solutions, info.context.tenant
        return await run_command(
            info,
            Command.RECORD_ADOPTION,
            c,
            lambda: c.record_adoption(
                tenant,
                company_id=uuid_of(company_id, "company"),
                solution_id=uuid_of(solution_id, "solution"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )
