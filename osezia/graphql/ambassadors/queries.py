from __future__ import annotations

import strawberry

from osezia.graphql.ambassadors.types import Ambassador, AmbassadorKind
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import read_models
from osezia.projections.ambassadors import directory_page


@strawberry.type
class AmbassadorQueries:
    @strawberry.field(
        description=(
            "The ambassadors directory, by name: `first` (20 when neither is given) after a "
            "cursor, or `last` before one."
        )
    )
    async def ambassadors(
        self,
        info: Info,
        region: str | None = None,
        kind: AmbassadorKind | None = None,
        active_only: bool = False,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Ambassador]:
        async with read_models(info) as conn:
            found = await directory_page(
                conn,
                info.context.tenant,
                region=region,
                kind=kind,
                active_only=active_only,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, Ambassador.of)
