"""What records about a company share: its id, and the company itself when the caller sees it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import strawberry

from osezia.graphql import loaders
from osezia.graphql.context import Info

if TYPE_CHECKING:
    from osezia.graphql.companies.types import Company


@strawberry.type
class AboutACompany:
    company_id: strawberry.ID

    @strawberry.field(description="The company, when the caller's network sees it.")
    async def company(
        self, info: Info
    ) -> Annotated[Company, strawberry.lazy("osezia.graphql.companies.types")] | None:
        return await loaders.companies(info).load(UUID(self.company_id))
