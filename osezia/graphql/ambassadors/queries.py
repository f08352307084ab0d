from __future__ import annotations

import strawberry

from osezia.graphql.ambassadors.types import Ambassador, AmbassadorStatus
from osezia.graphql.context import Info
from osezia.graphql.enums import AmbassadorKind
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged


@strawberry.type
class AmbassadorQueries:
    @strawberry.field(description="The ambassadors directory, by name.")
    async def ambassadors(
        self,
        info: Info,
        region: str | None = None,
        kind: AmbassadorKind | None = None,
        active_only: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Ambassador]:
        return await paged(
            info,
            "ambassadors",
            Ambassador.of,
            sort="full_name",
            sort_type="text",
            conditions=[
                ("region = {}", region),
                ("kind = {}", kind),
                ("status = {}", AmbassadorStatus.ACTIVE if active_only else None),
            ],
            first=first,
            after=after,
        )
