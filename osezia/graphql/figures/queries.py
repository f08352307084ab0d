from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.figures.types import CompanyFigure, DiagnosticFigure
from osezia.graphql.reading import read_as_of, read_models
from osezia.projections.figures import company_counts, diagnostic_counts

_AS_OF = (
    " With `asOf`, as recorded by the end of that day (Paris time): the same day always gives "
    "the same answer."
)


@strawberry.type
class FigureQueries:
    @strawberry.field(
        description="Counts over every company of the plan; they name no company." + _AS_OF
    )
    async def company_figures(self, info: Info, as_of: date | None = None) -> list[CompanyFigure]:
        tenant = info.context.tenant
        if as_of is None:
            async with read_models(info) as conn:
                counts = await company_counts(conn, tenant)
        else:
            async with read_as_of(info, as_of) as (conn, day, _):
                counts = await company_counts(conn, tenant, day)
        return [CompanyFigure(**vars(c)) for c in counts]

    @strawberry.field(description="The diagnostic funnel over the whole plan, by region." + _AS_OF)
    async def diagnostic_figures(
        self, info: Info, as_of: date | None = None
    ) -> list[DiagnosticFigure]:
        tenant = info.context.tenant
        if as_of is None:
            async with read_models(info) as conn:
                counts = await diagnostic_counts(conn, tenant)
        else:
            async with read_as_of(info, as_of) as (conn, day, _):
                counts = await diagnostic_counts(conn, tenant, day)
        return [DiagnosticFigure(**vars(c)) for c in counts]
