"""The live projection: keeps every target's live read models up to date with the log.

Woken by PostgreSQL's NOTIFY (eventsourcing's recorder notifies on every insert), with a slow
poll as a fallback for a missed notification or a dropped listener connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence

from osezia.projections.connections import Connection, connect
from osezia.projections.engine import apply_events, read_position
from osezia.projections.log import CHANNEL, read_events
from osezia.projections.versions import live_version, lock_key
from osezia.tenants.visibility import Viewer

READ_MODELS_CHANNEL = "osezia_read_models"  # payload "<target>:<position>" after each batch


async def catch_up(conn: Connection, viewer: Viewer, batch_size: int = 5000) -> int:
    """Apply every event the target's live version has not seen; return how many."""
    applied = 0
    while True:
        async with conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock($1)", lock_key(viewer.slug))
            # Read inside the lock: a rebuild may have swapped versions since the last batch.
            version = await live_version(conn, viewer.slug)
            if version is None:
                return applied
            position = await read_position(conn, version.data_schema)
            events = await read_events(conn, position, batch_size)
            if not events:
                return applied
            position = await apply_events(conn, version.data_schema, viewer, events)
            # Delivered on commit: the API pushes the change to the tenant's subscribers.
            await conn.execute(
                "SELECT pg_notify($1, $2)", READ_MODELS_CHANNEL, f"{viewer.slug}:{position}"
            )
            applied += len(events)
        if len(events) < batch_size:
            # That was the head when we read it: whatever commits later sends a notification
            # that wakes the next round, so an extra empty transaction would only add delay.
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
) -> None:
    """Run until `stop` is set: catch up every target, then wait for a notification."""
    wake = asyncio.Event()
    listener = await connect(database_url)
    worker = await connect(database_url)

    def notified(*_: object) -> None:
        wake.set()

    await listener.add_listener(CHANNEL, notified)
    try:
        while not stop.is_set():
            wake.clear()
            if on_round is not None:
                await on_round()
            for viewer in await viewers():
                await catch_up(worker, viewer, batch_size)
            if wake.is_set():
                continue
            stopping = asyncio.ensure_future(stop.wait())
            woken = asyncio.ensure_future(wake.wait())
            await asyncio.wait(
                {stopping, woken}, timeout=poll_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            for waiter in (stopping, woken):
                waiter.cancel()
    finally:
        with contextlib.suppress(Exception):
            await listener.remove_listener(CHANNEL, notified)
        await listener.close()
        await worker.close()
