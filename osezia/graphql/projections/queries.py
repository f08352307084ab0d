from __future__ import annotations

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.projections.types import ProjectionStatus
from osezia.projections.status import projection_status


@strawberry.type
class ProjectionQueries:
    @strawberry.field(description="Position, lag and rebuild progress of the caller's models.")
    async def projection_status(self, info: Info) -> ProjectionStatus:
        async with info.context.pool.acquire() as conn:
            status = await projection_status(conn, info.context.tenant)
        return ProjectionStatus.of(status)
