from __future__ import annotations

import strawberry

from osezia.domain.errors import DomainError
from osezia.graphql.commands import uuid_of
from osezia.graphql.context import Info
from osezia.graphql.enums import UseCaseCategory
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import read_models
from osezia.graphql.solutions.types import (
    Adoption,
    Category,
    Provider,
    Solution,
    SolutionMatch,
    Sovereignty,
)
from osezia.projections.solutions_rows import (
    adoptions_page,
    matching_solutions,
    providers_page,
    solutions_page,
)


@strawberry.type
class SolutionsQueries:
    @strawberry.field(
        description=(
            "Solution providers, by name: `first` (20 when neither is given) after a cursor, or "
            "`last` before one."
        )
    )
    async def providers(
        self,
        info: Info,
        sovereignty: Sovereignty | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Provider]:
        async with read_models(info) as conn:
            found = await providers_page(
                conn,
                info.context.tenant,
                sovereignty=sovereignty,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Provider.of)

    @strawberry.field(
        description=(
            "Catalogue solutions, by name (active ones unless asked): `first` (20 when neither "
            "is given) after a cursor, or `last` before one."
        )
    )
    async def solutions(
        self,
        info: Info,
        category: UseCaseCategory | None = None,
        sovereign_only: bool = False,
        include_withdrawn: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Solution]:
        async with read_models(info) as conn:
            found = await solutions_page(
                conn,
                info.context.tenant,
                category=category,
                sovereign_only=sovereign_only,
                include_withdrawn=include_withdrawn,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Solution.of)

    @strawberry.field(
        description="Active solutions for a diagnostic's use cases, by use-case rank, then "
        "French, European, other, then name; null if the diagnostic is not the caller's to see."
    )
    async def matching_solutions(
        self, info: Info, diagnostic_id: strawberry.ID
    ) -> list[SolutionMatch] | None:
        try:
            wanted = uuid_of(diagnostic_id, "diagnostic")
        except DomainError:
            return None  # a malformed id finds nothing, like another network's id
        async with read_models(info) as conn:
            matches = await matching_solutions(conn, info.context.tenant, wanted)
        return None if matches is None else [SolutionMatch.of(m) for m in matches]

    @strawberry.field(description="The use-case categories solutions and diagnostics share.")
    def use_case_categories(self) -> list[Category]:
        return [Category.of(c) for c in UseCaseCategory]

    @strawberry.field(
        description=(
            "Adoptions the caller's network sees, by recording time: `first` (20 when neither "
            "is given) after a cursor, or `last` before one."
        )
    )
    async def adoptions(
        self,
        info: Info,
        region: str | None = None,
        solution_id: strawberry.ID | None = None,
        sovereignty: Sovereignty | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Adoption]:
        solution = None if solution_id is None else uuid_of(solution_id, "solution")
        async with read_models(info) as conn:
            found = await adoptions_page(
                conn,
                info.context.tenant,
                region=region,
                solution_id=solution,
                sovereignty=sovereignty,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Adoption.of)
