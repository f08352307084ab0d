"""Following a tenant's read models as they change: what subscriptions are made of, and what a
request waits on for its consistency token.

The projector notifies "<target>:<position>" on commit. One listening connection per API
process fans the positions out to the subscribers of each tenant; each subscriber then reads
the rows whose `position` moved past what it has already seen.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

import asyncpg

from osezia.projections.connections import Connection, connect
from osezia.projections.log import LOG_TABLE
from osezia.projections.names import stable_schema
from osezia.projections.paging import RowOf
from osezia.projections.runner import READ_MODELS_CHANNEL

R = TypeVar("R")


class ChangeHub:
    """One LISTEN connection; each subscriber gets a queue of its tenant's new positions."""

    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._conn: asyncpg.Connection | None = None
        self._queues: dict[str, set[asyncio.Queue[int]]] = defaultdict(set)
        self._lock = asyncio.Lock()

    async def _listen(self) -> None:
        async with self._lock:
            if self._conn is None or self._conn.is_closed():
                self._conn = await connect(self._database_url)
                await self._conn.add_listener(READ_MODELS_CHANNEL, self._notified)

    def _notified(self, _conn: Connection, _pid: int, _channel: str, payload: object) -> None:
        target, _, position = str(payload).rpartition(":")
        for queue in self._queues.get(target, ()):
            queue.put_nowait(int(position))

    @asynccontextmanager
    async def following(self, tenant: str) -> AsyncIterator[asyncio.Queue[int]]:
        """A queue of the positions the tenant's read models reach while the block runs: it is
        registered before the block starts, so a position read in it is never missed after."""
        await self._listen()
        queue: asyncio.Queue[int] = asyncio.Queue()
        self._queues[tenant].add(queue)
        try:
            yield queue
        finally:
            self._queues[tenant].discard(queue)

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()


async def head_and_reached(conn: Connection, tenant: str) -> tuple[int, int]:
    """The log's head and the position the tenant's read models have applied, in one statement
    (as the service, which reads the log: a tenant's role may not)."""
    record = await conn.fetchrow(
        f"SELECT (SELECT max(notification_id) FROM {LOG_TABLE}), "
        f'(SELECT position FROM "{stable_schema(tenant)}".tracking)'
    )
    assert record is not None  # a SELECT without FROM returns one row
    return int(record[0] or 0), int(record[1] or 0)


async def rows_since(
    conn: Connection, tenant: str, view: str, after: int, up_to: int, of: RowOf[R]
) -> list[R]:
    """The rows of a view that changed after position `after`, up to `up_to`, in log order,
    each typed by `of` (the read model's `XRow.from_row`)."""
    records = await conn.fetch(
        f'SELECT * FROM "{stable_schema(tenant)}".{view} '
        "WHERE position > $1 AND position <= $2 ORDER BY position",
        after,
        up_to,
    )
    return [of(dict(r)) for r in records]
