from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.diagnostics.types import Diagnostic, UseCaseCount, UseCaseFigures
from osezia.graphql.enums import DiagnosticStatus, Segment, SizeCategory
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import (
    LIST_AS_OF,
    between,
    cutoff_of,
    paged,
    paris_day,
    read_until,
    recorded_by,
    where,
)
from osezia.projections.names import stable_schema

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


def status_as_of(cutoff: datetime | None) -> str:
    """The status in SQL: the one the history gives at the cutoff when there is one."""
    if cutoff is None:
        return "status"
    return (
        "coalesce((SELECT h.step->>'status' FROM jsonb_array_elements(status_history) "
        "WITH ORDINALITY AS h(step, n) "
        f"WHERE (h.step->>'at')::timestamptz < '{cutoff.isoformat()}'::timestamptz "
        "ORDER BY h.n DESC LIMIT 1), status)"
    )


def cofinanced(
    since: date | None, until: date | None, cutoff: datetime | None
) -> list[tuple[str, object | None]]:
    """Co-financed within [since, until] (days in France), and recorded before the cutoff."""
    return [
        *between(paris_day("cofinanced_at"), since, until),
        recorded_by("cofinanced_at", cutoff),
    ]


_USE_CASES = (
    "SELECT u->>'code' AS code, min(u->>'title') AS title, count(DISTINCT d.id) AS diagnostics "
    'FROM "{schema}".diagnostics d CROSS JOIN LATERAL jsonb_array_elements(d.use_cases) AS u '
    "WHERE cofinanced_at IS NOT NULL AND {where} GROUP BY 1 ORDER BY 3 DESC, 1"
)
_TOTALS = (
    "SELECT count(*) AS diagnostics, count(DISTINCT company_id) AS companies "
    'FROM "{schema}".diagnostics WHERE cofinanced_at IS NOT NULL AND {where}'
)


@strawberry.type
class DiagnosticQueries:
    @strawberry.field(description="Diagnostics the caller's network sees, oldest request first.")
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
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Diagnostic]:
        cutoff = cutoff_of(as_of)
        delivered = (report_delivered_from, report_delivered_until)
        paid = (cofinanced_from, cofinanced_until)
        return await paged(
            info,
            "diagnostics",
            Diagnostic.as_of(cutoff),
            sort="requested_at",
            sort_type="timestamptz",
            conditions=[
                (f"{status_as_of(cutoff)} = {{}}", status),
                ("region = {}", region),
                ("segment = {}", segment),
                ("size_category = {}", size_category),
                ("requested_at >= {}::date", requested_from),
                ("requested_at < ({}::date + 1)", requested_until),
                recorded_by("requested_at", cutoff),
                *between("report_delivered_on", *delivered),
                recorded_by("report_delivered_at", cutoff if any(delivered) else None),
                *cofinanced(cofinanced_from, cofinanced_until, cutoff if any(paid) else None),
            ],
            first=first,
            after=after,
            cutoff=cutoff,
        )

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
        clause, params = where(
            [
                ("region = {}", region),
                ("segment = {}", segment),
                ("size_category = {}", size_category),
                *cofinanced(cofinanced_from, cofinanced_until, cutoff),
            ]
        )
        schema = stable_schema(info.context.tenant)
        async with read_until(info, cutoff) as conn:
            [totals] = await conn.fetch(_TOTALS.format(schema=schema, where=clause), *params)
            found = await conn.fetch(_USE_CASES.format(schema=schema, where=clause), *params)
        return UseCaseFigures(
            diagnostics=totals["diagnostics"],
            companies=totals["companies"],
            use_cases=[UseCaseCount(**dict(r)) for r in found],
        )
