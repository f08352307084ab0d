from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.progress.types import Progress
from osezia.graphql.reading import AS_OF, read_as_of
from osezia.projections.progress import progress


@strawberry.type
class ProgressQueries:
    @strawberry.field(
        description="Progress towards the 2030 targets as of the end of a day (Europe/Paris; "
        "today when omitted), computed from what had been recorded by then."
    )
    async def progress(self, info: Info, as_of: Annotated[date | None, AS_OF] = None) -> Progress:
        context = info.context
        async with read_as_of(info, as_of) as (conn, day, _):
            found = await progress(conn, context.tenant, context.profile, day)
        return Progress.of(found)
