from __future__ import annotations

from datetime import date
from enum import Enum

import strawberry

from osezia.domain.budget.model import allocation_source
from osezia.graphql.enums import Measure, TargetCode, Unit
from osezia.graphql.scalars import Cents
from osezia.graphql.surveys.types import SurveyMeasurement
from osezia.projections import progress as figures

_PLATFORM_SHARE = (
    "Share of the {segment} companies followed on the platform (not a national rate: see "
    "surveyMeasurements)"
)


@strawberry.type(
    description="One 2030 target: the platform's figure as of the date, the target, the "
    "baseline with its source, and exactly what is counted over which records."
)
class TargetProgress:
    code: TargetCode
    label: str
    unit: Unit
    measured: float = strawberry.field(description="A percentage when the unit is PERCENT.")
    numerator: float | None = strawberry.field(description="For PERCENT: companies counted.")
    denominator: float | None = strawberry.field(description="For PERCENT: the population.")
    target: float
    target_year: int = strawberry.field(description="2030, or the year of a yearly target.")
    baseline: float | None
    baseline_year: int | None
    baseline_source: str | None
    progress_percent: float = strawberry.field(
        description="Share of the way from the baseline (or 0) to the target; may pass 100."
    )
    definition: str
    population: str
    measured_label: str = strawberry.field(
        description="What `measured` is, in one line: for an adoption target, the share of "
        "the companies followed on the platform, which is not the country's rate."
    )
    survey_measurements: list[SurveyMeasurement] = strawberry.field(
        description="For an adoption target: what surveys measured that bears on it (its "
        "segment, or a population that maps to no segment), as recorded by the date, each "
        "labelled with what it measures, over which population, its year and source. Empty "
        "for the other targets."
    )

    @classmethod
    def of(cls, figure: figures.TargetProgress) -> TargetProgress:
        target, baseline = figure.target, figure.target.baseline
        segment = figures.segment_of_target(target.code)
        return cls(
            code=target.code,
            label=target.label,
            unit=target.unit,
            measured=figure.measured,
            numerator=figure.numerator,
            denominator=figure.denominator,
            target=target.value,
            target_year=figure.year,
            baseline=baseline.value if baseline else None,
            baseline_year=baseline.year if baseline else None,
            baseline_source=baseline.source if baseline else None,
            progress_percent=figure.progress_percent,
            definition=target.definition,
            population=target.population,
            measured_label=target.label
            if segment is None
            else _PLATFORM_SHARE.format(segment=segment.value),
            survey_measurements=[SurveyMeasurement.of(m) for m in figure.surveys],
        )


@strawberry.type(description="A count for one year, against the yearly target when known.")
class YearCount:
    year: int
    count: int
    target: int | None
    others: int = strawberry.field(
        description="Counted apart, not towards the target: partnerships signed with a "
        "company that is no SME (0 for apprentices)."
    )

    @classmethod
    def of(cls, figure: figures.YearCount) -> YearCount:
        return cls(year=figure.year, count=figure.count, target=figure.target, others=figure.others)


@strawberry.type(
    description="One region's figures as of the date: companies registered and adopting AI, "
    "diagnostics requested, people trained, ambassadors in office."
)
class RegionFigures:
    region: str
    name: str
    companies: int
    adopting: int
    diagnostics: int
    trained: int
    ambassadors: int

    @classmethod
    def of(cls, figure: figures.RegionFigures) -> RegionFigures:
        return cls(**vars(figure))


@strawberry.type(description="Diagnostics requested, reports delivered, co-financing paid.")
class DiagnosticFunnel:
    requested: int
    report_delivered: int
    cofinanced: int
    cofinancing_cents: Cents

    @classmethod
    def of(cls, figure: figures.DiagnosticFunnel) -> DiagnosticFunnel:
        return cls(
            requested=figure.requested,
            report_delivered=figure.report_delivered,
            cofinanced=figure.cofinanced,
            cofinancing_cents=Cents(figure.cofinancing_cents),
        )


@strawberry.type(description="One measure's budget line: allocated, committed and paid.")
class BudgetMeasure:
    measure: Measure
    allocated_cents: Cents | None = strawberry.field(
        description="What the measure was allotted; null when no allocation was published "
        "(see allocationSource)."
    )
    committed_cents: Cents
    paid_cents: Cents

    @strawberry.field(description="Where the allocation comes from, or that none was published.")
    def allocation_source(self) -> str:
        return allocation_source(self.measure, self.allocated_cents)


@strawberry.type(description="The plan's budget against its 200 M€ envelope.")
class BudgetProgress:
    envelope_cents: Cents
    committed_cents: Cents
    paid_cents: Cents
    measures: list[BudgetMeasure]

    @classmethod
    def of(cls, figure: figures.BudgetProgress) -> BudgetProgress:
        return cls(
            envelope_cents=Cents(figure.envelope_cents),
            committed_cents=Cents(figure.committed_cents),
            paid_cents=Cents(figure.paid_cents),
            measures=[
                BudgetMeasure(
                    measure=Measure(m.measure),
                    allocated_cents=None if m.allocated_cents is None else Cents(m.allocated_cents),
                    committed_cents=Cents(m.committed_cents),
                    paid_cents=Cents(m.paid_cents),
                )
                for m in figure.measures
            ],
        )


@strawberry.type(description="Companies followed, and adopting AI, in one section of NAF rév. 2.")
class SectionFigures:
    section: str = strawberry.field(description="The section's letter (A to U).")
    label: str = strawberry.field(description="Its name, as INSEE gives it.")
    companies: int
    adopting: int

    @classmethod
    def of(cls, figure: figures.SectionFigures) -> SectionFigures:
        return cls(**vars(figure))


@strawberry.enum(description="Which companies a network's figures count.")
class CompaniesCounted(Enum):
    OWN = "OWN"
    ALL = "ALL"


@strawberry.type(
    description="Progress towards the plan's 2030 targets as of a day, within what the "
    "caller's network sees. The same day always gives the same answer."
)
class Progress:
    as_of: date
    scope: str = strawberry.field(description="NATIONAL, or a regional network's region code.")
    companies_counted: CompaniesCounted = strawberry.field(
        description="Which companies the adoption figures count: the network's own (OWN: those "
        "it follows, within its scope), or every company followed on the platform (ALL)."
    )
    targets: list[TargetProgress]
    partnership_years: list[YearCount]
    apprentice_years: list[YearCount]
    regions: list[RegionFigures]
    diagnostic_funnel: DiagnosticFunnel
    budget: BudgetProgress
    sections: list[SectionFigures] = strawberry.field(
        description="The companies counted, by section of NAF rév. 2 (those with any)."
    )

    @classmethod
    def of(cls, figure: figures.Progress) -> Progress:
        return cls(
            as_of=figure.as_of,
            scope=figure.scope,
            companies_counted=CompaniesCounted.ALL
            if figure.every_company
            else CompaniesCounted.OWN,
            targets=[TargetProgress.of(t) for t in figure.targets],
            partnership_years=[YearCount.of(y) for y in figure.partnership_years],
            apprentice_years=[YearCount.of(y) for y in figure.apprentice_years],
            regions=[RegionFigures.of(r) for r in figure.regions],
            sections=[SectionFigures.of(s) for s in figure.sections],
            diagnostic_funnel=DiagnosticFunnel.of(figure.diagnostic_funnel),
            budget=BudgetProgress.of(figure.budget),
        )
