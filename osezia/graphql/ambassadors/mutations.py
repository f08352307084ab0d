from __future__ import annotations

from datetime import date

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.ambassadors.types import (
    AmbassadorKind,
    AmbassadorProfile,
    InterventionFormat,
    Network,
)
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info


@strawberry.type
class AmbassadorMutations:
    @strawberry.mutation(description="Appoint an ambassador.")
    async def appoint_ambassador(
        self,
        info: Info,
        full_name: str,
        kind: AmbassadorKind,
        network: Network,
        appointed_on: date,
        region: str | None = None,
        sectors: list[str] | None = None,
        profile: AmbassadorProfile | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.ambassadors, info.context.tenant
        return await run_command(
            info,
            Command.APPOINT_AMBASSADOR,
            a,
            lambda: a.appoint_ambassador(
                tenant,
                full_name=full_name,
                kind=kind,
                network=network,
                appointed_on=appointed_on,
                region=region,
                sectors=sectors or (),
                profile=None if profile is None else profile.value,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Record an intervention: date, audience size, format.")
    async def record_intervention(
        self,
        info: Info,
        ambassador_id: strawberry.ID,
        on: date,
        audience: int,
        format: InterventionFormat,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.ambassadors, info.context.tenant
        return await run_command(
            info,
            Command.RECORD_INTERVENTION,
            a,
            lambda: a.record_intervention(
                tenant,
                uuid_of(ambassador_id, "ambassador"),
                on=on,
                audience=audience,
                format=format,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation
    async def withdraw_ambassador(
        self,
        info: Info,
        ambassador_id: strawberry.ID,
        reason: str,
        on: date,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        a, tenant = info.context.platform.ambassadors, info.context.tenant
        return await run_command(
            info,
            Command.WITHDRAW_AMBASSADOR,
            a,
            lambda: a.withdraw_ambassador(
                tenant,
                uuid_of(ambassador_id, "ambassador"),
                reason=reason,
                on=on,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(
        description="Correct an ambassador's name (RGPD art. 16): the name recorded before, "
        "and a withdrawal reason recorded before the correction, read « effacé » from then on, "
        "in every event and list. No idempotency key: correcting twice to the same name is "
        "INVALID_VALUE the second time."
    )
    async def correct_ambassador_name(
        self, info: Info, ambassador_id: strawberry.ID, full_name: str
    ) -> CommandResult:
        a, tenant = info.context.platform.ambassadors, info.context.tenant
        return await run_command(
            info,
            Command.CORRECT_AMBASSADOR_NAME,
            a,
            lambda: a.correct_ambassador_name(
                tenant, uuid_of(ambassador_id, "ambassador"), full_name=full_name
            ),
        )
