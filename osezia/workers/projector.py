"""The long-running projection process (`osezia project`, or a task of `osezia serve` when
there is no Redis): keeps every live read model current, onboards new tenants, drops
offboarded ones."""

from __future__ import annotations

import asyncio
import time

from osezia.projections.connections import connect
from osezia.projections.rebuild import rebuild
from osezia.projections.runner import follow
from osezia.projections.targets import (
    Targets,
    drop_offboarded,
    onboard_missing,
    rebuild_changed_profiles,
)
from osezia.projections.versions import live_version
from osezia.tenants.application import Tenants
from osezia.tenants.visibility import PLATFORM, Viewer
from osezia.workers.queue import RebuildQueue

CHECK_SECONDS = 1.0  # how often new, changed and offboarded tenants are looked for


async def run_projections(
    database_url: str,
    tenants: Tenants,
    stop: asyncio.Event,
    *,
    queue: RebuildQueue | None = None,
    poll_seconds: float = 5.0,
) -> None:
    targets = Targets(tenants)
    conn = await connect(database_url)

    async def onboard(viewer: Viewer) -> None:
        if queue is not None:
            await queue.submit(viewer)
        else:
            await rebuild(database_url, viewer)

    checked_at = -CHECK_SECONDS

    async def on_round() -> None:
        # The registry checks cost a few queries: once a second, not on every notification.
        nonlocal checked_at
        if time.monotonic() - checked_at < CHECK_SECONDS:
            return
        checked_at = time.monotonic()
        viewers, offboarded = await targets.refresh()
        # Tenants' figures read the platform's model: it is built first.
        await onboard_missing(conn, [v for v in viewers if v.slug == PLATFORM], onboard)
        if await live_version(conn, PLATFORM) is not None:
            await onboard_missing(conn, viewers, onboard)
            await rebuild_changed_profiles(conn, viewers, onboard)
        await drop_offboarded(conn, offboarded)

    try:
        await follow(
            database_url, targets.viewers, stop, poll_seconds=poll_seconds, on_round=on_round
        )
    finally:
        await conn.close()
