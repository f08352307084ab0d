"""The long-running projection process (`osezia project`, or a task of `osezia serve` when
there is no Redis): keeps every live read model current, onboards new tenants, drops
offboarded ones.

It outlives its database: a restart, a migration or a downgrade under it ends the current
attempt (its connections are closed), one line says why, and it tries again after a capped
exponential backoff, catching up from each read model's own position.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from osezia.observability.probe import Health, Probe
from osezia.projections.connections import Connection, connect
from osezia.projections.log import head_position
from osezia.projections.rebuild import rebuild
from osezia.projections.runner import close_or_drop, follow
from osezia.projections.status import projection_status
from osezia.projections.targets import (
    Targets,
    drop_offboarded,
    onboard_missing,
    rebuild_changed_profiles,
)
from osezia.projections.versions import live_version, live_versions
from osezia.store.settings import load_settings
from osezia.tenants.application import Tenants
from osezia.tenants.visibility import PLATFORM, Viewer
from osezia.workers import metrics
from osezia.workers.process import Backoff, configure_logging, pause, start_probe

if TYPE_CHECKING:
    # A queue is given only with REDIS_URL: the API, which projects without Redis, never
    # loads arq.
    from osezia.workers.queue import RebuildQueue

CHECK_SECONDS = 1.0  # how often new, changed and offboarded tenants are looked for

log = logging.getLogger("osezia.projector")


async def run_projections(
    database_url: str,
    tenants: Tenants,
    stop: asyncio.Event,
    *,
    queue: RebuildQueue | None = None,
    poll_seconds: float = 5.0,
    probe: bool = False,
) -> None:
    """Project until `stop` is set, whatever happens to the database in between.

    ``probe``: serve /metrics and /healthz (OSEZIA_METRICS_PORT, or 9101) and configure the
    process's logging, as `osezia project` does; not when the API runs the projections in its
    own process, on its own port."""
    health = Health()
    served: Probe | None = None
    if probe:
        settings = load_settings()
        configure_logging(settings, "project")
        served = await start_probe(settings, "project", health)
    log.info(
        "projector started (%s)",
        "rebuilds queued for the workers" if queue else "rebuilds in this process",
    )
    backoff = Backoff(log, "projecting", health)
    try:
        while not stop.is_set():
            try:
                await _project(database_url, tenants, stop, queue, poll_seconds, backoff)
            except Exception as error:  # a database outage above all: logged, then retried
                await pause(stop, backoff.failed(error))
    finally:
        if served is not None:
            await served.close()
        log.info("projector stopped")


async def _project(
    database_url: str,
    tenants: Tenants,
    stop: asyncio.Event,
    queue: RebuildQueue | None,
    poll_seconds: float,
    backoff: Backoff,
) -> None:
    """One attempt: from connecting to the database until `stop`, or until it fails."""
    targets = Targets(tenants)
    conn = await connect(database_url)

    async def onboard(viewer: Viewer) -> None:
        if queue is not None:
            if await queue.submit(viewer):
                log.info("rebuild of %s queued for a worker", viewer.slug)
        else:
            await rebuild(database_url, viewer, on_progress=metrics.rebuild_progressed)

    checked_at = -CHECK_SECONDS

    async def on_round() -> None:
        # The registry checks cost a few queries: once a second, not on every notification.
        nonlocal checked_at
        if time.monotonic() - checked_at >= CHECK_SECONDS:
            checked_at = time.monotonic()
            viewers, offboarded = await targets.refresh()
            # Tenants' figures read the platform's model: it is built first.
            await onboard_missing(conn, [v for v in viewers if v.slug == PLATFORM], onboard)
            if await live_version(conn, PLATFORM) is not None:
                await onboard_missing(conn, viewers, onboard)
                await rebuild_changed_profiles(conn, viewers, onboard)
            await drop_offboarded(conn, offboarded)
            await _measure(conn)
        backoff.succeeded()

    try:
        await follow(
            database_url,
            targets.viewers,
            stop,
            poll_seconds=poll_seconds,
            on_round=on_round,
            on_caught_up=metrics.caught_up,
            on_lost=lambda: backoff.lost("the database closed the connection"),
        )
    finally:
        await close_or_drop(conn)


async def _measure(conn: Connection) -> None:
    """Each live target's lag behind the log's head, for /metrics."""
    head = await head_position(conn)
    statuses = [await projection_status(conn, v.target) for v in await live_versions(conn)]
    metrics.measured(head, statuses)
