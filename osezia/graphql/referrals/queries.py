from __future__ import annotations

from enum import Enum

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import read_models
from osezia.graphql.referrals.types import Referral
from osezia.projections.referrals import referrals_page


@strawberry.enum
class Direction(Enum):
    SENT = "SENT"
    RECEIVED = "RECEIVED"


@strawberry.type
class ReferralQueries:
    @strawberry.field(
        description=(
            "Referrals the caller's network sent or received, oldest first: `first` (20 when "
            "neither is given) after a cursor, or `last` before one."
        )
    )
    async def referrals(
        self,
        info: Info,
        direction: Direction,
        active_only: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Referral]:
        async with read_models(info) as conn:
            found = await referrals_page(
                conn,
                info.context.tenant,
                received=direction is Direction.RECEIVED,
                active_only=active_only,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Referral.of)
