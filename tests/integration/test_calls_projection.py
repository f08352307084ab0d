"""Calls for projects on PostgreSQL: calls are public, applications are seen by the network that
filed them and by the calls' contractors, and the figures count them all without naming any."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest

from osezia.domain.calls.templates import PIONNIERS_IA
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.access import as_tenant
from osezia.projections.connections import create_pool
from osezia.projections.names import stable_schema
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.conftest import truncate_history
from tests.integration.projection_support import build_all, catch_up_all, snapshot, viewers_of

ON = date(2025, 11, 3)
K = 100_000  # one thousand euros, in cents
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[str, Platform, Tenants]]:
    truncate_history(database_url)
    env = Database.from_url(database_url).eventsourcing_env(pool_size=4)
    platform = Platform(env, networks=NETWORKS)
    platform.calls.today = lambda: ON
    tenants = Tenants(env=env, share_with=platform.companies)
    tenants.seed_defaults()
    cci = DEFAULT_TENANTS["cci"][1]
    regional = Profile(commands=cci.commands, sees_all=cci.sees_all, region="53")
    tenants.register_tenant("cci-bretagne", name="CCI Bretagne", profile=regional)
    yield database_url, platform, tenants
    platform.close()


def a_company(platform: Platform, owner: str, siren: str, region: str, dep: str) -> UUID:
    return platform.companies.register_company(
        owner,
        siren=siren,
        legal_name=f"Société {siren}",
        region=region,
        departement=dep,
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(40)),
    )


class Story:
    """Pionniers de l'IA with two applications: CCI's goes to phase 2, French Tech's is
    rejected."""

    def __init__(self, platform: Platform) -> None:
        self.calls = platform.calls
        self.call = self.calls.open_call(
            "operator", code=PIONNIERS_IA, opens_on=date(2025, 9, 18), closes_on=date(2026, 3, 31)
        )
        breton = a_company(platform, "cci", "542107651", "53", "35")
        parisian = a_company(platform, "french-tech", "732829320", "11", "75")
        self.by_cci = self.calls.submit_application(
            "cci", call_id=self.call, company_id=breton, project_title="Vision"
        )
        self.by_french_tech = self.calls.submit_application(
            "french-tech", call_id=self.call, company_id=parisian, project_title="Agents"
        )

    def decide(self) -> None:
        self.calls.select_application("inria", self.by_cci)
        self.calls.reject_application("bpifrance", self.by_french_tech, reason="hors périmètre")
        self.calls.award_phase("inria", self.by_cci, phase=1, amount_cents=150 * K, months=9, on=ON)
        self.calls.evaluate_gate("inria", self.by_cci, phase=1, passed=True, on=ON, comment="ok")
        self.calls.award_phase(
            "bpifrance", self.by_cci, phase=2, amount_cents=600 * K, months=12, on=ON
        )


async def rows(database_url: str, tenant: str, query: str) -> list[dict[str, Any]]:
    pool = await create_pool(database_url, max_size=1)
    try:
        async with as_tenant(pool, tenant) as conn:
            return [dict(r) for r in await conn.fetch(query.format(s=stable_schema(tenant)))]
    finally:
        await pool.close()


def read(database_url: str, tenant: str, query: str) -> list[dict[str, Any]]:
    return asyncio.run(rows(database_url, tenant, query))


def test_a_call_is_public_and_an_application_seen_by_its_network_and_the_contractors(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    story = Story(platform)
    story.decide()
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    seen = {
        tenant: {
            r["id"] for r in read(database_url, tenant, "SELECT id FROM {s}.call_applications")
        }
        for tenant in ("cci", "french-tech", "inria", "bpifrance", "operator", "cci-bretagne")
    }
    both = {story.by_cci, story.by_french_tech}
    assert seen == {
        "cci": {story.by_cci},
        "french-tech": {story.by_french_tech},
        "inria": both,
        "bpifrance": both,
        "operator": both,
        "cci-bretagne": set(),
    }
    for tenant in seen:
        calls = read(database_url, tenant, "SELECT id, code, selection_target FROM {s}.calls")
        assert calls == [{"id": story.call, "code": PIONNIERS_IA, "selection_target": None}]


def test_an_applications_row_follows_its_phases_with_the_time_of_each_milestone(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    story = Story(platform)
    story.decide()
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    (row,) = read(database_url, "cci", "SELECT * FROM {s}.call_applications")
    assert row["status"] == "IN_PHASE_2"
    assert (row["current_phase"], row["phase_count"]) == (2, 3)
    assert row["awarded_cents"] == 750 * K
    assert row["submitted_at"] <= row["selected_at"] <= row["updated_at"]
    phase_1, phase_2 = row["phases"]
    assert phase_1 | {"awarded_at": None, "gate_at": None} == {
        "phase": 1,
        "amount_cents": 150 * K,
        "months": 9,
        "awarded_on": "2025-11-03",
        "awarded_at": None,
        "awarded_by": "inria",
        "gate_passed": True,
        "gate_on": "2025-11-03",
        "gate_at": None,
    }
    assert phase_1["awarded_at"] <= phase_1["gate_at"] <= phase_2["awarded_at"]
    assert (phase_2["awarded_by"], phase_2["gate_passed"]) == ("bpifrance", None)
    (rejected,) = read(database_url, "french-tech", "SELECT * FROM {s}.call_applications")
    assert (rejected["status"], rejected["reject_reason"]) == ("REJECTED", "hors périmètre")
    assert rejected["rejected_at"] is not None
    assert rejected["selected_at"] is None


def test_a_failed_gate_ends_and_a_last_passed_gate_completes_the_row(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    story = Story(platform)
    story.decide()
    calls = platform.calls
    calls.evaluate_gate("bpifrance", story.by_cci, phase=2, passed=True, on=ON, comment="ok")
    calls.award_phase("bpifrance", story.by_cci, phase=3, amount_cents=3000 * K, months=24, on=ON)
    calls.evaluate_gate("bpifrance", story.by_cci, phase=3, passed=True, on=ON, comment="ok")
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    (row,) = read(database_url, "cci", "SELECT status, awarded_cents FROM {s}.call_applications")
    assert row == {"status": "COMPLETED", "awarded_cents": 3750 * K}


def test_call_rows_kept_up_incrementally_equal_a_rebuild(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    viewers = viewers_of(tenants)
    story = Story(platform)
    asyncio.run(build_all(database_url, viewers))

    story.decide()
    platform.calls.evaluate_gate(
        "bpifrance", story.by_cci, phase=2, passed=False, on=ON, comment="non"
    )
    asyncio.run(catch_up_all(database_url, viewers, batch_size=2))
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}
    asyncio.run(build_all(database_url, viewers))

    for viewer in viewers:
        assert asyncio.run(snapshot(database_url, viewer.slug)) == incremental[viewer.slug]
    assert incremental["cci"]["call_applications"][0]["status"] == "ENDED"


def test_the_figures_count_every_application_and_award_by_day_without_naming_any(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    story = Story(platform)
    story.decide()
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    (stamps,) = read(
        database_url, "operator", "SELECT submitted_at FROM {s}.call_applications LIMIT 1"
    )
    today = stamps["submitted_at"].astimezone(PARIS).date()

    applications = read(
        database_url,
        "cci",
        "SELECT * FROM {s}.figures_call_applications ORDER BY region",
    )
    awards = read(database_url, "cci", "SELECT * FROM {s}.figures_call_awards ORDER BY phase")

    assert applications == [
        {
            "call_code": PIONNIERS_IA,
            "region": "11",
            "status": "REJECTED",
            "submitted_day": today,
            "selected_day": None,
            "rejected_day": today,
            "applications": 1,
            "priority_sector": None,
        },
        {
            "call_code": PIONNIERS_IA,
            "region": "53",
            "status": "IN_PHASE_2",
            "submitted_day": today,
            "selected_day": today,
            "rejected_day": None,
            "applications": 1,
            "priority_sector": None,
        },
    ]
    assert awards == [
        {
            "call_code": PIONNIERS_IA,
            "region": "53",
            "phase": 1,
            "awarded_day": today,
            "awards": 1,
            "awarded_cents": 150 * K,
            "priority_sector": None,
        },
        {
            "call_code": PIONNIERS_IA,
            "region": "53",
            "phase": 2,
            "awarded_day": today,
            "awards": 1,
            "awarded_cents": 600 * K,
            "priority_sector": None,
        },
    ]
    regional = read(
        database_url, "cci-bretagne", "SELECT region FROM {s}.figures_call_applications"
    )
    assert regional == [{"region": "53"}]
