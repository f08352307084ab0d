"""A target's projection status: its position, and how far behind the log it is, in events and
in seconds."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.connections import connect
from osezia.projections.status import ProjectionStatus, projection_status
from osezia.tenants.application import Tenants
from tests.integration.process_support import head, siren_of, write_history
from tests.integration.projection_support import build_all, catch_up_all, viewers_of


def status_of(database_url: str, target: str) -> ProjectionStatus:
    async def read() -> ProjectionStatus:
        conn = await connect(database_url)
        try:
            return await projection_status(conn, target)
        finally:
            await conn.close()

    return asyncio.run(read())


def test_the_lag_counts_the_events_not_yet_applied_and_the_age_of_the_oldest_until_caught_up(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    write_history(platform, 20)
    viewers = [v for v in viewers_of(tenants) if v.slug in ("platform", "cci")]
    asyncio.run(build_all(database_url, viewers))
    built = status_of(database_url, "cci")
    assert (built.lag_events, built.lag_seconds, built.position) == (0, 0.0, built.head)

    # Another network's company: the lag counts the log, not what the tenant sees of it.
    first = platform.companies.register_company(
        "bpifrance",
        siren=siren_of(9_000),
        legal_name="Première Attente SAS",
        region="11",
        departement="75",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(12)),
    )
    write_history(platform, 30, start=1_000)
    # The registration is the oldest event not applied: its age is the lag.
    written_at: datetime = platform.companies.repository.get(first).created_on
    asked, behind, answered = datetime.now(UTC), status_of(database_url, "cci"), datetime.now(UTC)

    assert (behind.version, behind.position) == (built.version, built.position)
    assert behind.head == head(database_url)
    assert behind.lag_events == behind.head - behind.position > 30
    oldest_age = ((asked - written_at).total_seconds(), (answered - written_at).total_seconds())
    assert oldest_age[0] <= behind.lag_seconds <= oldest_age[1]

    asyncio.run(catch_up_all(database_url, viewers))

    caught_up = status_of(database_url, "cci")
    assert (caught_up.lag_events, caught_up.lag_seconds) == (0, 0.0)
    assert caught_up.position == caught_up.head == behind.head
    assert status_of(database_url, "platform").lag_events == 0
