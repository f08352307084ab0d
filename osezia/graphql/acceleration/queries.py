from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from osezia.graphql.acceleration.types import AccelerationFigure, Cohort
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.projections.acceleration import acceleration_counts, cohorts_page


def _admission(what: str) -> Any:
    return strawberry.argument(
        description=f"Cohorts with a company {what} this day (the admission's dates); the "
        "cohort lists all its admissions."
    )


@strawberry.type
class AccelerationQueries:
    @strawberry.field(
        description=(
            "Cohorts the caller's network sees, first opened first: `first` (20 when neither is "
            "given) after a cursor, or `last` before one."
        )
    )
    async def cohorts(
        self,
        info: Info,
        admitted_from: Annotated[date | None, _admission("admitted on or after")] = None,
        admitted_until: Annotated[date | None, _admission("admitted on or before")] = None,
        graduated_from: Annotated[date | None, _admission("graduated on or after")] = None,
        graduated_until: Annotated[date | None, _admission("graduated on or before")] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Cohort]:
        async with read_models(info) as conn:
            found = await cohorts_page(
                conn,
                info.context.tenant,
                admitted_from=admitted_from,
                admitted_until=admitted_until,
                graduated_from=graduated_from,
                graduated_until=graduated_until,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Cohort.of)

    @strawberry.field(
        description="The programme's companies over every cohort (within the caller's region, "
        "for a regional network), as recorded by the end of `asOf` (Paris time); today when "
        "omitted. A company in several cohorts counts once; they name no company."
    )
    async def acceleration_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[AccelerationFigure]:
        async with read_as_of(info, as_of) as (conn, day, _):
            counts = await acceleration_counts(conn, info.context.tenant, day)
        return [AccelerationFigure.of(count) for count in counts]
