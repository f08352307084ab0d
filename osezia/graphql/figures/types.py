from __future__ import annotations

import strawberry

from osezia.graphql.enums import AdoptionStage, DiagnosticStatus, Segment
from osezia.graphql.scalars import Cents
from osezia.projections.figures import CompanyCount, DiagnosticCount


@strawberry.type(description="Companies counted by region, segment and AI adoption stage.")
class CompanyFigure:
    region: str
    segment: Segment | None
    adoption_stage: AdoptionStage
    companies: int

    @classmethod
    def of(cls, count: CompanyCount) -> CompanyFigure:
        return cls(
            region=count.region,
            segment=None if count.segment is None else Segment(count.segment),
            adoption_stage=AdoptionStage(count.adoption_stage),
            companies=count.companies,
        )


@strawberry.type(description="Diagnostics counted by region and status, with co-financing paid.")
class DiagnosticFigure:
    region: str
    status: DiagnosticStatus
    diagnostics: int
    cofinancing_cents: Cents

    @classmethod
    def of(cls, count: DiagnosticCount) -> DiagnosticFigure:
        return cls(
            region=count.region,
            status=DiagnosticStatus(count.status),
            diagnostics=count.diagnostics,
            cofinancing_cents=Cents(count.cofinancing_cents),
        )
