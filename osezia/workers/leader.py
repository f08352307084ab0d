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

from osezia.observability.probe import Health
from osezia.projections.connections import Connection, connect
from osezia.projections.runner import close_or_drop
from osezia.tenants.application import Tenants
from osezia.workers.process import Backoff, outages, pause
from osezia.workers.projector import run_projections

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
    """Project while this process holds the projector lock, wait for it otherwise, until `stop`.

    A database that does not answer is tried again after waits that grow (Backoff), each
    said once, not every `check_seconds`."""
    backoff = Backoff(log, "the projector election", Health())
    while not stop.is_set():
        try:
            await _take_part(database_url, tenants, stop, poll_seconds, check_seconds, backoff)
        except outages() as error:
            await pause(stop, backoff.failed(error))


async def _take_part(
    database_url: str,
    tenants: Tenants,
    stop: asyncio.Event,
    poll_seconds: float,
    check_seconds: float,
    backoff: Backoff,
) -> None:
    """On one connection: try the lock every `check_seconds` until it is held, then project
    while it is; until `stop`, or until the connection fails."""
    conn = await connect(database_url)
    try:
        while not await conn.fetchval("SELECT pg_try_advisory_lock($1)", PROJECTOR_LOCK):
            backoff.succeeded()
            await pause(stop, check_seconds)
            if stop.is_set():
                return
        backoff.succeeded()
        await _project_while_leading(conn, database_url, tenants, stop, poll_seconds, check_seconds)
    finally:
        await close_or_drop(conn)  # releases the lock, if held
    await pause(stop, check_seconds)  # the projections ended without `stop`: a new election


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
        if not stop.is_set():
            log.warning("process %d no longer runs the projections", os.getpid())
