"""Reading the event log with asyncpg.

eventsourcing's recorder locks the table for each insert, so notification ids become visible in
commit order: reading "after position p" never skips an event that commits later.
"""

from __future__ import annotations

from uuid import UUID

from osezia.projections.codec import StoredEvent, decode, preload_keys
from osezia.projections.connections import Connection

LOG_TABLE = "osezia_events"
CHANNEL = "osezia_events"  # the recorder sends NOTIFY on a channel named after the table

_COLUMNS = "notification_id, originator_id, originator_version, topic, state"


async def read_events(conn: Connection, after: int, limit: int) -> list[StoredEvent]:
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM {LOG_TABLE} WHERE notification_id > $1 "
        "ORDER BY notification_id LIMIT $2",
        after,
        limit,
    )
    await preload_keys(record[4] for record in records)
    return [decode(*record) for record in records]


async def events_of(conn: Connection, originator_id: UUID, up_to: int) -> list[StoredEvent]:
    records = await conn.fetch(
        f"SELECT {_COLUMNS} FROM {LOG_TABLE} WHERE originator_id = $1 "
        "AND notification_id <= $2 ORDER BY originator_version",
        originator_id,
        up_to,
    )
    await preload_keys(record[4] for record in records)
    return [decode(*record) for record in records]


async def head_position(conn: Connection) -> int:
    head = await conn.fetchval(f"SELECT max(notification_id) FROM {LOG_TABLE}")
    return int(head or 0)
