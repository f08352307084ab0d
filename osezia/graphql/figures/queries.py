from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.figures.types import CompanyFigure, DiagnosticFigure
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.projections.figures import company_counts, diagnostic_counts


@strawberry.type
class FigureQueries:
    @strawberry.field(description="Counts over every company of the plan; they name no company.")
    async def company_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[CompanyFigure]:
        tenant = info.context.tenant
        if as_of is None:
            async with read_models(info) as conn:
                counts = await company_counts(conn, tenant)
        else:
            async with read_as_of(info, as_of) as (conn, day, _):
                counts = await company_counts(conn, tenant, day)
        return [CompanyFigure.of(c) for c in counts]

    @strawberry.field(description="The diagnostic funnel over the whole plan, by region.")
    async def diagnostic_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[DiagnosticFigure]:
        tenant = info.context.tenant
        if as_of is None:
            async with read_models(info) as conn:
                counts = await diagnostic_counts(conn, tenant)
        else:
            async with read_as_of(info, as_of) as (conn, day, _):
                counts = await diagnostic_counts(conn, tenant, day)
        return [DiagnosticFigure.of(c) for c in counts]
