from __future__ import annotations

import strawberry

from osezia.graphql.budget.types import Budget
from osezia.graphql.context import Info
from osezia.graphql.reading import read_models
from osezia.projections.names import stable_schema


@strawberry.type
class BudgetQueries:
    @strawberry.field(description="The plan's envelope; null until the operator opens it.")
    async def budget(self, info: Info) -> Budget | None:
        async with read_models(info) as conn:
            row = await conn.fetchrow(
                f'SELECT * FROM "{stable_schema(info.context.tenant)}".budget LIMIT 1'
            )
        return None if row is None else Budget.of(dict(row))
