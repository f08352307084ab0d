from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.diagnostics.types import Diagnostic, UseCaseFigures
from osezia.graphql.enums import DiagnosticStatus, Segment, SizeCategory
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import LIST_AS_OF, cutoff_of, read_until
from osezia.projections.diagnostics_rows import diagnostics_page, use_case_counts

COFINANCED_FROM = strawberry.argument(
    description="Co-financed on or after this day: the day in France the payment was recorded "
    "(a payment has no business date)."
)
COFINANCED_UNTIL = strawberry.argument(
    description="Co-financed on or before this day (the day in France the payment was recorded)."
)
SIZE_CATEGORY = strawberry.argument(
    description="The company's legal size category as the eligibility check assessed it "
    "(décret 2008-1354): MICRO, PME, ETI or GE. « PME » here is the legal category, not the "
    "PME_ETI segment."
)


@strawberry.type
class DiagnosticQueries:
    @strawberry.field(
        description=(
            "Diagnostics the caller's network sees, oldest request first: `first` (20 when "
            "neither is given) after a cursor, or `last` before one."
        )
    )
    async def diagnostics(
        self,
        info: Info,
        status: DiagnosticStatus | None = None,
        region: str | None = None,
        segment: Segment | None = None,
        size_category: Annotated[SizeCategory | None, SIZE_CATEGORY] = None,
        requested_from: date | None = None,
        requested_until: date | None = None,
        report_delivered_from: Annotated[
            date | None,
            strawberry.argument(description="Report delivered on or after this day (its date)."),
        ] = None,
        report_delivered_until: Annotated[
            date | None,
            strawberry.argument(description="Report delivered on or before this day (its date)."),
        ] = None,
        cofinanced_from: Annotated[date | None, COFINANCED_FROM] = None,
        cofinanced_until: Annotated[date | None, COFINANCED_UNTIL] = None,
        as_of: Annotated[date | None, LIST_AS_OF] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Diagnostic]:
        cutoff = cutoff_of(as_of)
        async with read_until(info, cutoff) as conn:
            found = await diagnostics_page(
                conn,
                info.context.tenant,
                status=status,
                region=region,
                segment=segment,
                size_category=size_category,
                requested=(requested_from, requested_until),
                delivered=(report_delivered_from, report_delivered_until),
                paid=(cofinanced_from, cofinanced_until),
                cutoff=cutoff,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Diagnostic.of)

    @strawberry.field(
        description="Diagnostics co-financed in a period (days in France the payments were "
        "recorded; every one when no bound is given), among those the caller's network sees, "
        "and how many found each use case, most frequent first."
    )
    async def use_case_figures(
        self,
        info: Info,
        region: str | None = None,
        segment: Segment | None = None,
        size_category: Annotated[SizeCategory | None, SIZE_CATEGORY] = None,
        cofinanced_from: Annotated[date | None, COFINANCED_FROM] = None,
        cofinanced_until: Annotated[date | None, COFINANCED_UNTIL] = None,
        as_of: Annotated[date | None, LIST_AS_OF] = None,
    ) -> UseCaseFigures:
        cutoff = cutoff_of(as_of)
        async with read_until(info, cutoff) as conn:
            counts = await use_case_counts(
                conn,
                info.context.tenant,
                region=region,
                segment=segment,
                size_category=size_category,
                paid=(cofinanced_from, cofinanced_until),
                cutoff=cutoff,
            )
        return UseCaseFigures.of(counts)
