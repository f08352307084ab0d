from __future__ import annotations

import strawberry

from osezia.domain.commands import Command
from osezia.graphql.commands import CommandResult, run_command
from osezia.graphql.context import Info
from osezia.graphql.enums import Segment
from osezia.graphql.surveys.types import Survey


@strawberry.type
class SurveyMutations:
    @strawberry.mutation(
        description="Record what a survey measured (the operator only). The same survey, thing "
        "measured, population and year recorded again corrects the figure (same id)."
    )
    async def record_survey_measurement(
        self,
        info: Info,
        survey: Survey,
        measures: str,
        population: str,
        year: int,
        value_basis_points: int,
        source_url: str,
        segment: Segment | None = None,
        idempotency_key: str | None = None,
    ) -> CommandResult:
        s, tenant = info.context.platform.surveys, info.context.tenant
        return await run_command(
            info,
            Command.RECORD_SURVEY_MEASUREMENT,
            s,
            lambda: s.record_survey_measurement(
                tenant,
                survey=survey.value,
                measures=measures,
                population=population,
                year=year,
                value_basis_points=value_basis_points,
                source_url=source_url,
                segment=None if segment is None else segment.value,
                idempotency_key=idempotency_key,
            ),
        )
