from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.graphql.surveys.types import SurveyMeasurement
from osezia.projections.surveys import measurements


@strawberry.type
class SurveyQueries:
    @strawberry.field(
        description="What surveys measured (INSEE's TIC survey, Bpifrance Le Lab…), public, "
        "latest year first. `population`: a segment (TPE, PME_ETI, GE) or words of the "
        "population's label. With `asOf`, each figure as recorded by the end of that day."
    )
    async def survey_measurements(
        self,
        info: Info,
        population: str | None = None,
        year: int | None = None,
        as_of: Annotated[date | None, AS_OF] = None,
    ) -> list[SurveyMeasurement]:
        tenant = info.context.tenant
        if as_of is None:
            async with read_models(info) as conn:
                found = await measurements(conn, tenant, population=population, year=year)
        else:
            async with read_as_of(info, as_of) as (conn, _, cutoff):
                found = await measurements(
                    conn, tenant, population=population, year=year, cutoff=cutoff
                )
        return [SurveyMeasurement.of(m) for m in found]
