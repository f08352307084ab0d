from __future__ import annotations

import strawberry

from osezia.graphql.acceleration.types import AccelerationFigure, Cohort
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged, read_models
from osezia.projections.names import stable_schema


@strawberry.type
class AccelerationQueries:
    @strawberry.field(description="Cohorts the caller's network sees, first opened first.")
    async def cohorts(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> Connection[Cohort]:
        return await paged(
            info,
            "cohorts",
            Cohort.of,
            sort="opened_at",
            sort_type="timestamptz",
            first=first,
            after=after,
        )

    @strawberry.field(description="The programme's companies over every cohort; no names.")
    async def acceleration_figures(self, info: Info) -> list[AccelerationFigure]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".figures_acceleration '
                "ORDER BY region, admitted_day, graduated_day, exited_day"
            )
        return [AccelerationFigure(**dict(r)) for r in rows]
