from __future__ import annotations

from datetime import date

import strawberry

from osezia.graphql.context import Info
from osezia.graphql.diagnostics.types import Diagnostic
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged


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
        return await paged(
            info,
            "diagnostics",
            Diagnostic.of,
            sort="requested_at",
            sort_type="timestamptz",
            conditions=[
                ("status = {}", status),
                ("region = {}", region),
                ("requested_at >= {}::date", requested_from),
                ("requested_at < ({}::date + 1)", requested_until),
            ],
            first=first,
            after=after,
        )
