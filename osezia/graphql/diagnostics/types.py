from __future__ import annotations

from datetime import date, datetime

import strawberry

from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import DiagnosticStatus, Segment, SizeCategory
from osezia.graphql.node import Node, register_node
from osezia.graphql.scalars import Cents
from osezia.projections.diagnostics_rows import DiagnosticRow, UseCaseCounts


@strawberry.type(description="A use case found by the expert, with its priority once scored.")
class UseCase:
    # A string, not the UseCaseCode enum: diagnostics recorded before codes were checked
    # against the catalogue's categories keep their own codes.
    code: str
    title: str
    rank: int | None
    value: int | None
    feasibility: int | None


@strawberry.type(description="A diagnostic Data IA.")
class Diagnostic(Node, AboutACompany):
    id: strawberry.ID
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    segment: Segment | None
    requested_by: str
    status: DiagnosticStatus
    eligible: bool | None
    size_category: SizeCategory | None
    expert: str | None
    expert_days_logged: int
    expert_days_cap: int
    use_cases: list[UseCase] = strawberry.field(description="In priority order once prioritised.")
    report_delivered_on: date | None
    price_cents: Cents | None
    state_share_basis_points: int | None
    cofinancing_cents: Cents | None = strawberry.field(description="What the State paid.")
    cancel_reason: str | None
    requested_at: datetime
    report_delivered_at: datetime | None = strawberry.field(
        description="When the delivery of the report was recorded."
    )
    cofinanced_at: datetime | None = strawberry.field(
        description="When the co-financing was recorded as paid: the payment has no business "
        "date, so `cofinancedFrom`/`cofinancedUntil` compare this time's day in France."
    )

    @classmethod
    def of(cls, row: DiagnosticRow) -> Diagnostic:
        return cls(
            id=strawberry.ID(str(row.id)),
            company_id=strawberry.ID(str(row.company_id)),
            company_siren=row.company_siren,
            company_name=row.company_name,
            region=row.region,
            segment=None if row.segment is None else Segment(row.segment),
            requested_by=row.owner,
            status=DiagnosticStatus(row.status),
            eligible=row.eligible,
            size_category=None if row.size_category is None else SizeCategory(row.size_category),
            expert=row.expert,
            expert_days_logged=row.expert_days_logged,
            expert_days_cap=row.expert_days_cap,
            use_cases=[
                UseCase(
                    code=u.code,
                    title=u.title,
                    rank=u.rank,
                    value=u.value,
                    feasibility=u.feasibility,
                )
                for u in row.use_cases
            ],
            report_delivered_on=row.report_delivered_on,
            price_cents=None if row.price_cents is None else Cents(row.price_cents),
            state_share_basis_points=row.state_share_basis_points,
            cofinancing_cents=None
            if row.cofinancing_cents is None
            else Cents(row.cofinancing_cents),
            cancel_reason=row.cancel_reason,
            requested_at=row.requested_at,
            report_delivered_at=row.report_delivered_at,
            cofinanced_at=row.cofinanced_at,
        )


@strawberry.type(description="How many diagnostics found a use case.")
class UseCaseCount:
    code: str
    title: str = strawberry.field(description="The title the expert gave it (one of them).")
    diagnostics: int


@strawberry.type(
    description="Diagnostics co-financed in a period, and the use cases they found, most "
    "frequent first; within what the caller's network sees."
)
class UseCaseFigures:
    diagnostics: int
    companies: int = strawberry.field(description="Distinct companies among them.")
    use_cases: list[UseCaseCount]

    @classmethod
    def of(cls, counts: UseCaseCounts) -> UseCaseFigures:
        return cls(
            diagnostics=counts.diagnostics,
            companies=counts.companies,
            use_cases=[
                UseCaseCount(code=u.code, title=u.title, diagnostics=u.diagnostics)
                for u in counts.use_cases
            ],
        )


register_node("diagnostics", DiagnosticRow.from_row, Diagnostic.of)
