from __future__ import annotations

import strawberry

from osezia.graphql.ambassadors.types import Ambassador
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.projections.access import as_tenant
from osezia.projections.paging import Filter, page


@strawberry.type
class AmbassadorQueries:
    @strawberry.field(description="The ambassadors directory, by name.")
    async def ambassadors(
        self,
        info: Info,
        region: str | None = None,
        kind: str | None = None,
        active_only: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Ambassador]:
        filters = [
            Filter(sql, value)
            for sql, value in (("region = {}", region), ("kind = {}", kind))
            if value is not None
        ]
        if active_only:
            filters.append(Filter("status = {}", "ACTIVE"))
        tenant = info.context.tenant
        async with as_tenant(info.context.pool, tenant) as conn:
            found = await page(
                conn,
                tenant,
                "ambassadors",
                columns="*",
                sort="full_name",
                sort_type="text",
                filters=filters,
                first=first,
                after=after,
            )
        return connection(found, "full_name", Ambassador.of)
