from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.enums import EventKind
from osezia.graphql.events.types import Event
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged


@strawberry.type
class EventQueries:
    @strawberry.field(description="The events calendar, by date.")
    async def events(
        self,
        info: Info,
        region: str | None = None,
        kind: EventKind | None = None,
        from_date: date | None = None,
        until_date: date | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Event]:
        return await paged(
            info,
            "events",
            Event.of,
            sort="on_date",
            sort_type="date",
            conditions=[
                ("region = {}", region),
                ("kind = {}", kind),
                ("on_date >= {}", from_date),
                ("on_date <= {}", until_date),
            ],
            first=first,
            after=after,
        )
