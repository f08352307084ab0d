"""`node(id:)`: any record by its id, if the caller's network sees it."""

from __future__ import annotations

from typing import Any

import strawberry

from osezia.domain.errors import DomainError
from osezia.graphql.commands import uuid_of
from osezia.graphql.context import Info
from osezia.graphql.reading import read_models
from osezia.projections.names import stable_schema


@strawberry.interface(description="A record with an id that `node(id:)` finds again.")
class Node:
    id: strawberry.ID


async def find_node(info: Info, node_id: strawberry.ID) -> Node | None:
    # Imported here: each feature's types import Node from this module.
    from osezia.graphql.academie.types import Training
    from osezia.graphql.acceleration.types import Cohort
    from osezia.graphql.ambassadors.types import Ambassador
    from osezia.graphql.budget.types import Budget
    from osezia.graphql.calls.types import Call, CallApplication
    from osezia.graphql.catalogue.types import Adoption, Provider, Solution
    from osezia.graphql.companies.queries import company_node
    from osezia.graphql.diagnostics.types import Diagnostic
    from osezia.graphql.events.types import Event
    from osezia.graphql.loans.types import Loan
    from osezia.graphql.partnerships.types import Partnership
    from osezia.graphql.referrals.types import Referral

    views: dict[str, Any] = {
        "companies": company_node,
        "diagnostics": Diagnostic.of,
        "ambassadors": Ambassador.of,
        "events": Event.of,
        "partnerships": Partnership.of,
        "referrals": Referral.of,
        "trainings": Training.of,
        "loans": Loan.of,
        "cohorts": Cohort.of,
        "calls": Call.of,
        "call_applications": CallApplication.of,
        "providers": Provider.of,
        "solutions": Solution.of,
        "adoptions": Adoption.of,
        "budget": Budget.of,
    }
    try:
        wanted = uuid_of(node_id, "record")
    except DomainError:
        return None
    schema = stable_schema(info.context.tenant)
    # One round trip finds which view holds the id (ids are uuids: at most one does), a second
    # reads its row; not one query per view.
    which = " UNION ALL ".join(
        f"SELECT '{view}' AS view WHERE EXISTS (SELECT 1 FROM \"{schema}\".{view} WHERE id = $1)"
        for view in views
    )
    async with read_models(info) as conn:
        view = await conn.fetchval(f"{which} LIMIT 1", wanted)
        if view is None:
            # Another network's id is "not found", exactly like an id that does not exist.
            return None
        row = await conn.fetchrow(f'SELECT * FROM "{schema}".{view} WHERE id = $1', wanted)
    if row is None:
        return None  # gone between the two reads (a referral revoked, a rebuild swapped)
    node: Node = views[view](dict(row))
    return node
