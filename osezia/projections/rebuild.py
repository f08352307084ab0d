"""Rebuilding a target's read models from the whole history, while the old ones keep serving.

A rebuild writes into a new data schema with its own tracking position, so it resumes where it
stopped after a crash, and can be cancelled between two batches. When it has caught up with the
head, it takes the target's advisory lock (the live projector takes it for every batch), applies
the last events, points the stable schema's views at the new data and drops the old data, in one
transaction.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg

from osezia.projections.connections import Connection, connect
from osezia.projections.engine import apply_events, read_position
from osezia.projections.log import head_position, read_events
from osezia.projections.schemas import create_stable_schema, lock_views, point_views
from osezia.projections.versions import (
    Version,
    building_version,
    live_version,
    lock_key,
    record_progress,
    register_building,
)
from osezia.store.migrations import migrate_read_model_schema
from osezia.tenants.visibility import PLATFORM, PLATFORM_VIEWER, Viewer

log = logging.getLogger("osezia.rebuild")
PROGRESS_LOG_SECONDS = 5.0  # a long build says how far it is at most this often


@dataclass(frozen=True)
class Progress:
    target: str
    version: int
    done: int
    total: int
    rate: float | None

    @property
    def eta_seconds(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate else None


@dataclass(frozen=True)
class Outcome:
    target: str
    version: int
    status: str  # LIVE, CANCELLED, or PAUSED (its time was up: run it again to go on)
    position: int


ProgressCallback = Callable[[Progress], None]


class RebuildCancelled(Exception):
    pass


class RebuildPaused(Exception):
    """The build's time was up between two batches: what it applied is kept."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


async def rebuild(
    database_url: str,
    viewer: Viewer,
    *,
    batch_size: int = 5000,
    on_progress: ProgressCallback | None = None,
    until: float | None = None,
) -> Outcome:
    """Build (or resume building) a fresh version of the target's read models and swap it in.

    With ``until`` (a time.monotonic() deadline), it stops at the first batch boundary past it
    and answers PAUSED: a worker's run holds its job for a short lease, and a dead worker's
    rebuild is taken over by another as soon as that lease runs out (workers.jobs).
    """
    conn = await connect(database_url)
    try:
        if viewer.slug != PLATFORM and await live_version(conn, PLATFORM) is None:
            # A network's figure views read the platform's own model: it goes live first, on
            # the same deadline (a paused platform build pauses this one).
            await conn.close()
            first = await rebuild(database_url, PLATFORM_VIEWER, batch_size=batch_size, until=until)
            if first.status != "LIVE":
                return Outcome(viewer.slug, 0, first.status, first.position)
            conn = await connect(database_url)
        version = await _building(conn, database_url, viewer)
        began, began_at = await read_position(conn, version.data_schema), time.monotonic()
        head = await head_position(conn)
        log.info(
            "rebuild of %s v%d %s at event %d of %d",
            version.target,
            version.version,
            "resumes" if began else "begins",
            began,
            head,
            extra={
                "tenant": version.target,
                "version": version.version,
                "events": began,
                "total": head,
                "phase": "start",
            },
        )
        try:
            position = await _build(conn, version, viewer, batch_size, on_progress, until)
        except RebuildCancelled:
            await _discard(conn, version, "CANCELLED")
            outcome = Outcome(viewer.slug, version.version, "CANCELLED", 0)
        except RebuildPaused as paused:
            outcome = Outcome(viewer.slug, version.version, "PAUSED", paused.position)
        else:
            position = await _swap(conn, version, viewer)
            outcome = Outcome(viewer.slug, version.version, "LIVE", position)
        _log_end(outcome, began, time.monotonic() - began_at)
        return outcome
    finally:
        await conn.close()


def _log_end(outcome: Outcome, began: int, seconds: float) -> None:
    applied = max(outcome.position - began, 0)
    ending = {"LIVE": "is live", "PAUSED": "paused (its lease is used up)"}
    log.info(
        "rebuild of %s v%d %s: %d events in %.1f s, at event %d",
        outcome.target,
        outcome.version,
        ending.get(outcome.status, outcome.status.lower()),
        applied,
        seconds,
        outcome.position,
        extra={
            "tenant": outcome.target,
            "version": outcome.version,
            "events": applied,
            "duration_s": round(seconds, 3),
            "status": outcome.status,
            "phase": "end",
        },
    )


