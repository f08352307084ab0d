from __future__ import annotations

from datetime import datetime

import strawberry

from osezia.domain.surveys.model import WHOLE
from osezia.domain.surveys.model import Survey as Survey
from osezia.graphql.enums import Segment, register_enum
from osezia.projections import surveys as read

# This feature's closed sets, as the schema names them.
register_enum(
    Survey,
    "Survey",
    "Who measured a figure: INSEE's TIC-entreprises survey, Bpifrance Le Lab, or another "
    "survey (named by its source).",
)


SURVEY_NAMES = {
    Survey.INSEE_TIC: "INSEE TIC-entreprises survey",
    Survey.BPIFRANCE_LE_LAB: "Bpifrance Le Lab survey",
    Survey.OTHER: "Survey",
}


@strawberry.type(
    description="A figure a survey measured over its own population: not a count of the "
    "companies followed on the platform. As it stood at the time asked about."
)
class SurveyMeasurement:
    id: strawberry.ID
    survey: Survey
    measures: str = strawberry.field(description="What the figure is a share of.")
    population: str = strawberry.field(description="Over which companies, as the survey says.")
    segment: Segment | None = strawberry.field(
        description="The plan's segment the population maps to; null when it maps to none "
        "(shown beside every adoption target, with its population)."
    )
    year: int = strawberry.field(description="The year measured (not the year published).")
    value_basis_points: int = strawberry.field(description="0 to 10000: 10 % is 1000.")
    source_url: str
    recorded_at: datetime
    corrected_at: datetime | None = strawberry.field(
        description="When it was last corrected by then; null if never."
    )

    @strawberry.field(description="The value as a percentage.")
    def value_percent(self) -> float:
        return 100 * self.value_basis_points / WHOLE

    @strawberry.field(
        description="What the figure is, in one line: survey, year, what it measures, over "
        "which population, and its source."
    )
    def label(self) -> str:
        return (
            f"{SURVEY_NAMES[self.survey]} {self.year}: {self.measures}, among "
            f"{self.population} (source: {self.source_url})"
        )

    @classmethod
    def of(cls, found: read.SurveyMeasurement) -> SurveyMeasurement:
        return cls(
            id=strawberry.ID(str(found.id)),
            survey=Survey(found.survey),
            measures=found.measures,
            population=found.population,
            segment=None if found.segment is None else Segment(found.segment),
            year=found.year,
            value_basis_points=found.value_basis_points,
            source_url=found.source_url,
            recorded_at=found.recorded_at,
            corrected_at=found.corrected_at,
        )
