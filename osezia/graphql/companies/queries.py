from __future__ import annotations

import strawberry

from osezia.domain.errors import DomainError
from osezia.domain.identifiers import normalise_siren
from osezia.graphql.companies.types import Company
from osezia.graphql.context import Info
from osezia.projections.access import as_tenant
from osezia.projections.companies import company_by_siren, list_companies


@strawberry.type
class CompanyQueries:
    @strawberry.field(description="The company with this SIREN, if the caller's network sees it.")
    async def company(self, info: Info, siren: str) -> Company | None:
        try:
            siren = normalise_siren(siren)
        except DomainError:
            return None
        async with as_tenant(info.context.pool, info.context.tenant) as conn:
            row = await company_by_siren(conn, info.context.tenant, siren)
        return Company.of(row) if row else None

    @strawberry.field(description="Companies the caller's network sees, in SIREN order.")
    async def companies(
        self,
        info: Info,
        region: str | None = None,
        segment: str | None = None,
        after_siren: str = "",
        first: int = 50,
    ) -> list[Company]:
        async with as_tenant(info.context.pool, info.context.tenant) as conn:
            rows = await list_companies(
                conn,
                info.context.tenant,
                region=region,
                segment=segment,
                after_siren=after_siren,
                limit=max(1, min(first, 200)),
            )
        return [Company.of(row) for row in rows]