# alembic keeps its running environment in module globals: two migrations at once in one
# process (an arq worker runs several rebuilds) would read each other's schema.
_MIGRATING = threading.Lock()


def _migrate(database_url: str, schema: str) -> None:
    with _MIGRATING:
        migrate_read_model_schema(database_url, schema)


async def _building(conn: Connection, database_url: str, viewer: Viewer) -> Version:
    target = viewer.slug
    version = await building_version(conn, target)
    if version is None:
        profile = viewer.profile.as_data() if viewer.profile else None
        version = await register_building(conn, target, await head_position(conn), profile)
    # Creating the data schema through alembic is idempotent: a resumed build finds it there.
    await asyncio.to_thread(_migrate, database_url, version.data_schema)
    return version


async def _build(
    conn: Connection,
    version: Version,
    viewer: Viewer,
    batch_size: int,
    on_progress: ProgressCallback | None,
    until: float | None = None,
) -> int:
    schema = version.data_schema
    position = await read_position(conn, schema)
    began, began_at = position, time.monotonic()
    logged_at = began_at
    while True:
        if await conn.fetchval(
            "SELECT cancel_requested FROM read_model_versions WHERE target = $1 AND version = $2",
            version.target,
            version.version,
        ):
            raise RebuildCancelled(version.target)
        events = await read_events(conn, position, batch_size)
        if not events:
            return position
        head = await head_position(conn)
        elapsed = time.monotonic() - began_at
        async with conn.transaction():
            position = await apply_events(conn, schema, viewer, events)
            rate = (position - began) / elapsed if elapsed > 0 else None
            await record_progress(conn, version, position, head, rate)
        if on_progress is not None:
            on_progress(Progress(version.target, version.version, position, head, rate))
        if time.monotonic() - logged_at >= PROGRESS_LOG_SECONDS:
            logged_at = time.monotonic()
            log.info(
                "rebuild of %s v%d at event %d of %d (%s events/s)",
                version.target,
                version.version,
                position,
                head,
                f"{rate:,.0f}" if rate else "…",
                extra={
                    "tenant": version.target,
                    "version": version.version,
                    "events": position,
                    "total": head,
                    "phase": "progress",
                },
            )
        if until is not None and time.monotonic() >= until:
            raise RebuildPaused(position)


async def _swap(conn: Connection, version: Version, viewer: Viewer) -> int:
    while True:
        try:
            async with conn.transaction():
                return await _swap_in(conn, version, viewer)
        except asyncpg.LockNotAvailableError:
            # A reader held a view too long, or waited for one we held: all was rolled back,
            # the reader goes on, and we try again.
            await asyncio.sleep(0.05)


async def _swap_in(conn: Connection, version: Version, viewer: Viewer) -> int:
    await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(version.target))
    schema = version.data_schema
    previous = await live_version(conn, version.target)
    if previous is not None and previous.version == version.version:
        # Another run of this same build (resumed while this one still ran) swapped it in:
        # retiring "the previous version" here would drop the live data.
        return await read_position(conn, schema)
    position = await read_position(conn, schema)
    while events := await read_events(conn, position, 5000):
        position = await apply_events(conn, schema, viewer, events)
    await lock_views(conn, version.target)
    await create_stable_schema(conn, version.target)
    await point_views(conn, version.target, version.version, viewer.profile)
    if previous is not None:
        await conn.execute(
            "UPDATE read_model_versions SET status = 'RETIRED', updated_at = now() "
            "WHERE target = $1 AND version = $2",
            previous.target,
            previous.version,
        )
    await conn.execute(
        "UPDATE read_model_versions SET status = 'LIVE', live_at = now(), updated_at = now(), "
        "events_done = $3, events_total = $3 WHERE target = $1 AND version = $2",
        version.target,
        version.version,
        position,
    )
    if previous is not None:
        # In the same transaction, so that a crash cannot leave it behind. No query reads it
        # any more: lock_views waited for every transaction that had read the views.
        await conn.execute(f'DROP SCHEMA IF EXISTS "{previous.data_schema}" CASCADE')
    return position


async def _discard(conn: Connection, version: Version, status: str) -> None:
    async with conn.transaction():
        await conn.execute(
            "UPDATE read_model_versions SET status = $3, updated_at = now() "
            "WHERE target = $1 AND version = $2",
            version.target,
            version.version,
            status,
        )
        await conn.execute(f'DROP SCHEMA IF EXISTS "{version.data_schema}" CASCADE')
