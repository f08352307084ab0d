from __future__ import annotations

from datetime import date, datetime
from typing import Any

import strawberry

from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.node import Node
from osezia.graphql.scalars import Cents


@strawberry.type(description="A use case found by the expert, with its priority once scored.")
class UseCase:
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
    segment: str | None
    requested_by: str
    status: str
    eligible: bool | None
    size_category: str | None
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

    @classmethod
    def of(cls, row: dict[str, Any]) -> Diagnostic:
        return cls(
            id=strawberry.ID(str(row["id"])),
            company_id=strawberry.ID(str(row["company_id"])),
            company_siren=row["company_siren"],
            company_name=row["company_name"],
            region=row["region"],
            segment=row["segment"],
            requested_by=row["owner"],
            status=row["status"],
            eligible=row["eligible"],
            size_category=row["size_category"],
            expert=row["expert"],
            expert_days_logged=row["expert_days_logged"],
            expert_days_cap=row["expert_days_cap"],
            use_cases=[UseCase(**u) for u in row["use_cases"]],
            report_delivered_on=row["report_delivered_on"],
            price_cents=row["price_cents"],
            state_share_basis_points=row["state_share_basis_points"],
            cofinancing_cents=row["cofinancing_cents"],
            cancel_reason=row["cancel_reason"],
            requested_at=row["requested_at"],
        )
