"""The live projection: keeps every target's live read models up to date with the log.

Woken by PostgreSQL's NOTIFY (eventsourcing's recorder notifies on every insert), with a slow
poll as a fallback for a missed notification or a dropped listener connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import asyncpg

from osezia.projections.connections import Connection, connect
from osezia.projections.engine import apply_events, read_position
from osezia.projections.log import CHANNEL, read_events
from osezia.projections.versions import live_version, lock_key
from osezia.tenants.visibility import Viewer

READ_MODELS_CHANNEL = "osezia_read_models"  # payload "<target>:<position>" after each batch

log = logging.getLogger("osezia.projector")
CLOSE_SECONDS = 2.0


@dataclass(frozen=True)
class CatchUp:
    """One catch-up that applied events: what the log and the metrics say of it."""

    target: str
    version: int
    events: int
    position: int
    seconds: float


CatchUpCallback = Callable[[CatchUp], None]


async def catch_up(
    conn: Connection,
    viewer: Viewer,
    batch_size: int = 5000,
    on_caught_up: CatchUpCallback | None = None,
) -> int:
    """Apply every event the target's live version has not seen; return how many.

    A catch-up of one batch (the usual few events of a command) is logged at DEBUG; one that
    takes several batches (after a restart, an outage, a burst) logs its start, each batch and
    its end at INFO."""
    applied, version, position, started = 0, 0, 0, time.monotonic()
    while True:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(viewer.slug))
            # Read inside the lock: a rebuild may have swapped versions since the last batch.
            live = await live_version(conn, viewer.slug)
            if live is None:
                break
            version = live.version
            position = await read_position(conn, live.data_schema)
            events = await read_events(conn, position, batch_size)
            if not events:
                break
            if applied == 0 and len(events) == batch_size:
                log.info(
                    "catch-up of %s v%d begins after event %d",
                    viewer.slug,
                    version,
                    position,
                    extra={"tenant": viewer.slug, "version": version, "phase": "start"},
                )
            position = await apply_events(conn, live.data_schema, viewer, events)
            # Delivered on commit: the API pushes the change to the tenant's subscribers.
            await conn.execute(
                "SELECT pg_notify($1, $2)", READ_MODELS_CHANNEL, f"{viewer.slug}:{position}"
            )
            applied += len(events)
        if len(events) < batch_size:
            # That was the head when we read it: whatever commits later sends a notification
            # that wakes the next round, so an extra empty transaction would only add delay.
            break
        log.info(
            "catch-up of %s v%d: %d events applied, at event %d",
            viewer.slug,
            version,
            applied,
            position,
            extra={"tenant": viewer.slug, "version": version, "events": applied},
        )
    if applied:
        report = CatchUp(viewer.slug, version, applied, position, time.monotonic() - started)
        level = logging.INFO if applied >= batch_size else logging.DEBUG
        log.log(
            level,
            "catch-up of %s v%d ended: %d events in %.3f s, at event %d",
            report.target,
            report.version,
            report.events,
            report.seconds,
            report.position,
            extra={
                "tenant": report.target,
                "version": report.version,
                "events": report.events,
                "duration_s": round(report.seconds, 3),
                "phase": "end",
            },
        )
        if on_caught_up is not None:
            on_caught_up(report)
    return applied


Viewers = Callable[[], Awaitable[Sequence[Viewer]]]


async def follow(
    database_url: str,
    viewers: Viewers,
    stop: asyncio.Event,
    *,
    poll_seconds: float = 5.0,
    batch_size: int = 5000,
    on_round: Callable[[], Awaitable[None]] | None = None,
    on_caught_up: CatchUpCallback | None = None,
    on_lost: Callable[[], None] | None = None,
) -> None:
    """Run until `stop` is set: catch up every target, then wait for a notification.

    A database error ends it (the connections are closed): the caller decides when to try
    again (workers.projector retries with a backoff). `on_lost` is told at once when the
    server drops the listening connection, even while this waits for something else."""
    wake = asyncio.Event()
    listener = await connect(database_url)
    try:
        worker = await connect(database_url)
    except BaseException:
        await listener.close()
        raise

    def notified(*_: object) -> None:
        wake.set()

    def lost(_: object) -> None:
        wake.set()
        if on_lost is not None and not stop.is_set():
            on_lost()

    try:
        await listener.add_listener(CHANNEL, notified)
        listener.add_termination_listener(lost)
        while not stop.is_set():
            wake.clear()
            if on_round is not None:
                await on_round()
            for viewer in await viewers():
                await catch_up(worker, viewer, batch_size, on_caught_up)
            if wake.is_set():
                continue
            if listener.is_closed():
                # The listening connection is gone (the server closed it): without it no
                # notification would come, and the poll alone would hide the outage.
                raise ConnectionError("the connection listening for new events was closed")
            stopping = asyncio.ensure_future(stop.wait())
            woken = asyncio.ensure_future(wake.wait())
            await asyncio.wait(
                {stopping, woken}, timeout=poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in (stopping, woken):
                waiter.cancel()
    finally:
        listener.remove_termination_listener(lost)
        with contextlib.suppress(Exception):
            await listener.remove_listener(CHANNEL, notified)
        for conn in (listener, worker):
            await close_or_drop(conn)


async def close_or_drop(conn: asyncpg.Connection) -> None:
    """Close politely when the server answers; otherwise drop the socket at once."""
    try:
        await asyncio.wait_for(conn.close(), CLOSE_SECONDS)
    except Exception:
        conn.terminate()
