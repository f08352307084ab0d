from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.academie.types import Training, TrainingFigure
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged, read_models
from osezia.projections.names import stable_schema


@strawberry.type
class AcademieQueries:
    @strawberry.field(description="Enrolments the caller's network sees, by recorded time.")
    async def trainings(
        self,
        info: Info,
        audience: str | None = None,
        status: str | None = None,
        region: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Training]:
        return await paged(
            info,
            "trainings",
            Training.of,
            sort="enrolled_at",
            sort_type="timestamptz",
            conditions=[
                ("audience = {}", audience),
                ("status = {}", status),
                ("region = {}", region),
            ],
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Learners enrolled and trained over the whole plan, by audience and region, "
        "as recorded by the end of `asOf` (Paris time); without it, everything recorded."
    )
    async def training_figures(self, info: Info, as_of: date | None = None) -> list[TrainingFigure]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                "SELECT audience, region, "
                "coalesce(sum(learners) FILTER (WHERE enrolled_day <= $1), 0)::bigint AS enrolled, "
                "coalesce(sum(learners) FILTER (WHERE completed_day <= $1), 0)::bigint "
                "AS completed "
                f'FROM "{stable_schema(tenant)}".figures_trainings WHERE enrolled_day <= $1 '
                "GROUP BY audience, region ORDER BY audience, region",
                as_of or date.max,
            )
        return [TrainingFigure(**dict(r)) for r in rows]
