from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info


@strawberry.type
class PartnershipMutations:
    @strawberry.mutation(description="Propose a research partnership with a company.")
    async def propose_partnership(
        self,
        info: Info,
        company_id: strawberry.ID,
        research_team: str,
        topic: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        p, tenant = info.context.platform.partnerships, info.context.tenant
        return await run_command(
            info,
            Command.PROPOSE_PARTNERSHIP,
            p,
            lambda: p.propose_partnership(
                tenant,
                research_team=research_team,
                topic=topic,
                company_id=uuid_of(company_id, "company"),
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Sign: the partnership counts for that year's target.")
    async def sign_partnership(
        self,
        info: Info,
        partnership_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        p, tenant = info.context.platform.partnerships, info.context.tenant
        return await run_command(
            info,
            Command.SIGN_PARTNERSHIP,
            p,
            lambda: p.sign_partnership(
                tenant,
                uuid_of(partnership_id, "partnership"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation
    async def start_partnership(
        self,
        info: Info,
        partnership_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        p, tenant = info.context.platform.partnerships, info.context.tenant
        return await run_command(
            info,
            Command.START_PARTNERSHIP,
            p,
            lambda: p.start_partnership(
                tenant,
                uuid_of(partnership_id, "partnership"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation
    async def complete_partnership(
        self,
        info: Info,
        partnership_id: strawberry.ID,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        p, tenant = info.context.platform.partnerships, info.context.tenant
        return await run_command(
            info,
            Command.COMPLETE_PARTNERSHIP,
            p,
            lambda: p.complete_partnership(
                tenant,
                uuid_of(partnership_id, "partnership"),
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation
    async def abandon_partnership(
        self,
        info: Info,
        partnership_id: strawberry.ID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        p, tenant = info.context.platform.partnerships, info.context.tenant
        return await run_command(
            info,
            Command.ABANDON_PARTNERSHIP,
            p,
            lambda: p.abandon_partnership(
                tenant,
                uuid_of(partnership_id, "partnership"),
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )
