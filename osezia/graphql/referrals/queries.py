from __future__ import annotations

from enum import Enum

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged
from osezia.graphql.referrals.types import Referral, ReferralStatus


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
        column = "from_tenant" if direction is Direction.SENT else "to_tenant"
        return await paged(
            info,
            "referrals",
            Referral.of,
            sort="shared_at",
            sort_type="timestamptz",
            conditions=[
                (f"{column} = {{}}", info.context.tenant),
                ("status = {}", ReferralStatus.ACTIVE if active_only else None),
            ],
            first=first,
            after=after,
        )
