from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import strawberry

from osezia.graphql.companies.link import AboutACompany
from osezia.graphql.enums import DiagnosticStatus, Segment, SizeCategory
from osezia.graphql.node import Node, register_node
from osezia.graphql.scalars import Cents


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
    def as_of(cls, cutoff: datetime | None) -> Callable[[dict[str, Any]], Diagnostic]:
        """Diagnostics as recorded before the cutoff (as they stand when None)."""
        if cutoff is None:
            return cls.of
        return lambda row: cls.of(recorded_before(row, cutoff))

    @classmethod
    def of(cls, row: dict[str, Any]) -> Diagnostic:
        return cls(
            id=strawberry.ID(str(row["id"])),
            company_id=strawberry.ID(str(row["company_id"])),
            company_siren=row["company_siren"],
            company_name=row["company_name"],
            region=row["region"],
            segment=None if row["segment"] is None else Segment(row["segment"]),
            requested_by=row["owner"],
            status=DiagnosticStatus(row["status"]),
            eligible=row["eligible"],
            size_category=None
            if row["size_category"] is None
            else SizeCategory(row["size_category"]),
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
            report_delivered_at=row["report_delivered_at"],
            cofinanced_at=row["cofinanced_at"],
        )


# What each step of the status history brought, cleared when the step came after the cutoff.
_BROUGHT_BY: dict[str, dict[str, Any]] = {
    "ELIGIBLE": {"eligible": None, "size_category": None},
    "INELIGIBLE": {"eligible": None, "size_category": None},
    "EXPERT_ASSIGNED": {"expert": None},
    "USE_CASES_IDENTIFIED": {"use_cases": []},
    "REPORT_DELIVERED": {"report_delivered_on": None, "report_delivered_at": None},
    "COFINANCING_PAID": {
        "price_cents": None,
        "state_share_basis_points": None,
        "cofinancing_cents": None,
        "cofinanced_at": None,
    },
    "CANCELLED": {"cancel_reason": None},
}


def recorded_before(row: dict[str, Any], cutoff: datetime) -> dict[str, Any]:
    """A diagnostic's row as its status history says it stood at the cutoff: the status then,
    without the milestones recorded after it (expert days and scores are shown as they are)."""
    row = dict(row)
    steps = [step for step in row["status_history"] if datetime.fromisoformat(step["at"]) < cutoff]
    for step in row["status_history"][len(steps) :]:
        row.update(_BROUGHT_BY.get(step["status"], {}))
    if steps:
        row["status"] = steps[-1]["status"]
    return row


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


register_node("diagnostics", Diagnostic.of)
