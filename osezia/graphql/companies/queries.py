from __future__ import annotations

from typing import Any

import strawberry

from osezia.domain.errors import DomainError
from osezia.domain.identifiers import normalise_siren
from osezia.graphql.companies.types import Company
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged, read_models
from osezia.projections.companies import CompanyRow, company_by_siren


def company_node(row: dict[str, Any]) -> Company:
    return Company.of(CompanyRow.from_row(row))


@strawberry.type
class CompanyQueries:
    @strawberry.field(description="The company with this SIREN, if the caller's network sees it.")
    async def company(self, info: Info, siren: str) -> Company | None:
        try:
            siren = normalise_siren(siren)
        except DomainError:
            return None
        async with read_models(info) as conn:
            row = await company_by_siren(conn, info.context.tenant, siren)
        return Company.of(row) if row else None

    @strawberry.field(description="Companies the caller's network sees, in SIREN order.")
    async def companies(
        self,
        info: Info,
        region: str | None = None,
        departement: str | None = None,
        segment: str | None = None,
        naf_section: str | None = None,
        adoption_stage: str | None = None,
        name_starts_with: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Company]:
        prefix = name_starts_with.lower().replace("%", r"\%") + "%" if name_starts_with else None
        return await paged(
            info,
            "companies",
            company_node,
            sort="siren",
            sort_type="text",
            conditions=[
                ("region = {}", region),
                ("departement = {}", departement),
                ("segment = {}", segment),
                ("naf_section = {}", naf_section),
                ("adoption_stage = {}", adoption_stage),
                ("lower(legal_name) LIKE {}", prefix),
            ],
            first=first,
            after=after,
        )
