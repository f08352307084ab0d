"""One projector among the API's processes.

Without Redis the API runs the projections itself. `osezia serve --workers N` starts N
processes, each with that lifespan: a session-level advisory lock elects one of them to project,
and the others wait to take over when its process ends or its connection to the database is
lost (the lock goes with the session). Two projectors at once would still be correct (each batch
takes its target's lock), only wasteful; the election keeps it to one.
"""

from __future__ import annotations

import asyncio
import logging
import os

from osezia.projections.connections import Connection, connect
from osezia.projections.runner import close_or_drop
from osezia.tenants.application import Tenants
from osezia.workers.process import OUTAGES, pause
from osezia.workers.projector import run_projections

# The database does not answer, or went away in the middle of a question.
_DOWN: tuple[type[BaseException], ...] = (OSError, *OUTAGES)
PROJECTOR_LOCK = 0x6F73_7072  # "ospr": held by the process that projects
CHECK_SECONDS = 2.0  # how often a waiting process tries the lock, and the leader checks it

log = logging.getLogger("osezia.projector")


async def lead_projections(
    database_url: str,
    tenants: Tenants,
    stop: asyncio.Event,
    *,
    poll_seconds: float,
    check_seconds: float = CHECK_SECONDS,
) -> None:
    """Project while this process holds the projector lock, wait for it otherwise, until `stop`."""
    while not stop.is_set():
        try:
            conn = await connect(database_url)
        except _DOWN as error:
            log.warning("cannot take part in the projector election: %s", error)
            await pause(stop, check_seconds)
            continue
        try:
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", PROJECTOR_LOCK):
                await _project_while_leading(
                    conn, database_url, tenants, stop, poll_seconds, check_seconds
                )
        except _DOWN as error:
            log.warning("the projector lock was lost, projections stopped here: %s", error)
        finally:
            await close_or_drop(conn)  # releases the lock, if held
        await pause(stop, check_seconds)


async def _project_while_leading(
    conn: Connection,
    database_url: str,
    tenants: Tenants,
    stop: asyncio.Event,
    poll_seconds: float,
    check_seconds: float,
) -> None:
    log.info("process %d runs the projections", os.getpid())
    leading = asyncio.Event()  # set when this process must stop projecting
    projecting = asyncio.create_task(
        run_projections(database_url, tenants, leading, poll_seconds=poll_seconds)
    )
    try:
        while not stop.is_set() and not projecting.done():
            await pause(stop, check_seconds)
            # The lock lives as long as this session: a lost session means another process
            # may be projecting already.
            await conn.fetchval("SELECT 1")
    finally:
        leading.set()
        await projecting
