from __future__ import annotations

from datetime import date
from typing import Annotated, cast

import strawberry

from osezia.graphql.context import Info, prebuilt_plan
from osezia.graphql.figures.types import CompanyFigure, DiagnosticFigure
from osezia.graphql.prebuilt import ListPlan, prebuilt_list
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.projections.figures import (
    COMPANY_COUNT_COLUMNS,
    company_count_nodes,
    company_counts,
    diagnostic_counts,
)
from osezia.projections.json_nodes import json_columns


@strawberry.type
class FigureQueries:
    @strawberry.field(
        description="Counts over every company of the plan; they name no company.",
        metadata=prebuilt_list(json_columns(COMPANY_COUNT_COLUMNS)),
    )
    async def company_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[CompanyFigure]:
        tenant = info.context.tenant
        plan = prebuilt_plan(info)
        if as_of is None:
            async with read_models(info) as conn:
                if isinstance(plan, ListPlan):  # PostgreSQL writes the rows' JSON
                    prebuilt = plan.answer(await company_count_nodes(conn, tenant, plan.node))
                    if prebuilt is not None:
                        return cast(list[CompanyFigure], prebuilt)  # completed as it is
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
