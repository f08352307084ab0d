"""Onboarding a tenant while the projection process runs builds its read models from the whole
history; offboarding it drops them, and its role."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar
from uuid import UUID

import asyncpg

from osezia.domain.platform import Platform
from osezia.projections.access import as_tenant
from osezia.projections.connections import connect, create_pool
from osezia.projections.names import stable_schema, tenant_role
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from osezia.workers.projector import run_projections
from tests.integration.process_support import write_history

T = TypeVar("T")
DEFAULT_TARGETS = ("platform", *DEFAULT_TENANTS)


async def until(check: Callable[[], Awaitable[T | None]], seconds: float, what: str) -> T:
    deadline = time.monotonic() + seconds
    while (found := await check()) is None or found is False:
        assert time.monotonic() < deadline, f"not within {seconds}s: {what}"
        await asyncio.sleep(0.05)
    return found


def a_regional_cci() -> Profile:
    _, cci = DEFAULT_TENANTS["cci"]
    return Profile(commands=cci.commands, sees_all=cci.sees_all, region="53", roles=cci.roles)


class History:
    """Records of every kind, some of them the new tenant's to see before it even exists (the
    public ones of its region), others shared with it as soon as it is registered."""

    def __init__(self, platform: Platform) -> None:
        p = self.platform = platform
        # 4 networks in turn, regions 53 and 11 in turn, each company with a diagnostic
        self.companies = write_history(p, 200, diagnostics=True)
        self.shared: dict[UUID, UUID] = {}  # referral -> company
        self.ambassadors = {
            region: p.ambassadors.appoint_ambassador(
                "operator",
                full_name=f"Ambassadrice {region}",
                kind="REGIONAL",
                network="CCI",
                region=region,
                appointed_on=date(2025, 9, 1),
            )
            for region in ("53", "11")
        }
        self.events = {
            region: p.events.schedule_event(
                "cci" if region else "operator",  # the operator alone schedules the national day
                title=f"Rencontre IA {region or 'nationale'}",
                kind="MONTHLY_MEETUP" if region else "NATIONAL_DAY",
                region=region,
                on=date(2026, 3, 12),
                capacity=80,
            )
            for region in ("53", "11", None)
        }

    def share_with(self, newcomer: str) -> None:
        """CCI refers some of its companies to a network only once it is live, and revokes
        one of the referrals: while its read models are being built."""
        for company in self.companies[0:16:4]:  # CCI's, in region 53
            self.shared[self.share(self.platform, company, newcomer)] = company
        self.revoked = next(iter(self.shared))
        self.platform.referrals.revoke_referral("cci", self.revoked, reason="consent withdrawn")

    @staticmethod
    def share(p: Platform, company: UUID, to: str) -> UUID:
        return p.referrals.share_company(
            "cci",
            company,
            to_tenant=to,
            purpose="DIAGNOSTIC",
            reason="a diagnostic in Brittany",
            consent_reference=f"consent-{company}",
        )


async def ids(conn: Any, sql: str) -> set[UUID]:
    return {r[0] for r in await conn.fetch(sql)}


def test_a_tenant_registered_while_projections_run_gets_its_read_models_from_the_whole_history(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    slug = f"cci-r53-{uuid.uuid4().hex[:6]}"  # roles are cluster-wide: a name of this run's own
    schema = stable_schema(slug)
    history = History(platform)

    async def scenario() -> None:
        stop = asyncio.Event()
        projecting = asyncio.create_task(
            run_projections(database_url, tenants, stop, poll_seconds=1.0)
        )
        conn = await connect(database_url)
        pool = await create_pool(database_url, max_size=2)

        async def live(target: str) -> bool:
            found = await conn.fetchval(
                "SELECT 1 FROM read_model_versions WHERE target = $1 AND status = 'LIVE'", target
            )
            return found is not None

        async def all_defaults_live() -> bool:
            return all([await live(t) for t in DEFAULT_TARGETS])

        async def company_ids() -> set[UUID]:
            async with as_tenant(pool, slug) as reader:
                return await ids(reader, f"SELECT id FROM {schema}.companies")

        try:
            await until(all_defaults_live, 30, "the default targets onboarded")

            started = time.monotonic()
            await asyncio.to_thread(
                tenants.register_tenant, slug, name="CCI Bretagne", profile=a_regional_cci()
            )
            await asyncio.to_thread(history.share_with, slug)
            await until(lambda: live(slug), 10, f"{slug} onboarded")
            assert time.monotonic() - started < 10
            expected = {c for r, c in history.shared.items() if r != history.revoked}
            await until(
                lambda: _equals(company_ids(), expected), 10, "the shares reach the newcomer"
            )

            async with as_tenant(pool, slug) as reader:  # as the tenant itself
                seen = {
                    table: await ids(reader, f"SELECT id FROM {schema}.{table}")
                    for table in ("companies", "referrals", "ambassadors", "events")
                }
                empty = [
                    await reader.fetchval(f"SELECT count(*) FROM {schema}.{table}")
                    for table in ("diagnostics", "partnerships")
                ]
                regional_companies = await reader.fetchval(
                    f"SELECT sum(companies) FROM {schema}.figures_companies"
                )
            assert seen["companies"] == expected
            assert seen["referrals"] == set(history.shared)  # revoked ones too: the audit trail
            assert seen["ambassadors"] == {history.ambassadors["53"]}
            assert seen["events"] == {history.events["53"], history.events[None]}
            assert empty == [0, 0]
            assert regional_companies == len(history.companies) // 2  # figures: region 53 only

            # From now on, its models follow the log like every other tenant's.
            later = history.companies[16]
            await asyncio.to_thread(History.share, platform, later, slug)
            await until(
                lambda: _contains(company_ids(), later), 10, "a new share reaches the newcomer"
            )

            await asyncio.to_thread(tenants.offboard_tenant, slug, reason="network merged")

            async def gone() -> bool:
                schemas: int = await conn.fetchval(
                    "SELECT count(*) FROM pg_namespace WHERE nspname LIKE $1",
                    schema.replace("_", "\\_") + "%",
                )
                role: int = await conn.fetchval(
                    "SELECT count(*) FROM pg_roles WHERE rolname = $1",
                    tenant_role(slug, database_url.rsplit("/", 1)[1]),
                )
                return schemas == 0 and role == 0

            await until(gone, 10, f"{slug}'s schemas and role dropped")
            statuses = await conn.fetch(
                "SELECT DISTINCT status FROM read_model_versions WHERE target = $1", slug
            )
            assert [s["status"] for s in statuses] == ["RETIRED"]
            assert not projecting.done()  # the projection process carries on
            assert await all_defaults_live()
        finally:
            stop.set()
            await projecting
            await pool.close()
            await conn.close()

    asyncio.run(scenario())


async def _equals(found: Awaitable[set[UUID]], expected: set[UUID]) -> bool:
    try:
        return await found == expected
    except asyncpg.PostgresError:
        return False


async def _contains(found: Awaitable[set[UUID]], item: UUID) -> bool:
    try:
        return item in await found
    except asyncpg.PostgresError:
        return False
