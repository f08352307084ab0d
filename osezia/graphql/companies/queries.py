from __future__ import annotations

from datetime import date
from typing import Annotated, cast

import strawberry

from osezia.domain.errors import DomainError
from osezia.domain.identifiers import normalise_siren
from osezia.graphql.companies.types import Company
from osezia.graphql.context import Info, prebuilt_plan
from osezia.graphql.enums import AdoptionStage, Segment
from osezia.graphql.node import register_node
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.prebuilt import ConnectionPlan, prebuilt_list
from osezia.graphql.reading import LIST_AS_OF, cutoff_of, read_models, read_until
from osezia.projections.companies import JSON_COLUMNS, CompanyRow, company_by_siren
from osezia.projections.company_pages import (
    CompanyFilters,
    company_nodes_page,
    company_rows_page,
)

register_node("companies", CompanyRow.from_row, Company.of)


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
        async with read_until(info, cutoff) as conn:
            row = await company_by_siren(conn, info.context.tenant, siren, cutoff)
        return None if row is None else Company.of(row)

    @strawberry.field(
        description=(
            "Companies the caller's network sees, in SIREN order: `first` (20 when neither is "
            "given) after a cursor, or `last` before one."
        ),
        metadata=prebuilt_list(JSON_COLUMNS, shared_with_us="shared"),
    )
    async def companies(
        self,
        info: Info,
        region: str | None = None,
        departement: str | None = None,
        segment: Segment | None = None,
        naf_section: str | None = None,
        adoption_stage: AdoptionStage | None = None,
        name_starts_with: str | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Company]:
        narrowed = CompanyFilters(
            region, departement, segment, naf_section, adoption_stage, name_starts_with
        )
        plan = prebuilt_plan(info)
        if isinstance(plan, ConnectionPlan):  # PostgreSQL writes the nodes' JSON
            async with read_models(info) as conn:
                written = await company_nodes_page(
                    conn,
                    info.context.tenant,
                    narrowed,
                    plan.nodes,
                    first=first,
                    after=after,
                    last=last,
                    before=before,
                )
            prebuilt = plan.answer(written)
            if prebuilt is not None:
                return cast(Connection[Company], prebuilt)  # completed as it is
        async with read_models(info) as conn:
            found = await company_rows_page(
                conn,
                info.context.tenant,
                narrowed,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Company.of)
