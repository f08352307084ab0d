from __future__ import annotations

import strawberry

from osezia.graphql.scalars import Cents


@strawberry.type(description="Companies counted by region, segment and AI adoption stage.")
class CompanyFigure:
    region: str
    segment: str | None
    adoption_stage: str
    companies: int


@strawberry.type(description="Diagnostics counted by region and status, with co-financing paid.")
class DiagnosticFigure:
    region: str
    status: str
    diagnostics: int
    cofinancing_cents: Cents
