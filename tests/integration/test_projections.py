"""Per-tenant read models: incremental equals rebuilt, and no tenant holds what it may not see."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.diagnostics.model import Diagnostic
from osezia.domain.errors import DomainError, NotFound
from osezia.domain.identifiers import complete_siren
from osezia.domain.partnerships.model import Partnership
from osezia.domain.platform import Platform
from osezia.domain.referrals.model import Referral
from osezia.domain.sizes import SizeFacts
from osezia.projections.access import as_tenant
from osezia.projections.connections import create_pool
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS as REGISTERED_NETWORKS
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.conftest import truncate_history
from tests.integration.projection_support import build_all, catch_up_all, snapshot, viewers_of

NETWORKS = ("cci", "bpifrance", "french-tech", "inria", "cci-bretagne")
REGIONS = (("53", "35"), ("11", "75"), ("84", "69"))
ACTIONS = (
    "register",
    "follow",
    "advance",
    "share",
    "revoke",
    "diagnose",
    "ambassador",
    "event",
    "partnership",
    "catch_up",
)

# One step of a random history: what to do, which network does it, and two free numbers.
steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.sampled_from(NETWORKS),
        st.integers(0, 60),
        st.integers(0, 60),
    ),
    min_size=5,
    max_size=40,
)


class History:
    """Plays steps against the write side, remembering ids for the steps that follow."""

    def __init__(self, platform: Platform) -> None:
        self.p = platform
        self.companies: list[UUID] = []
        self.referrals: list[tuple[str, UUID]] = []
        # (network, company) for each record a network made about a company: it sees that
        # company for good, whatever becomes of the referral that let it act.
        self.records: set[tuple[str, UUID]] = set()
        self.serial = 0

    def company(self, company_id: UUID) -> Company:
        company = self.p.companies.find(company_id, Company)
        assert company is not None
        return company

    def follower(self, company_id: UUID, tenant: str) -> str:
        """``tenant`` if it follows the company, else its first follower."""
        company = self.company(company_id)
        return tenant if tenant in company.records else company.tenant

    def party(self, company_id: UUID, tenant: str) -> str:
        """``tenant`` if it may act on the company (it follows it or was referred it), else
        its first follower."""
        company = self.company(company_id)
        return tenant if tenant in company.parties else company.tenant

    def play(self, action: str, tenant: str, a: int, b: int) -> None:
        with contextlib.suppress(DomainError):  # refused commands are part of real histories
            self._play(action, tenant, a, b)

    def _play(self, action: str, tenant: str, a: int, b: int) -> None:
        p, region_pair = self.p, REGIONS[a % len(REGIONS)]
        if action == "register":
            self.serial += 1
            self.companies.append(
                p.companies.register_company(
                    tenant,
                    siren=complete_siren(f"{40_000_000 + self.serial:08d}"),
                    legal_name=f"Entreprise {self.serial}",
                    region=region_pair[0],
                    departement=region_pair[1],
                    naf="62.01Z",
                    size=SizeFacts(headcount_uta=Decimal(3 + b * 7)),
                )
            )
        elif action == "ambassador":
            p.ambassadors.appoint_ambassador(
                tenant,
                full_name=f"Ambassadeur {a}-{b}",
                kind="REGIONAL",
                network="CCI",
                region=region_pair[0],
                appointed_on=date(2025, 9, 1),
            )
        elif action == "event":
            monthly = b % 4 != 0
            # The operator alone schedules the national day, which takes every network's own.
            event_id = p.events.schedule_event(
                tenant if monthly else "operator",
                title=f"Rencontre IA {a}",
                kind="MONTHLY_MEETUP" if monthly else "NATIONAL_DAY",
                region=region_pair[0] if monthly else None,
                on=date(2025, 9, 1) + timedelta(days=30 * (a % 12)),
                capacity=50,
            )
            seen = [c for c in self.companies if tenant in self.company(c).parties]
            if seen:
                p.events.register_company(tenant, event_id, company_id=seen[b % len(seen)])
        elif not self.companies:
            return
        elif action == "follow":
            # Another network registers the SIREN: it follows it with a record of its own.
            followed = self.company(self.companies[a % len(self.companies)])
            p.companies.register_company(
                tenant,
                siren=followed.siren,
                legal_name=f"{followed.legal_name} ({tenant})",
                region=region_pair[0],
                departement=region_pair[1],
                naf="62.02A",
                size=SizeFacts(headcount_uta=Decimal(3 + b * 97)),
            )
        elif action == "advance":
            company = self.companies[a % len(self.companies)]
            stage = ("AWARE", "TRAINED", "DIAGNOSED", "PILOTING", "ADOPTED")[b % 5]
            p.companies.advance_adoption(
                self.follower(company, tenant), company, stage=stage, on=date(2026, 1, 1)
            )
        elif action == "share":
            company = self.companies[a % len(self.companies)]
            owner = self.follower(company, tenant)
            referral = p.referrals.share_company(
                owner,
                company,
                to_tenant=NETWORKS[b % len(NETWORKS)],
                purpose="DIAGNOSTIC",
                reason="wants a diagnostic",
                consent_reference=f"consent-{a}-{b}",
            )
            self.referrals.append((owner, referral))
        elif action == "revoke" and self.referrals:
            owner, referral = self.referrals[a % len(self.referrals)]
            p.referrals.revoke_referral(owner, referral, reason="consent withdrawn")
        elif action == "diagnose":
            company = self.companies[a % len(self.companies)]
            party = self.party(company, tenant)
            diagnostic = p.diagnostics.request_diagnostic(party, company_id=company)
            self.records.add((party, company))
            if b % 3:
                p.diagnostics.check_eligibility("bpifrance", diagnostic)
        elif action == "partnership":
            company = self.companies[a % len(self.companies)]
            party = self.party(company, tenant)
            partnership = p.partnerships.propose_partnership(
                party, research_team="Équipe Willow", topic="Vision", company_id=company
            )
            self.records.add((party, company))
            if b % 2:
                p.partnerships.sign_partnership(tenant, partnership, on=date(2025 + b % 2, 3, 1))


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[str, Platform, Tenants]]:
    truncate_history(database_url)
    env = Database.from_url(database_url).eventsourcing_env(pool_size=4)
    platform = Platform(env, networks=REGISTERED_NETWORKS)
    tenants = Tenants(env=env, share_with=platform.companies)
    tenants.seed_defaults()
    cci = DEFAULT_TENANTS["cci"][1]
    regional = Profile(commands=cci.commands, sees_all=cci.sees_all, region="53")
    tenants.register_tenant("cci-bretagne", name="CCI Bretagne", profile=regional)
    yield database_url, platform, tenants
    platform.close()


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps)
def test_read_models_kept_up_incrementally_equal_a_rebuild_from_scratch(
    world: tuple[str, Platform, Tenants], history: list[tuple[str, str, int, int]]
) -> None:
    database_url, platform, tenants = world
    truncate_history(database_url)
    tenants.seed_defaults()
    cci = DEFAULT_TENANTS["cci"][1]
    if "cci-bretagne" not in {t.slug for t in tenants.list_tenants()}:
        tenants.register_tenant(
            "cci-bretagne",
            name="CCI Bretagne",
            profile=Profile(commands=cci.commands, sees_all=cci.sees_all, region="53"),
        )
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))  # onboarding: from the (short) history
    played = History(platform)
    for action, tenant, a, b in history:
        if action == "catch_up":
            asyncio.run(catch_up_all(database_url, viewers, batch_size=1 + a % 7))
        else:
            played.play(action, tenant, a, b)
    asyncio.run(catch_up_all(database_url, viewers, batch_size=3))
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}

    asyncio.run(build_all(database_url, viewers))

    for viewer in viewers:
        assert asyncio.run(snapshot(database_url, viewer.slug)) == incremental[viewer.slug]
    check_nobody_holds_what_it_may_not_see(played, incremental)


def check_nobody_holds_what_it_may_not_see(
    played: History, models: dict[str, dict[str, list[dict[str, Any]]]]
) -> None:
    """Visibility recomputed from the write side, independently of the projection code: a
    network's row shows its own record of a company it follows, else the record of the network
    that referred it, else (a referral since revoked, after the network made a record about the
    company) a follower's record; the national row, one per SIREN, the furthest stage of any
    follower."""
    platform = played.p
    for tenant, tables in models.items():
        if tenant in ("platform", "operator"):
            # The platform's model and the State, the plan's operator, see every record.
            for row in tables["companies"]:
                company = platform.companies.find(row["id"], Company)
                assert company is not None
                furthest = max(r.adoption_stage.rank for r in company.records.values())
                assert AdoptionStage(row["adoption_stage"]).rank == furthest, (tenant, row)
                assert row["owner"] == company.tenant, (tenant, row)
            continue
        region = "53" if tenant == "cci-bretagne" else None
        for row in tables["companies"]:
            company = platform.companies.find(row["id"], Company)
            assert company is not None
            shares = [platform.referrals.find(UUID(r), Referral) for r in row["shared_via"]]
            live = [s for s in shares if s is not None and s.to_tenant == tenant and not s.revoked]
            if tenant in company.records:
                assert row["owner"] == tenant, (tenant, row)
            elif (tenant, company.id) in played.records:
                assert row["owner"] in company.records, (tenant, row)
            else:
                assert live, (tenant, row)
                assert row["owner"] in {s.tenant for s in live}, (tenant, row)
            record = company.records[row["owner"]]
            shown = (row["legal_name"], row["region"], row["segment"], row["adoption_stage"])
            expected = (record.legal_name, record.region, record.segment, record.adoption_stage)
            assert shown == expected, (tenant, row)
        for row in tables["diagnostics"]:
            diagnostic = platform.diagnostics.find(row["id"], Diagnostic)
            assert diagnostic is not None
            assert diagnostic.tenant == tenant or tenant == "bpifrance"
        for row in tables["partnerships"]:
            partnership = platform.partnerships.find(row["id"], Partnership)
            assert partnership is not None
            assert partnership.tenant == tenant or tenant == "inria"
        for row in tables["referrals"]:
            assert tenant in (row["from_tenant"], row["to_tenant"])
        for table in ("ambassadors", "events"):
            for row in tables[table]:
                assert region is None or row["region"] in (None, region)


def test_a_tenant_connection_cannot_read_another_tenants_schema(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    platform.companies.register_company(
        "bpifrance",
        siren="542107651",
        legal_name="Secret SAS",
        region="11",
        departement="75",
        naf="62.01Z",
        size=SizeFacts(staff_band="12"),
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    async def attempt(query: str) -> None:
        pool = await create_pool(database_url, max_size=2)
        try:
            async with as_tenant(pool, "cci") as conn:
                await conn.fetch(query)
        finally:
            await pool.close()

    for forbidden in (
        "SELECT * FROM tenant_bpifrance.companies",
        "SELECT * FROM tenant_bpifrance_v1.companies",
        "SELECT * FROM platform.companies",
        "SELECT * FROM osezia_events",
        "SELECT * FROM read_model_versions",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            asyncio.run(attempt(forbidden))
    asyncio.run(attempt("SELECT * FROM tenant_cci.companies"))  # its own schema is fine


def test_the_owner_sees_its_company_and_the_figures_count_every_company(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    for n, owner in enumerate(("cci", "bpifrance", "bpifrance")):
        platform.companies.register_company(
            owner,
            siren=complete_siren(f"{50_000_000 + n:08d}"),
            legal_name=f"Société {n}",
            region="53",
            departement="29",
            naf="10.71C",
            size=SizeFacts(headcount_uta=Decimal(4)),
        )
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    async def read() -> tuple[list[str], int]:
        pool = await create_pool(database_url, max_size=2)
        try:
            async with as_tenant(pool, "cci") as conn:
                owners = [
                    r["owner"] for r in await conn.fetch("SELECT owner FROM tenant_cci.companies")
                ]
                total = await conn.fetchval(
                    "SELECT sum(companies) FROM tenant_cci.figures_companies"
                )
        finally:
            await pool.close()
        return owners, int(total)

    owners, total = asyncio.run(read())
    assert owners == ["cci"]
    assert total == 3


def test_reading_as_a_network_that_has_no_read_models_is_not_found(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, _, _ = world

    async def attempt(tenant: str) -> None:
        pool = await create_pool(database_url, max_size=1)
        try:
            async with as_tenant(pool, tenant) as conn:
                await conn.fetch("SELECT 1")
        finally:
            await pool.close()

    for tenant in ("never-registered", "Not A Slug; DROP"):
        with pytest.raises(NotFound):
            asyncio.run(attempt(tenant))
