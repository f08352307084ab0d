from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from osezia.graphql.acceleration.types import AccelerationFigure, Cohort
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import AS_OF, paged, read_as_of, within
from osezia.projections.names import stable_schema

# Each company by the admission it counted by at the end of day $1, with only the steps
# recorded by then.
_ACCELERATION_FIGURES = (
    "SELECT region, admitted_day, "
    "CASE WHEN graduated_day <= $1 THEN graduated_day END AS graduated_day, "
    "CASE WHEN exited_day <= $1 THEN exited_day END AS exited_day, "
    "sum(companies)::bigint AS companies "
    'FROM "{schema}".figures_acceleration_history '
    "WHERE counted_from <= $1 AND (counted_until IS NULL OR counted_until > $1) "
    # By position: a name in GROUP BY would mean the view's column, not the one as of $1.
    "GROUP BY 1, 2, 3, 4 ORDER BY region, admitted_day, graduated_day, exited_day"
)


_ADMITTED = "(x->>'admitted_on')::date"
_GRADUATED = "(x->>'graduated_on')::date"


def _admission(what: str) -> Any:
    return strawberry.argument(
        description=f"Cohorts with a company {what} this day (the admission's dates); the "
        "cohort lists all its admissions."
    )


@strawberry.type
class AccelerationQueries:
    @strawberry.field(description="Cohorts the caller's network sees, first opened first.")
    async def cohorts(
        self,
        info: Info,
        admitted_from: Annotated[date | None, _admission("admitted on or after")] = None,
        admitted_until: Annotated[date | None, _admission("admitted on or before")] = None,
        graduated_from: Annotated[date | None, _admission("graduated on or after")] = None,
        graduated_until: Annotated[date | None, _admission("graduated on or before")] = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Cohort]:
        return await paged(
            info,
            "cohorts",
            Cohort.of,
            sort="opened_at",
            sort_type="timestamptz",
            conditions=[
                within("admissions", _ADMITTED, admitted_from, admitted_until),
                within("admissions", _GRADUATED, graduated_from, graduated_until),
            ],
            first=first,
            after=after,
        )

    @strawberry.field(
        description="The programme's companies over every cohort (within the caller's region, "
        "for a regional network), as recorded by the end of `asOf` (Paris time); today when "
        "omitted. A company in several cohorts counts once; they name no company."
    )
    async def acceleration_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[AccelerationFigure]:
        schema = stable_schema(info.context.tenant)
        async with read_as_of(info, as_of) as (conn, day, _):
            rows = await conn.fetch(_ACCELERATION_FIGURES.format(schema=schema), day)
        return [AccelerationFigure(**dict(r)) for r in rows]
