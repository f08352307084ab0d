from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.graphql.trainings.types import (
    Audience,
    EnrolmentStatus,
    Training,
    TrainingFigure,
)
from osezia.projections.trainings import enrolments_page, training_counts


@strawberry.type
class TrainingsQueries:
    @strawberry.field(
        description=(
            "Enrolments the caller's network sees, by recorded time: `first` (20 when neither "
            "is given) after a cursor, or `last` before one."
        )
    )
    async def trainings(
        self,
        info: Info,
        audience: Audience | None = None,
        status: EnrolmentStatus | None = None,
        region: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Training]:
        async with read_models(info) as conn:
            found = await enrolments_page(
                conn,
                info.context.tenant,
                audience=audience,
                status=status,
                region=region,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Training.of)

    @strawberry.field(
        description="Learners enrolled and trained over the whole plan (within the caller's "
        "region, for a regional network), by audience and region, as recorded by the end of "
        "`asOf` (Paris time); today when omitted."
    )
    async def training_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[TrainingFigure]:
        async with read_as_of(info, as_of) as (conn, day, _):
            counts = await training_counts(conn, info.context.tenant, day)
        return [TrainingFigure.of(count) for count in counts]
