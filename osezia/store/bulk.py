"""Appending many stored events at once, with binary COPY, keeping the recorder's guarantees.

Each batch is one transaction that takes the same ``LOCK TABLE … IN EXCLUSIVE MODE`` that
eventsourcing's PostgreSQL recorder takes before inserting, so notification ids become visible
in commit order and a reader following the log never passes over a gap that a slower
transaction fills later; and that sends the same ``NOTIFY`` on the same channel, so projectors
wake up. Under the lock nobody else appends: the batch looks up which of its events are already
stored, and COPYs the others straight into the log, in the order given.

An event already stored (same originator id and version) is skipped, not overwritten: running
the same bulk append twice writes nothing the second time, and the counts say so. The lock is
held for the look-up and the COPY (a fraction of a second for 50,000 events): commands that
append meanwhile wait for it, as they wait for each other.
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import islice
from typing import Any, cast
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from psycopg import sql
from psycopg.rows import tuple_row

EVENTS_TABLE = "osezia_events"
BATCH_SIZE = 50_000

_SIGNATURE = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, no flags, no header extension
_TRAILER = b"\xff\xff"
# A row's fields up to the topic's bytes: field count, then (length, value) for the id, the
# version and the topic's length; the topic and the state follow.
_pack_head = struct.Struct("!hi16siqi").pack
_pack_length = struct.Struct("!i").pack
_CHUNK = 1 << 20

# Many ids travel as one bytea of 16 bytes each, unpacked by PostgreSQL: psycopg would dump an
# array of UUIDs element by element in Python, which costs more than the look-up itself.
_IDS = sql.SQL(
    "ARRAY(SELECT encode(substr(p.ids, 16 * i + 1, 16), 'hex')::uuid "
    "FROM (SELECT %b::bytea AS ids) AS p, generate_series(0, length(p.ids) / 16 - 1) AS i)"
)


def _packed(ids: Iterable[UUID]) -> bytes:
    return b"".join(i.bytes for i in ids)


# A stored event as a plain tuple (originator id, version, topic, state), as the import builds it.
Row = tuple[UUID, int, str, bytes]
# The same with the originator id as its 16 bytes: what the import makes, no UUID object needed.
KeyedRow = tuple[bytes, int, str, bytes]
# The connection the bulk path writes over (its callers need not import psycopg).
Connection = psycopg.Connection[Any]


@dataclass(frozen=True)
class Appended:
    """What a bulk append did: events written, and events skipped as already stored."""

    written: int = 0
    skipped: int = 0

    def __add__(self, other: Appended) -> Appended:
        return Appended(self.written + other.written, self.skipped + other.skipped)


def stamped(
    app: Application[UUID], aggregates: Iterable[Aggregate], at: Sequence[datetime]
) -> list[StoredEvent]:
    """The aggregates' pending events as stored events, recorded at the given times in order.

    The events are collected (the aggregates have none pending afterwards) and each takes the
    next time of ``at``; the demo dates its history this way.
    """
    events = [e for aggregate in aggregates for e in aggregate.collect_events()]
    if len(events) != len(at):
        raise ValueError(f"{len(events)} pending events but {len(at)} timestamps")
    return [
        app.mapper.to_stored_event(replace(e, timestamp=t))  # type: ignore[type-var]
        for e, t in zip(events, at, strict=True)
    ]


@contextmanager
def connection_of(app: Application[UUID]) -> Iterator[psycopg.Connection[Any]]:
    """A connection from the application's own PostgreSQL pool."""
    with app.recorder.datastore.get_connection() as conn:  # type: ignore[attr-defined]
        yield conn


