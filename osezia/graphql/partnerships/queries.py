from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.enums import PartnershipStatus
from osezia.graphql.pagination import Connection
from osezia.graphql.partnerships.types import Partnership, PartnershipYear, status_as_of
from osezia.graphql.reading import (
    LIST_AS_OF,
    between,
    cutoff_of,
    paged,
    read_until,
    recorded_by,
    where,
)
from osezia.projections.names import stable_schema
from osezia.projections.schemas import PARTNERSHIP_TARGET

SIGNED_FROM = strawberry.argument(description="Signed on or after this day (its date).")
SIGNED_UNTIL = strawberry.argument(description="Signed on or before this day (its date).")


@strawberry.type
class PartnershipQueries:
    @strawberry.field(description="Partnerships the caller's network sees, by proposal date.")
    async def partnerships(
        self,
        info: Info,
        status: PartnershipStatus | None = None,
        year: int | None = None,
        signed_from: Annotated[date | None, SIGNED_FROM] = None,
        signed_until: Annotated[date | None, SIGNED_UNTIL] = None,
        as_of: Annotated[date | None, LIST_AS_OF] = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Partnership]:
        cutoff = cutoff_of(as_of)
        signed = year is not None or signed_from is not None or signed_until is not None
        return await paged(
            info,
            "partnerships",
            Partnership.as_of(cutoff),
            sort="proposed_at",
            sort_type="timestamptz",
            conditions=[
                (f"{status_as_of(cutoff)} = {{}}", status),
                ("year = {}", year),
                *between("signed_on", signed_from, signed_until),
                recorded_by("proposed_at", cutoff),
                recorded_by("signed_at", cutoff if signed else None),
            ],
            first=first,
            after=after,
            cutoff=cutoff,
        )

    @strawberry.field(
        description="Partnerships signed per year: those with SMEs against the target of 10, "
        "the others counted apart."
    )
    async def partnership_years(
        self,
        info: Info,
        year: int | None = None,
        as_of: Annotated[date | None, LIST_AS_OF] = None,
    ) -> list[PartnershipYear]:
        cutoff = cutoff_of(as_of)
        clause, params = where([("year = {}", year), recorded_by("signed_at", cutoff)])
        async with read_until(info, cutoff) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(info.context.tenant)}".partnerships '
                f"WHERE year IS NOT NULL AND {clause} ORDER BY year, signed_on, id",
                *params,
            )
        by_year: dict[int, list[Partnership]] = defaultdict(list)
        for row in rows:
            by_year[row["year"]].append(Partnership.as_of(cutoff)(dict(row)))
        return [_year(y, p) for y, p in sorted(by_year.items())]


def _year(year: int, signed: list[Partnership]) -> PartnershipYear:
    """A year's partnerships: those with an SME count towards the target, the others apart."""
    smes = sum(p.with_an_sme() for p in signed)
    return PartnershipYear(
        year=year,
        signed=smes,
        target=PARTNERSHIP_TARGET,
        partnerships=signed,
        others=len(signed) - smes,
    )
