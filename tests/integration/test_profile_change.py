"""Changing what a network may see rebuilds its read models with the new profile."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.connections import connect
from osezia.projections.rebuild import rebuild
from osezia.projections.targets import rebuild_changed_profiles
from osezia.projections.versions import live_version
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import Viewer
from tests.integration.projection_support import build_all, snapshot, viewers_of


def rebuild_what_changed(
    database_url: str, tenants: Tenants, build: Callable[[Viewer], Awaitable[None]]
) -> int | None:
    """Run the rebuild of changed profiles with ``build``; CCI's live version after it."""

    async def run() -> int | None:
        conn = await connect(database_url)
        try:
            await rebuild_changed_profiles(conn, viewers_of(tenants), build)
            live = await live_version(conn, "cci")
        finally:
            await conn.close()
        return live.version if live else None

    return asyncio.run(run())


def test_a_network_allowed_to_see_every_diagnostic_gets_them_after_the_rebuild(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = platform.companies.register_company(
        "bpifrance",
        siren="542107651",
        legal_name="Atelier Numérique",
        region="53",
        departement="29",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(30)),
    )
    platform.diagnostics.request_diagnostic("bpifrance", company_id=company)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    before = asyncio.run(snapshot(database_url, "cci"))
    cci = Profile.from_data(tenants.get_tenant("cci").profile)
    widened = Profile(commands=cci.commands, sees_all=frozenset({"diagnostic"}), roles=cci.roles)

    tenants.change_profile("cci", widened)

    async def build(viewer: Viewer) -> None:
        await rebuild(database_url, viewer)

    assert rebuild_what_changed(database_url, tenants, build) == 2
    after = asyncio.run(snapshot(database_url, "cci"))
    assert before["diagnostics"] == []
    assert [row["company_siren"] for row in after["diagnostics"]] == ["542107651"]
    # Nothing else changed: the profile is the same for every other network.
    assert rebuild_what_changed(database_url, tenants, build) == 2


def test_a_change_of_commands_alone_rebuilds_nothing(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    cci = Profile.from_data(tenants.get_tenant("cci").profile)
    fewer = Profile(commands=cci.commands - {"book_meeting"}, roles=cci.roles)
    tenants.change_profile("cci", fewer)
    rebuilt: list[str] = []

    async def build(viewer: Viewer) -> None:
        rebuilt.append(viewer.slug)

    assert rebuild_what_changed(database_url, tenants, build) == 1
    assert rebuilt == []
