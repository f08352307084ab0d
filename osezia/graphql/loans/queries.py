from __future__ import annotations

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.loans.types import Loan, LoanFigure
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged, read_models
from osezia.projections.names import stable_schema


@strawberry.type
class LoansQueries:
    @strawberry.field(description="Guaranteed loans the caller's network sees, oldest first.")
    async def loans(
        self,
        info: Info,
        status: str | None = None,
        region: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Loan]:
        return await paged(
            info,
            "loans",
            Loan.of,
            sort="applied_at",
            sort_type="timestamptz",
            conditions=[("status = {}", status), ("region = {}", region)],
            first=first,
            after=after,
        )

    @strawberry.field(description="Guaranteed loans over the whole plan; they name no company.")
    async def loan_figures(self, info: Info) -> list[LoanFigure]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".figures_loans '
                "ORDER BY region, segment, status, applied_day, granted_day, disbursed_day"
            )
        return [LoanFigure(**dict(r)) for r in rows]
