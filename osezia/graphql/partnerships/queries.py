from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.partnerships.types import (
    Partnership,
    PartnershipStatus,
    PartnershipYear,
)
from osezia.graphql.reading import LIST_AS_OF, cutoff_of, read_until
from osezia.projections.partnerships import partnerships_page, signed_partnerships
from osezia.projections.schemas import PARTNERSHIP_TARGET

SIGNED_FROM = strawberry.argument(description="Signed on or after this day (its date).")
SIGNED_UNTIL = strawberry.argument(description="Signed on or before this day (its date).")


@strawberry.type
class PartnershipQueries:
    @strawberry.field(
        description=(
            "Partnerships the caller's network sees, by proposal date: `first` (20 when neither "
            "is given) after a cursor, or `last` before one."
        )
    )
    async def partnerships(
        self,
        info: Info,
        status: PartnershipStatus | None = None,
        year: int | None = None,
        signed_from: Annotated[date | None, SIGNED_FROM] = None,
        signed_until: Annotated[date | None, SIGNED_UNTIL] = None,
        as_of: Annotated[date | None, LIST_AS_OF] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Partnership]:
        cutoff = cutoff_of(as_of)
        async with read_until(info, cutoff) as conn:
            found = await partnerships_page(
                conn,
                info.context.tenant,
                status=status,
                year=year,
                signed=(signed_from, signed_until),
                cutoff=cutoff,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Partnership.of)

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
        async with read_until(info, cutoff) as conn:
            rows = await signed_partnerships(conn, info.context.tenant, year=year, cutoff=cutoff)
        by_year: dict[int, list[Partnership]] = defaultdict(list)
        for row in rows:
            assert row.year is not None  # signed, and before the cutoff
            by_year[row.year].append(Partnership.of(row))
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
