from __future__ import annotations

from collections import defaultdict

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection
from osezia.graphql.partnerships.types import Partnership, PartnershipYear
from osezia.graphql.reading import paged, read_models
from osezia.projections.names import stable_schema
from osezia.projections.schemas import PARTNERSHIP_TARGET


@strawberry.type
class PartnershipQueries:
    @strawberry.field(description="Partnerships the caller's network sees, by proposal date.")
    async def partnerships(
        self,
        info: Info,
        status: str | None = None,
        year: int | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Partnership]:
        return await paged(
            info,
            "partnerships",
            Partnership.of,
            sort="proposed_at",
            sort_type="timestamptz",
            conditions=[("status = {}", status), ("year = {}", year)],
            first=first,
            after=after,
        )

    @strawberry.field(
        description="Partnerships signed per year: those with SMEs against the target of 10, "
        "the others counted apart."
    )
    async def partnership_years(self, info: Info) -> list[PartnershipYear]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".partnerships '
                "WHERE year IS NOT NULL ORDER BY year, signed_on, id"
            )
        by_year: dict[int, list[Partnership]] = defaultdict(list)
        for row in rows:
            by_year[row["year"]].append(Partnership.of(dict(row)))
        return [
            PartnershipYear(
                year=y,
                signed=sum(x.with_an_sme() for x in p),
                target=PARTNERSHIP_TARGET,
                partnerships=p,
                others=sum(not x.with_an_sme() for x in p),
            )
            for y, p in sorted(by_year.items())
        ]
