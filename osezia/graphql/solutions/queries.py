from __future__ import annotations

import strawberry

from osezia.domain.errors import DomainError
from osezia.domain.solutions.model import SOVEREIGN
from osezia.graphql.commands import uuid_of
from osezia.graphql.context import Info
from osezia.graphql.enums import Sovereignty, UseCaseCategory
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged, read_models
from osezia.graphql.solutions.types import Adoption, Category, Provider, Solution, SolutionMatch
from osezia.projections.solutions import matching_solutions


@strawberry.type
class SolutionsQueries:
    @strawberry.field(description="Solution providers, by name.")
    async def providers(
        self,
        info: Info,
        sovereignty: Sovereignty | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Provider]:
        return await paged(
            info,
            "providers",
            Provider.of,
            sort="name",
            sort_type="text",
            conditions=[("sovereignty = {}", sovereignty)],
            first=first,
            after=after,
        )

    @strawberry.field(description="Catalogue solutions, by name; active ones unless asked.")
    async def solutions(
        self,
        info: Info,
        category: UseCaseCategory | None = None,
        sovereign_only: bool = False,
        include_withdrawn: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Solution]:
        return await paged(
            info,
            "solutions",
            Solution.of,
            sort="name",
            sort_type="text",
            conditions=[
                ("categories ? {}", category),
                ("sovereignty = ANY({})", sorted(SOVEREIGN) if sovereign_only else None),
                ("status = {}", None if include_withdrawn else "ACTIVE"),
            ],
            first=first,
            after=after,
        )

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

    @strawberry.field(description="Adoptions the caller's network sees, by recording time.")
    async def adoptions(
        self,
        info: Info,
        region: str | None = None,
        solution_id: strawberry.ID | None = None,
        sovereignty: Sovereignty | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Adoption]:
        solution = None if solution_id is None else uuid_of(solution_id, "solution")
        return await paged(
            info,
            "adoptions",
            Adoption.of,
            sort="adopted_at",
            sort_type="timestamptz",
            conditions=[
                ("region = {}", region),
                ("solution_id = {}", solution),
                ("sovereignty = {}", sovereignty),
            ],
            first=first,
            after=after,
        )
