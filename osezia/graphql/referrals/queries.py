from __future__ import annotations

from enum import Enum

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.referrals.types import Referral
from osezia.projections.access import as_tenant
from osezia.projections.paging import Filter, page


@strawberry.enum
class Direction(Enum):
    SENT = "SENT"
    RECEIVED = "RECEIVED"


@strawberry.type
class ReferralQueries:
    @strawberry.field(description="Referrals the caller's network sent or received.")
    async def referrals(
        self,
        info: Info,
        direction: Direction,
        active_only: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Referral]:
        tenant = info.context.tenant
        column = "from_tenant" if direction is Direction.SENT else "to_tenant"
        filters = [Filter(f"{column} = {{}}", tenant)]
        if active_only:
            filters.append(Filter("status = {}", "ACTIVE"))
        async with as_tenant(info.context.pool, tenant) as conn:
            found = await page(
                conn,
                tenant,
                "referrals",
                columns="*",
                sort="shared_at",
                sort_type="timestamptz",
                filters=filters,
                first=first,
                after=after,
            )
        return connection(found, "shared_at", Referral.of)
