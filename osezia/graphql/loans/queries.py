from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.loans.types import Loan, LoanFigure, LoanStatus
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import AS_OF, read_as_of, read_models
from osezia.projections.loans import loan_counts, loans_page


def _on_or(side: str, milestone: str) -> Any:
    return strawberry.argument(description=f"{milestone} on or {side} this day (its date).")


@strawberry.type
class LoansQueries:
    @strawberry.field(
        description=(
            "Guaranteed loans the caller's network sees, oldest first: `first` (20 when neither "
            "is given) after a cursor, or `last` before one."
        )
    )
    async def loans(
        self,
        info: Info,
        status: LoanStatus | None = None,
        region: str | None = None,
        granted_from: Annotated[date | None, _on_or("after", "Guarantee granted")] = None,
        granted_until: Annotated[date | None, _on_or("before", "Guarantee granted")] = None,
        disbursed_from: Annotated[date | None, _on_or("after", "Disbursed")] = None,
        disbursed_until: Annotated[date | None, _on_or("before", "Disbursed")] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Loan]:
        async with read_models(info) as conn:
            found = await loans_page(
                conn,
                info.context.tenant,
                status=status,
                region=region,
                granted=(granted_from, granted_until),
                disbursed=(disbursed_from, disbursed_until),
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Loan.of)

    @strawberry.field(
        description="Guaranteed loans over the whole plan (within the caller's region, for a "
        "regional network), as recorded by the end of `asOf` (Paris time); today when "
        "omitted. Each loan counts with the status it had then; they name no company."
    )
    async def loan_figures(
        self, info: Info, as_of: Annotated[date | None, AS_OF] = None
    ) -> list[LoanFigure]:
        async with read_as_of(info, as_of) as (conn, day, _):
            counts = await loan_counts(conn, info.context.tenant, day)
        return [LoanFigure.of(count) for count in counts]
