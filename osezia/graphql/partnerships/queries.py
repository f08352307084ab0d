from __future__ import annotations

from collections import defaultdict

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.partnerships.types import Partnership, PartnershipYear
from osezia.projections.access import as_tenant
from osezia.projections.names import stable_schema
from osezia.projections.paging import Filter, page
from osezia.projections.schemas import PARTNERSHIP_TARGET


@strawberry.type
class PartnershipQueries:
    @strawberry.field(description="Partnerships the caller's network sees, newest proposal last.")
    async def partnerships(
        self,
        info: Info,
        status: str | None = None,
        year: int | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Partnership]:
        filters = [
            Filter(sql, value)
            for sql, value in (("status = {}", status), ("year = {}", year))
            if value is not None
        ]
        tenant = info.context.tenant
        async with as_tenant(info.context.pool, tenant) as conn:
            found = await page(
                conn,
                tenant,
                "partnerships",
                columns="*",
                sort="proposed_at",
                sort_type="timestamptz",
                filters=filters,
                first=first,
                after=after,
            )
        return connection(found, "proposed_at", Partnership.of)

    @strawberry.field(description="Partnerships signed per year against the target of 10.")
    async def partnership_years(self, info: Info) -> list[PartnershipYear]:
        tenant = info.context.tenant
        async with as_tenant(info.context.pool, tenant) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".partnerships '
                "WHERE year IS NOT NULL ORDER BY year, signed_on, id"
            )
        by_year: dict[int, list[Partnership]] = defaultdict(list)
        for row in rows:
            by_year[row["year"]].append(Partnership.of(dict(row)))
        return [
            PartnershipYear(year=y, signed=len(p), target=PARTNERSHIP_TARGET, partnerships=p)
            for y, p in sorted(by_year.items())
        ]
