"""The targets the projections keep: the platform's own model and every tenant's."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema, tenant_role
from osezia.projections.schemas import recreate_views
from osezia.projections.versions import building_version, built_with, live_version, lock_key
from osezia.tenants.application import Tenants
from osezia.tenants.model import TenantStatus
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import PLATFORM_VIEWER, Viewer


class Targets:
    """Reads the tenant registry (through the write side's repository) and caches it briefly."""

    def __init__(self, tenants: Tenants, ttl_seconds: float = 1.0) -> None:
        self._tenants = tenants
        self._ttl = ttl_seconds
        self._cached: tuple[float, list[Viewer], list[str]] | None = None

    async def refresh(self) -> tuple[list[Viewer], list[str]]:
        """(viewers to keep up to date, offboarded slugs)."""
        now = time.monotonic()
        if self._cached is not None and now - self._cached[0] < self._ttl:
            return self._cached[1], self._cached[2]
        registered = await asyncio.to_thread(self._tenants.list_tenants)
        viewers = [PLATFORM_VIEWER] + [
            Viewer(t.slug, Profile.from_data(t.profile))
            for t in registered
            if t.status is not TenantStatus.OFFBOARDED
        ]
        gone = [t.slug for t in registered if t.status is TenantStatus.OFFBOARDED]
        self._cached = (now, viewers, gone)
        return viewers, gone

    async def viewers(self) -> list[Viewer]:
        return (await self.refresh())[0]

    async def viewer(self, target: str) -> Viewer:
        for viewer in await self.viewers():
            if viewer.slug == target:
                return viewer
        raise LookupError(f"no tenant {target!r} to project for")


Onboard = Callable[[Viewer], Awaitable[None]]


async def onboard_missing(conn: Connection, viewers: list[Viewer], onboard: Onboard) -> None:
    """Build the read models of every target that has none live yet (the platform's first).

    A target with a build but no live version is onboarded again: that build may belong to a
    process that died, and `rebuild` resumes it (a queued one is not queued twice: job ids).
    """
    for viewer in viewers:
        if await live_version(conn, viewer.slug) is None:
            await onboard(viewer)


async def rebuild_changed_profiles(
    conn: Connection, viewers: list[Viewer], rebuild: Onboard
) -> None:
    """A network whose sight changed (what it may see: Profile.sight) gets its read models
    built again; until the new version swaps in, the old one keeps serving. A change of its
    commands alone rebuilds nothing."""
    for viewer in viewers:
        if viewer.profile is None or await building_version(conn, viewer.slug) is not None:
            continue
        live = await live_version(conn, viewer.slug)
        built = await built_with(conn, viewer.slug)
        if live is not None and _sight(built) != viewer.profile.sight():
            await rebuild(viewer)


async def drop_offboarded(conn: Connection, slugs: list[str]) -> None:
    """An offboarded tenant keeps its history in the log, but no read model and no role."""
    for slug in slugs:
        schemas = await conn.fetch(
            "SELECT data_schema FROM read_model_versions WHERE target = $1 "
            "AND status IN ('LIVE', 'BUILDING')",
            slug,
        )
        if not schemas:
            continue
        async with conn.transaction():
            await conn.execute(f'DROP SCHEMA IF EXISTS "{stable_schema(slug)}" CASCADE')
            for (schema,) in schemas:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            await conn.execute(
                "UPDATE read_model_versions SET status = 'RETIRED', updated_at = now() "
                "WHERE target = $1 AND status IN ('LIVE', 'BUILDING')",
                slug,
            )
            # Roles belong to the whole server: another database may still grant this one
            # something. Then the role stays, holding no right here any more.
            with contextlib.suppress(asyncpg.DependentObjectsStillExistError):
                async with conn.transaction():  # a savepoint
                    database = await conn.fetchval("SELECT current_database()")
                    await conn.execute(f'DROP ROLE IF EXISTS "{tenant_role(slug, database)}"')


async def refresh_live_views(conn: Connection, attempts: int = 50) -> list[str]:
    """Recreate the views of every live version as this code defines them; return the targets.

    Run by `osezia migrate` after the data schemas are upgraded, in one transaction: the
    platform's views first (the tenants' figure views read them), under the swap's advisory
    locks, so a rebuild swapping at the same time waits and no reader sees a view missing. A
    lock cycle with a reader is retried.
    """
    for attempt in range(attempts):
        try:
            async with conn.transaction():
                targets = [r["target"] for r in await conn.fetch(
                    "SELECT target FROM read_model_versions WHERE status = 'LIVE' "
                    "ORDER BY target <> $1, target",
                    PLATFORM_VIEWER.slug,
                )]  # fmt: skip
                for target in sorted(targets):
                    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(target))
                for target in targets:
                    live = await live_version(conn, target)
                    assert live is not None
                    built = await built_with(conn, target)
                    profile = Profile.from_data(built) if built is not None else None
                    await recreate_views(conn, target, live.version, profile)
                return targets
        except asyncpg.LockNotAvailableError:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))
    return []


def _sight(built: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a version was built to see, from the profile recorded with it."""
    return None if built is None else Profile.from_data(built).sight()
