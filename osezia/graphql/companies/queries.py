from __future__ import annotations

import asyncio

import strawberry

from osezia.domain.errors import DomainError
from osezia.graphql.companies.types import Company
from osezia.graphql.context import Info


@strawberry.type
class CompanyQueries:
    @strawberry.field(description="The company with this SIREN, if the caller's network sees it.")
    async def company(self, info: Info, siren: str) -> Company | None:
        platform, tenant = info.context.platform, info.context.tenant

        def read() -> Company | None:
            try:
                company_id = platform.companies.company_id_for(siren)
                return Company.of(platform.companies.get_company(tenant, company_id))
            except DomainError:
                return None

        return await asyncio.to_thread(read)
