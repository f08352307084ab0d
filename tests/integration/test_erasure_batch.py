"""An erasure in a batch reads the rows of the person's records it has not read yet in one
statement a read model, however many records the person has, and scrubs each of them: on a
data schema migrated as any target's, through a real connection whose statements are counted
on their way to PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any, cast
from uuid import UUID, uuid4

import asyncpg
import psycopg
import pytest

from osezia.domain.personal import Subject
from osezia.projections import trainings
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection, connect
from osezia.projections.engine import apply_events
from osezia.projections.erasure import erased_value
from osezia.store.migrations import migrate_read_model_schema
from osezia.tenants.visibility import PLATFORM_VIEWER

WHEN = datetime(2026, 3, 1, tzinfo=UTC)
SCHEMA = "tenant_erasure_batch_v1"
TABLE = trainings.MODEL.table


class CountedConnection:
    """A real connection, and the statements sent through it that name one table."""

    def __init__(self, conn: asyncpg.Connection, table: str) -> None:
        self.conn, self.named = conn, f'"{SCHEMA}".{table} '
        self.statements: list[tuple[str, tuple[Any, ...]]] = []

    def _count(self, query: str, args: tuple[Any, ...]) -> None:
        if self.named in query:
            self.statements.append((query.split(None, 1)[0], args))  # SELECT, INSERT…

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        self._count(query, args)
        return await self.conn.fetch(query, *args)

    async def fetchval(self, query: str, *args: Any) -> Any:
        self._count(query, args)
        return await self.conn.fetchval(query, *args)

    async def execute(self, query: str, *args: Any) -> str:
        self._count(query, args)
        return await self.conn.execute(query, *args)


def enrolment(record_id: UUID) -> dict[str, Any]:
    """A learner's training row, as the trainings read model keeps it."""
    return {
        "id": record_id,
        "owner": "cci",
        "learner_ref": "LRN-7",
        "audience": "EMPLOYEE",
        "region": "53",
        "company_id": None,
        "training_code": "T1",
        "training_title": "IA",
        "status": "ENROLLED",
        "enrolled_on": date(2026, 1, 5),
        "enrolled_at": WHEN,
        "completed_on": None,
        "completed_at": None,
        "updated_at": WHEN,
        "position": 1,
    }


def erasure(records: list[UUID]) -> StoredEvent:
    event = StoredEvent(9, uuid4(), 1, "osezia.domain.privacy.model:Erasure.Recorded", b"")
    event._data = {
        "subject": Subject.LEARNER.value,
        "subject_id": "ab12",
        "records": records,
        "timestamp": WHEN,
    }
    return event


@pytest.fixture
def data_schema(database_url: str) -> Iterator[str]:
    """A data schema migrated as any target's, its tracking position at 0; dropped after."""
    migrate_read_model_schema(database_url, SCHEMA)
    yield SCHEMA
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{SCHEMA}" CASCADE')


def test_a_learners_erasure_reads_their_rows_in_one_select_and_scrubs_each(
    database_url: str, data_schema: str
) -> None:
    held = [uuid4() for _ in range(40)]
    event = erasure([*held, uuid4()])  # one record this schema does not hold

    async def run() -> tuple[list[tuple[str, tuple[Any, ...]]], dict[UUID, str], int]:
        conn = await connect(database_url)
        try:
            await TABLE.write(conn, SCHEMA, [enrolment(i) for i in held], [])
            counted = CountedConnection(conn, TABLE.name)
            async with conn.transaction():
                await apply_events(cast(Connection, counted), SCHEMA, PLATFORM_VIEWER, [event])
            rows = await conn.fetch(f'SELECT id, learner_ref FROM "{SCHEMA}".{TABLE.name}')
            position = await conn.fetchval(f'SELECT position FROM "{SCHEMA}".tracking')
        finally:
            await conn.close()
        return counted.statements, {r["id"]: r["learner_ref"] for r in rows}, position

    statements, refs, position = asyncio.run(run())

    # One read of all 41 records (the one it does not hold included), one write of the 40.
    assert [verb for verb, _ in statements] == ["SELECT", "INSERT"]
    (read,) = statements[0][1]
    assert set(read) == set(event.data["records"])
    assert refs == dict.fromkeys(held, erased_value(event))
    assert position == event.position
