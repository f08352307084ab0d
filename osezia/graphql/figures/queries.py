from __future__ import annotations

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.figures.types import CompanyFigure, DiagnosticFigure
from osezia.graphql.reading import read_models
from osezia.projections.names import stable_schema


@strawberry.type
class FigureQueries:
    @strawberry.field(description="Counts over every company of the plan; they name no company.")
    async def company_figures(self, info: Info) -> list[CompanyFigure]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".figures_companies '
                "ORDER BY region, segment, adoption_stage"
            )
        return [CompanyFigure(**dict(r)) for r in rows]

    @strawberry.field(description="The diagnostic funnel over the whole plan, by region.")
    async def diagnostic_figures(self, info: Info) -> list[DiagnosticFigure]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".figures_diagnostics '
                "ORDER BY region, status"
            )
        return [DiagnosticFigure(**dict(r)) for r in rows]
