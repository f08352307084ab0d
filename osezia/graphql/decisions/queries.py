from __future__ import annotations

import asyncio

import strawberry

from osezia.domain.decisions import decisions_of
from osezia.domain.errors import Forbidden, NotFound
from osezia.domain.grants import OPERATOR
from osezia.graphql.commands import uuid_of
from osezia.graphql.context import Info
from osezia.graphql.decisions.types import Decision
from osezia.graphql.node import find_node


@strawberry.type
class DecisionQueries:
    @strawberry.field(
        description="The decisions behind a record the caller's network sees (a budget, a "
        "loan, a diagnostic, a company…), oldest first: those made through the caller's own "
        "network, or every network's for the plan's operator. Needs the admin scope; a record "
        "the network does not see is NOT_FOUND, like an id that does not exist."
    )
    async def decisions(self, info: Info, id: strawberry.ID) -> list[Decision]:
        context = info.context
        if "admin" not in context.scopes:
            raise Forbidden("listing decisions needs the admin scope")
        if await find_node(info, id) is None:
            raise NotFound(f"no record with id {id}")
        record_id = uuid_of(id, "record")
        recorded = await asyncio.to_thread(decisions_of, context.platform.companies, record_id)
        # The plan's operator answers for every network's decisions; a network, for its own.
        return [
            Decision.of(d)
            for d in recorded
            if context.tenant == OPERATOR or d.via == context.tenant
        ]
