from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.diagnostics.types import Diagnostic
from osezia.graphql.pagination import Connection, connection
from osezia.projections.access import as_tenant
from osezia.projections.paging import Filter, page

SORT = "requested_at"


@strawberry.type
class DiagnosticQueries:
    @strawberry.field(description="Diagnostics the caller's network sees, oldest request first.")
    async def diagnostics(
        self,
        info: Info,
        status: str | None = None,
        region: str | None = None,
        requested_from: date | None = None,
        requested_until: date | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Diagnostic]:
        filters = [
            Filter(sql, value)
            for sql, value in (
                ("status = {}", status),
                ("region = {}", region),
                ("requested_at >= {}::date", requested_from),
                ("requested_at < ({}::date + 1)", requested_until),
            )
            if value is not None
        ]
        tenant = info.context.tenant
        async with as_tenant(info.context.pool, tenant) as conn:
            found = await page(
                conn,
                tenant,
                "diagnostics",
                columns="*",
                sort=SORT,
                sort_type="timestamptz",
                filters=filters,
                first=first,
                after=after,
            )
        return connection(found, SORT, Diagnostic.of)
