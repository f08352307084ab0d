from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.events.types import Event, EventKind
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import read_models
from osezia.projections.events import calendar_page


@strawberry.type
class EventQueries:
    @strawberry.field(
        description=(
            "The events calendar, by date: `first` (20 when neither is given) after a cursor, "
            "or `last` before one."
        )
    )
    async def events(
        self,
        info: Info,
        region: str | None = None,
        kind: EventKind | None = None,
        from_date: date | None = None,
        until_date: date | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Event]:
        async with read_models(info) as conn:
            found = await calendar_page(
                conn,
                info.context.tenant,
                region=region,
                kind=kind,
                from_date=from_date,
                until_date=until_date,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Event.of)
