from __future__ import annotations

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command, uuid_of
from osezia.graphql.context import Info
from osezia.graphql.referrals.types import Purpose


@strawberry.type
class ReferralMutations:
    @strawberry.mutation(description="Share a company the caller registered with another network.")
    async def share_company(
        self,
        info: Info,
        company_id: strawberry.ID,
        to_network: str,
        purpose: Purpose,
        reason: str,
        consent_reference: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        r, tenant = info.context.platform.referrals, info.context.tenant
        return await run_command(
            info,
            Command.SHARE_COMPANY,
            r,
            lambda: r.share_company(
                tenant,
                uuid_of(company_id, "company"),
                to_tenant=to_network,
                purpose=purpose,
                reason=reason,
                consent_reference=consent_reference,
                idempotency_key=idempotency_key,
            ),
        )

    @strawberry.mutation(description="Revoke a referral: the other network no longer sees it.")
    async def revoke_referral(
        self,
        info: Info,
        referral_id: strawberry.ID,
        reason: str,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        r, tenant = info.context.platform.referrals, info.context.tenant
        return await run_command(
            info,
            Command.REVOKE_REFERRAL,
            r,
            lambda: r.revoke_referral(
                tenant,
                uuid_of(referral_id, "referral"),
                reason=reason,
                idempotency_key=idempotency_key,
            ),
        )
