"""A subscription receives the change a command makes, once the projector commits it, and
only the networks that see the record receive it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.projections.changes import ChangeHub
from osezia.projections.connections import connect, create_pool
from osezia.projections.runner import catch_up
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS
from tests.integration.projection_support import build_all, viewers_of

SUBSCRIPTION = "subscription { diagnosticChanged { companySiren status requestedBy } }"


def test_a_subscriber_receives_the_diagnostic_a_command_requested(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company_id = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Scierie des Vosges",
        region="44",
        departement="88",
        naf="16.10A",
        size=SizeFacts(headcount_uta=Decimal(42)),
    )
    viewers = viewers_of(tenants)

    async def scenario() -> list[dict[str, Any]]:
        await build_all(database_url, viewers)
        pool = await create_pool(database_url, max_size=4)
        hub = ChangeHub(database_url)

        def context(tenant: str) -> Context:
            return Context(
                tenant=tenant,
                platform=platform,
                pool=pool,
                role="manager",
                scopes=frozenset({"read", "write", "approve"}),
                profile=DEFAULT_TENANTS[tenant][1],
                changes=hub,
            )

        try:
            stream = await schema.subscribe(SUBSCRIPTION, context_value=context("bpifrance"))
            other = await schema.subscribe(SUBSCRIPTION, context_value=context("french-tech"))
            assert isinstance(stream, AsyncIterator)
            assert isinstance(other, AsyncIterator)
            first = asyncio.ensure_future(stream.__anext__())
            unseen = asyncio.ensure_future(other.__anext__())
            await asyncio.sleep(0.3)  # the subscriber is listening before the command runs
            await asyncio.to_thread(
                platform.diagnostics.request_diagnostic, "cci", company_id=company_id
            )
            conn = await connect(database_url)
            try:
                for viewer in viewers:
                    await catch_up(conn, viewer)
            finally:
                await conn.close()
            result = await asyncio.wait_for(first, timeout=10)
            await asyncio.sleep(0.5)
            # French Tech neither requested the diagnostic nor pilots diagnostics.
            assert not unseen.done()
            unseen.cancel()
            await stream.aclose()
            assert result.errors is None, result.errors
            assert result.data is not None
            return [result.data["diagnosticChanged"]]
        finally:
            await hub.close()
            await pool.close()

    received = asyncio.run(scenario())

    assert received == [{"companySiren": "542107651", "status": "REQUESTED", "requestedBy": "cci"}]
