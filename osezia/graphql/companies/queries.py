from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry

from osezia.domain.errors import DomainError
from osezia.domain.identifiers import normalise_siren
from osezia.graphql.companies.types import Company, recorded_before
from osezia.graphql.context import Info
from osezia.graphql.enums import AdoptionStage, Segment
from osezia.graphql.node import register_node
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import LIST_AS_OF, cutoff_of, paged, read_models, read_until
from osezia.projections.companies import CompanyRow, company_by_siren
from osezia.projections.names import stable_schema


def company_node(row: dict[str, Any]) -> Company:
    return Company.of(CompanyRow.from_row(row))


register_node("companies", company_node)


@strawberry.type
class CompanyQueries:
    @strawberry.field(
        description="The company with this SIREN, if the caller's network sees it; with "
        "`asOf`, as recorded by the end of that day (null if it was registered later): its "
        "segment, size category and adoption stage then."
    )
    async def company(
        self, info: Info, siren: str, as_of: Annotated[date | None, LIST_AS_OF] = None
    ) -> Company | None:
        try:
            siren = normalise_siren(siren)
        except DomainError:
            return None
        cutoff = cutoff_of(as_of)
        if cutoff is None:
            async with read_models(info) as conn:
                row = await company_by_siren(conn, info.context.tenant, siren)
            return Company.of(row) if row else None
        async with read_until(info, cutoff) as conn:
            found = await conn.fetchrow(
                f'SELECT * FROM "{stable_schema(info.context.tenant)}".companies '
                "WHERE siren = $1 AND registered_at < $2",
                siren,
                cutoff,
            )
        return company_node(recorded_before(dict(found), cutoff)) if found else None

    @strawberry.field(description="Companies the caller's network sees, in SIREN order.")
    async def companies(
        self,
        info: Info,
        region: str | None = None,
        departement: str | None = None,
        segment: Segment | None = None,
        naf_section: str | None = None,
        adoption_stage: AdoptionStage | None = None,
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
