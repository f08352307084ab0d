from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.enums import LoanStatus
from osezia.graphql.loans.types import Loan, LoanFigure
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import AS_OF, between, paged, read_as_of
from osezia.projections.names import stable_schema

# A loan as it stood at the end of day $1: only the milestones recorded by then, and the status
# the last of them gave. A loan is GRANTED or REFUSED once (both from APPLIED), then DISBURSED
# (from GRANTED): LoanStatus has no other status.
_LOAN_FIGURES = (
    "SELECT region, segment, "
    "CASE WHEN disbursed_day <= $1 THEN 'DISBURSED' WHEN granted_day <= $1 THEN 'GRANTED' "
    "WHEN refused_day <= $1 THEN 'REFUSED' ELSE 'APPLIED' END AS status, "
    "applied_day, "
    "CASE WHEN granted_day <= $1 THEN granted_day END AS granted_day, "
    "CASE WHEN disbursed_day <= $1 THEN disbursed_day END AS disbursed_day, "
    "CASE WHEN refused_day <= $1 THEN refused_day END AS refused_day, "
    "sum(loans)::bigint AS loans, sum(amount_cents)::bigint AS amount_cents, "
    "coalesce(sum(disbursed_cents) FILTER (WHERE disbursed_day <= $1), 0)::bigint "
    "AS disbursed_cents "
    'FROM "{schema}".figures_loans WHERE applied_day <= $1 '
    # By position: a name in GROUP BY would mean the view's column, not the one as of $1.
    "GROUP BY 1, 2, 3, 4, 5, 6, 7 "
    "ORDER BY region, segment, status, applied_day, granted_day, disbursed_day, refused_day"
)


def _on_or(side: str, milestone: str) -> Any:
    return strawberry.argument(description=f"{milestone} on or {side} this day (its date).")


@strawberry.type
class LoansQueries:
    @strawberry.field(description="Guaranteed loans the caller's network sees, oldest first.")
    async def loans(
        self,
        info: Info,
        status: LoanStatus | None = None,
        region: str | None = None,
        granted_from: Annotated[date | None, _on_or("after", "Guarantee granted")] = None,
        granted_until: Annotated[date | None, _on_or("before", "Guarantee granted")] = None,
        disbursed_from: Annotated[date | None, _on_or("after", "Disbursed")] = None,
        disbursed_until: Annotated[date | None, _on_or("before", "Disbursed")] = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Loan]:
        return await paged(
            info,
            "loans",
            Loan.of,
            sort="applied_at",
            sort_type="timestamptz",
            conditions=[
                ("status = {}", status),
                ("region = {}", region),
                *between("granted_on", granted_from, granted_until),
                *between("disbursed_on", disbursed_from, disbursed_until),
            ],
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Guaranteed loans over the whole plan (within the caller's region, for a "
        "regional network), as recorded by the end of `asOf` (Paris time); today when "
        "omitted. Each loan counts with the status it had then; they name no company."
    )
    async def loan_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[LoanFigure]:
        schema = stable_schema(info.context.tenant)
        async with read_as_of(info, as_of) as (conn, day, _):
            rows = await conn.fetch(_LOAN_FIGURES.format(schema=schema), day)
        return [LoanFigure.of(dict(r)) for r in rows]
