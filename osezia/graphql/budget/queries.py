from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.budget.types import Budget
from osezia.graphql.context import Info
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.projections.budget import envelope


@strawberry.type
class BudgetQueries:
    @strawberry.field(
        description="The plan's envelope; null until the operator opens it. With `asOf`, as "
        "recorded by the end of that day in France (Europe/Paris): null if it was not open yet, "
        "every total summed from the movements recorded by then. A day not over yet is refused."
    )
    async def budget(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> Budget | None:
        tenant = info.context.tenant
        if as_of is None:
            async with read_models(info) as conn:
                found = await envelope(conn, tenant, None)
            day, cutoff = None, None
        else:
            async with read_as_of(info, as_of) as (conn, day, cutoff):
                found = await envelope(conn, tenant, cutoff)
        return None if found is None else Budget.of(found, day=day, cutoff=cutoff)
