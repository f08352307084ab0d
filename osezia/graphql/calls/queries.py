from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.calls.types import ApplicationStage, Call, CallApplication
from osezia.graphql.context import Info
from osezia.graphql.pagination import Connection, connection
from osezia.graphql.reading import read_models
from osezia.projections.calls_rows import applications_page, every_call


@strawberry.type
class CallsQueries:
    @strawberry.field(
        description="Every call for projects, by opening date, with its phases and the plan's "
        "figures."
    )
    async def calls(self, info: Info) -> list[Call]:
        async with read_models(info) as conn:
            rows = await every_call(conn, info.context.tenant)
        return [Call.of(row) for row in rows]

    @strawberry.field(
        description=(
            "Applications the caller's network sees, oldest first: `first` (20 when neither is "
            "given) after a cursor, or `last` before one."
        )
    )
    async def call_applications(
        self,
        info: Info,
        call_code: str | None = None,
        status: Annotated[
            str | None,
            strawberry.argument(
                description="A status as `status` spells it, with the phase's number "
                "(IN_PHASE_2); `stage` leaves the number out."
            ),
        ] = None,
        stage: ApplicationStage | None = None,
        awarded_from: Annotated[
            date | None,
            strawberry.argument(
                description="A phase awarded on or after this day (the award's date)."
            ),
        ] = None,
        awarded_until: Annotated[
            date | None,
            strawberry.argument(
                description="A phase awarded on or before this day (the award's date)."
            ),
        ] = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CallApplication]:
        async with read_models(info) as conn:
            found = await applications_page(
                conn,
                info.context.tenant,
                call_code=call_code,
                status=status,
                stage=stage,
                awarded_from=awarded_from,
                awarded_until=awarded_until,
                first=first,
                after=after,
                last=last,
                before=before,
            )
        return connection(found, CallApplication.of)
