from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from osezia.graphql.calls.types import PHASE_NUMBER, Call, CallApplication
from osezia.graphql.context import Info
from osezia.graphql.enums import ApplicationStage
from osezia.graphql.pagination import Connection
from osezia.graphql.reading import paged, read_models, within
from osezia.projections.names import stable_schema


@strawberry.type
class CallsQueries:
    @strawberry.field(
        description="Every call for projects, by opening date, with its phases and the plan's "
        "figures."
    )
    async def calls(self, info: Info) -> list[Call]:
        tenant = info.context.tenant
        async with read_models(info) as conn:
            rows = await conn.fetch(
                f'SELECT * FROM "{stable_schema(tenant)}".calls ORDER BY opens_on, code, id'
            )
        return [Call.of(dict(r)) for r in rows]

    @strawberry.field(description="Applications the caller's network sees, oldest first.")
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
        first: int = 20,
        after: str | None = None,
    ) -> Connection[CallApplication]:
        return await paged(
            info,
            "call_applications",
            CallApplication.of,
            sort="submitted_at",
            sort_type="timestamptz",
            conditions=[
                ("call_code = {}", call_code),
                ("status = {}", status),
                # The stage is the status without its phase's number, as stage_of reads it.
                (f"regexp_replace(status, '{PHASE_NUMBER.pattern}', '') = {{}}", stage),
                within("phases", "(x->>'awarded_on')::date", awarded_from, awarded_until),
            ],
            first=first,
            after=after,
        )
