"""Sending GraphQL documents to the schema as one network or another, as the API tests do."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from strawberry.types import ExecutionResult

from osezia.domain.platform import Platform
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.projections.connections import create_pool
from osezia.tenants.profiles import DEFAULT_TENANTS

OUTCOME = "{ __typename ... on Done { id } ... on Problem { code message } }"


def context(platform: Platform, pool: Any, tenant: str) -> Context:
    """A request of one of the default networks, by a role holding every scope."""
    return Context(
        tenant=tenant,
        platform=platform,
        pool=pool,
        role="admin",
        scopes=frozenset({"read", "write", "approve", "admin"}),
        profile=DEFAULT_TENANTS[tenant][1],
    )


class Api:
    """Queries and mutations as a given network, each over a pool of its own."""

    def __init__(self, database_url: str, platform: Platform) -> None:
        self.database_url, self.platform = database_url, platform

    def execute(self, tenant: str, document: str) -> ExecutionResult:
        """The whole result, errors included."""

        async def execute() -> ExecutionResult:
            pool = await create_pool(self.database_url, max_size=2)
            try:
                return await schema.execute(
                    document, context_value=context(self.platform, pool, tenant)
                )
            finally:
                await pool.close()

        return asyncio.run(execute())

    def run(self, tenant: str, document: str) -> dict[str, Any]:
        """The data of a document that must succeed."""
        result = self.execute(tenant, document)
        assert result.errors is None, result.errors
        assert result.data is not None
        return dict(result.data)

    def mutate(self, tenant: str, call: str) -> dict[str, Any]:
        """The outcome of one mutation: Done with its id, or Problem with its code."""
        data = self.run(tenant, f"mutation {{ m: {call} {OUTCOME} }}")
        return dict(data["m"])

    def done(self, tenant: str, call: str) -> str:
        answer = self.mutate(tenant, call)
        assert answer["__typename"] == "Done", answer
        return str(answer["id"])


def records_of(platform: Platform, actor: str, provider_siren: str = "732829320") -> dict[str, str]:
    """The records ``actor`` names beside the company: its own event (with a provider), its
    own solution (of a provider with that SIREN) and, for Bpifrance, its own cohort."""
    event = platform.events.schedule_event(
        actor,
        title="Rencontre",
        kind="MONTHLY_MEETUP",
        region="11",
        on=date(2026, 5, 1),
        capacity=9,
    )
    platform.events.register_provider(actor, event, siren="632012100", name="Fournisseur")
    provider = platform.solutions.list_provider(
        actor, siren=provider_siren, name="F", sovereignty="FR"
    )
    solution = platform.solutions.list_solution(
        actor, provider_id=provider, name="S", description="d", categories=["HR"]
    )
    records = {"event": str(event), "solution": str(solution)}
    if actor == "bpifrance":
        cohort = platform.acceleration.open_cohort(actor, name="Promo", starts_on=date(2026, 1, 1))
        records["cohort"] = str(cohort)
    return records
