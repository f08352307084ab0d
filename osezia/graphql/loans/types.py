from __future__ import annotations

from datetime import date, datetime

import strawberry

from osezia.domain.loans.model import LoanStatus as LoanStatus
from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import Segment, SizeCategory, register_enum
from osezia.graphql.node import Node, register_node
from osezia.graphql.scalars import Cents
from osezia.projections.loans import LoanCount, LoanRow

# This feature's closed sets, as the schema names them.
register_enum(LoanStatus, "LoanStatus", "Where a state-guaranteed loan stands.")


@strawberry.type(description="A state-guaranteed loan for a company's AI project.")
class Loan(Node, AboutACompany):
    id: strawberry.ID
    company_id: strawberry.ID
    company_siren: str
    company_name: str
    region: str
    segment: Segment | None
    size_category: SizeCategory
    applied_through: str = strawberry.field(description="The network that applied.")
    status: LoanStatus
    amount_cents: Cents
    term_months: int
    purpose: str
    applied_on: date
    applied_at: datetime
    guarantee_share_basis_points: int | None = strawberry.field(
        description="The share of the loan Bpifrance guarantees, in basis points (100 % = 10000)."
    )
    granted_on: date | None
    granted_at: datetime | None
    refused_on: date | None
    refused_at: datetime | None
    refuse_reason: str | None
    disbursed_cents: Cents | None
    disbursed_on: date | None
    disbursed_at: datetime | None

    @classmethod
    def of(cls, row: LoanRow) -> Loan:
        return cls(
            id=strawberry.ID(str(row.id)),
            company_id=strawberry.ID(str(row.company_id)),
            company_siren=row.company_siren,
            company_name=row.company_name,
            region=row.region,
            segment=None if row.segment is None else Segment(row.segment),
            size_category=SizeCategory(row.size_category),
            applied_through=row.owner,
            status=LoanStatus(row.status),
            amount_cents=Cents(row.amount_cents),
            term_months=row.term_months,
            purpose=row.purpose,
            applied_on=row.applied_on,
            applied_at=row.applied_at,
            guarantee_share_basis_points=row.guarantee_share_basis_points,
            granted_on=row.granted_on,
            granted_at=row.granted_at,
            refused_on=row.refused_on,
            refused_at=row.refused_at,
            refuse_reason=row.refuse_reason,
            disbursed_cents=None if row.disbursed_cents is None else Cents(row.disbursed_cents),
            disbursed_on=row.disbursed_on,
            disbursed_at=row.disbursed_at,
        )


@strawberry.type(
    description="Loans counted by region, segment, status and the days (in France) their "
    "application, guarantee or refusal, and disbursement were recorded, as they stood at the "
    "end of the day asked for; they name no company."
)
class LoanFigure:
    region: str
    segment: Segment | None = strawberry.field(description="The company's segment when it applied.")
    status: LoanStatus = strawberry.field(
        description="The status the loans had at the end of the day asked for."
    )
    applied_day: date = strawberry.field(description="The day the application was recorded.")
    granted_day: date | None = strawberry.field(
        description="The day the guarantee was recorded; null if not granted by the day asked for."
    )
    disbursed_day: date | None = strawberry.field(
        description="The day the disbursement was recorded; null if not disbursed by the day "
        "asked for."
    )
    refused_day: date | None = strawberry.field(
        description="The day the refusal was recorded; null if not refused by the day asked for."
    )
    loans: int
    amount_cents: Cents = strawberry.field(description="The amounts applied for.")
    disbursed_cents: Cents = strawberry.field(
        description="The amounts disbursed by the day asked for."
    )

    @classmethod
    def of(cls, count: LoanCount) -> LoanFigure:
        return cls(
            region=count.region,
            segment=None if count.segment is None else Segment(count.segment),
            status=LoanStatus(count.status),
            applied_day=count.applied_day,
            granted_day=count.granted_day,
            disbursed_day=count.disbursed_day,
            refused_day=count.refused_day,
            loans=count.loans,
            amount_cents=Cents(count.amount_cents),
            disbursed_cents=Cents(count.disbursed_cents),
        )


register_node("loans", LoanRow.from_row, Loan.of)
