from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.progress.types import Progress
from osezia.graphql.reading import read_models
from osezia.projections.progress import check_as_of, progress, today


@strawberry.type
class ProgressQueries:
    @strawberry.field(
        description="Progress towards the 2030 targets as of the end of a day (Europe/Paris; "
        "today when omitted), computed from what had been recorded by then."
    )
    async def progress(self, info: Info, as_of: date | None = None) -> Progress:
        day = as_of if as_of is not None else today()
        check_as_of(day)
        context = info.context
        # A past day's figures wait for the read models to hold every event recorded by then.
        async with read_models(info, caught_up=day < today()) as conn:
            found = await progress(conn, context.tenant, context.profile, day)
        return Progress.of(found)
