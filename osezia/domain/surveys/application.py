"""The write API for survey measurements: the operator records what surveys measured."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.utils import EnvType

from osezia.domain.application import PlatformApplication
from osezia.domain.commands import Command
from osezia.domain.errors import Forbidden
from osezia.domain.inputs import choice, text
from osezia.domain.sizes import Segment
from osezia.domain.surveys.model import (
    Figure,
    Measurement,
    Survey,
    check_source_url,
    check_value,
    check_year,
)


@dataclass(frozen=True)
class SurveyRules:
    # The State, as operator of the plan, is the one voice for the country's figures: a
    # network recording them could not be told apart from its own results.
    recorder: str = "operator"


class Surveys(PlatformApplication):
    """Records survey measurements, and corrects them when recorded again."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        share_with: PlatformApplication | None = None,
        rules: SurveyRules | None = None,
        today: Callable[[], date] | None = None,
    ) -> None:
        super().__init__(env, share_with=share_with, today=today)
        self.rules = rules or SurveyRules()

    def record_survey_measurement(
        self,
        tenant: str,
        *,
        survey: str,
        measures: str,
        population: str,
        year: int,
        value_basis_points: int,
        source_url: str,
        segment: str | None = None,
        idempotency_key: str | None = None,
    ) -> UUID:
        """Record a measurement, or correct the one of the same survey, thing measured,
        population and year; returns its id."""

        def run() -> tuple[UUID, list[Aggregate]]:
            if tenant != self.rules.recorder:
                raise Forbidden(f"only {self.rules.recorder} records survey measurements")
            survey_ = choice(Survey, survey, "survey")
            measures_ = text(measures, "thing measured")
            population_ = text(population, "population")
            year_ = check_year(year, self.today())
            figure = Figure(
                check_value(value_basis_points),
                check_source_url(source_url),
                None if segment is None else choice(Segment, segment, "segment"),
            )
            measurement_id = Measurement.create_id(survey_, measures_, population_, year_)
            measurement = self.find(measurement_id, Measurement)
            if measurement is None:
                measurement = Measurement(
                    tenant=tenant,
                    survey=survey_.value,
                    measures=measures_,
                    population=population_,
                    segment=figure.segment.value if figure.segment else None,
                    year=year_,
                    value_basis_points=figure.value_basis_points,
                    source_url=figure.source_url,
                )
            else:
                measurement.correct(figure)
            return measurement.id, [measurement]

        arguments = (survey, measures, population, year, value_basis_points, source_url, segment)
        return self.execute(
            tenant, idempotency_key, Command.RECORD_SURVEY_MEASUREMENT, arguments, run
        )
