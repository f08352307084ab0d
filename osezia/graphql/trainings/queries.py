from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.enums import Audience, EnrolmentStatus
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import AS_OF, paged, read_as_of
from osezia.graphql.trainings.types import Training, TrainingFigure
from osezia.projections.names import stable_schema


@strawberry.type
class TrainingsQueries:
    @strawberry.field(description="Enrolments the caller's network sees, by recorded time.")
    async def trainings(
        self,
        info: Info,
        audience: Audience | None = None,
        status: EnrolmentStatus | None = None,
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
        description="Learners enrolled and trained over the whole plan (within the caller's "
        "region, for a regional network), by audience and region, as recorded by the end of "
        "`asOf` (Paris time); today when omitted."
    )
    async def training_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[TrainingFigure]:
        schema = stable_schema(info.context.tenant)
        async with read_as_of(info, as_of) as (conn, day, _):
            rows = await conn.fetch(
                "SELECT audience, region, sum(learners)::bigint AS enrolled, "
                "coalesce(sum(learners) FILTER (WHERE completed_day <= $1), 0)::bigint "
                "AS completed "
                f'FROM "{schema}".figures_trainings WHERE enrolled_day <= $1 '
                "GROUP BY audience, region ORDER BY audience, region",
                day,
            )
        return [
            TrainingFigure(
                audience=Audience(r["audience"]),
                region=r["region"],
                enrolled=r["enrolled"],
                completed=r["completed"],
            )
            for r in rows
        ]
