from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.events.types import Event
from osezia.graphql.pagination import Connection, connection
from osezia.projections.access import as_tenant
from osezia.projections.paging import Filter, page


@strawberry.type
class EventQueries:
    @strawberry.field(description="The events calendar, by date.")
    async def events(
        self,
        info: Info,
        region: str | None = None,
        kind: str | None = None,
        from_date: date | None = None,
        until_date: date | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Event]:
        filters = [
            Filter(sql, value)
            for sql, value in (
                ("region = {}", region),
                ("kind = {}", kind),
                ("on_date >= {}", from_date),
                ("on_date <= {}", until_date),
            )
            if value is not None
        ]
        tenant = info.context.tenant
        async with as_tenant(info.context.pool, tenant) as conn:
            found = await page(
                conn,
                tenant,
                "events",
                columns="*",
                sort="on_date",
                sort_type="date",
                filters=filters,
                first=first,
                after=after,
            )
        return connection(found, "on_date", Event.of)