class LockedLog:
    """The log inside a bulk transaction, locked for appending: what it holds, and COPY into it."""

    def __init__(self, cursor: psycopg.Cursor[tuple[Any, ...]], table: str) -> None:
        self.cursor = cursor
        self.table = sql.Identifier(*table.split("."))

    def stored_keys(self, keys: Collection[bytes]) -> list[tuple[bytes, int, bytes]]:
        """The events already stored for these originators (their ids as 16 bytes): (id,
        version, state), in order."""
        query = sql.SQL(
            "SELECT uuid_send(originator_id), originator_version, state FROM {} "
            "WHERE originator_id = ANY({}) ORDER BY originator_id, originator_version"
        ).format(self.table, _IDS)
        return self.cursor.execute(query, (b"".join(keys),)).fetchall()

    def versions(self, ids: Collection[UUID]) -> set[tuple[UUID, int]]:
        query = sql.SQL(
            "SELECT originator_id, originator_version FROM {} WHERE originator_id = ANY({})"
        ).format(self.table, _IDS)
        return set(self.cursor.execute(query, (_packed(ids),)).fetchall())

    def copy(self, rows: Iterable[Row | KeyedRow]) -> int:
        """COPY events that are not stored yet (originator ids as UUIDs or their 16 bytes);
        their notification ids follow their order."""
        query = sql.SQL(
            "COPY {} (originator_id, originator_version, topic, state) FROM STDIN (FORMAT BINARY)"
        ).format(self.table)
        count = 0
        with self.cursor.copy(query) as copy:
            # PostgreSQL's binary COPY format, written here rather than field by field through
            # psycopg's dumpers: the four fields of an event are a fixed layout.
            data = bytearray(_SIGNATURE)
            topics: dict[str, bytes] = {}
            for originator_id, version, topic, state in rows:
                name = topics.get(topic)
                if name is None:
                    name = topics[topic] = topic.encode()
                key = originator_id.bytes if isinstance(originator_id, UUID) else originator_id
                data += _pack_head(4, 16, key, 8, version, len(name))
                data += name
                data += _pack_length(len(state))
                data += state
                count += 1
                if len(data) > _CHUNK:
                    copy.write(data)
                    data = bytearray()
            data += _TRAILER
            copy.write(data)
        return count


class BulkAppender:
    """Appends stored events to the log, one transaction per batch, over one connection."""

    def __init__(self, conn: psycopg.Connection[Any], table: str = EVENTS_TABLE) -> None:
        # Each batch is its own transaction: inside a caller's transaction, nothing would be
        # committed (nor would the lock be released) until the caller commits.
        if not conn.autocommit:
            raise ValueError("the bulk appender needs a connection in autocommit mode")
        self.conn = conn
        self.table = table
        # The channel eventsourcing's recorder notifies: the table's name, dots replaced.
        self.channel = table.replace(".", "_")

    @contextmanager
    def locked(self) -> Iterator[LockedLog]:
        """One transaction holding the recorder's lock, that notifies the log's readers."""
        # Plain tuples, whatever rows the connection's pool is set to give (the library's: dicts).
        with self.conn.transaction(), self.conn.cursor(row_factory=tuple_row) as cursor:
            table = sql.Identifier(*self.table.split("."))
            cursor.execute(sql.SQL("LOCK TABLE {} IN EXCLUSIVE MODE").format(table))
            cursor.execute(sql.SQL("NOTIFY {}").format(sql.Identifier(self.channel)))
            yield LockedLog(cursor, self.table)

    def append(self, events: Iterable[StoredEvent | Row], batch_size: int = BATCH_SIZE) -> Appended:
        """Append every event, in the given order, in transactions of ``batch_size`` events."""
        total = Appended()
        rows = iter(events)
        while batch := list(islice(rows, batch_size)):
            total += self.append_batch(batch)
        return total

    def append_batch(self, events: Sequence[StoredEvent | Row]) -> Appended:
        """Append the events in one transaction; their notification ids follow their order."""
        rows = _first_of_each(events)
        if not rows:
            return Appended()
        with self.locked() as log:
            present = log.versions({row[0] for row in rows})
            written = log.copy(row for row in rows if (row[0], row[1]) not in present)
        return Appended(written=written, skipped=len(events) - written)


def _first_of_each(events: Sequence[StoredEvent | Row]) -> list[Row]:
    """The events as rows, each (originator id, version) kept once: the first given."""
    rows: list[Row] = []
    seen: set[tuple[UUID, int]] = set()
    for e in events:
        row: Row = (
            (cast(UUID, e.originator_id), e.originator_version, e.topic, e.state)
            if isinstance(e, StoredEvent)
            else e
        )
        key = (row[0], row[1])
        if key not in seen:
            seen.add(key)
            rows.append(row)
    return rows


def append_events(
    conn: psycopg.Connection[Any],
    events: Iterable[StoredEvent | Row],
    *,
    table: str = EVENTS_TABLE,
    batch_size: int = BATCH_SIZE,
) -> Appended:
    """Append stored events to the log through ``conn``; see ``BulkAppender``."""
    return BulkAppender(conn, table).append(events, batch_size)


def append_aggregates(
    app: Application[UUID],
    aggregates: Iterable[Aggregate],
    at: Sequence[datetime],
    *,
    batch_size: int = BATCH_SIZE,
) -> Appended:
    """Write the aggregates' pending events, recorded at ``at``, through the app's own pool."""
    events = stamped(app, aggregates, at)
    table = app.recorder.events_table_name  # type: ignore[attr-defined]
    with connection_of(app) as conn:
        return append_events(conn, events, table=table, batch_size=batch_size)
