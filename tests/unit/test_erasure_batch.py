"""An erasure in a batch reads the rows of the person's records it has not read yet in one
statement a read model, however many records the person has, and scrubs each of them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID, uuid4

from osezia.domain.personal import Subject
from osezia.projections import trainings
from osezia.projections.codec import StoredEvent
from osezia.projections.connections import Connection
from osezia.projections.engine import apply_events
from osezia.projections.erasure import erased_value
from osezia.tenants.visibility import PLATFORM_VIEWER

WHEN = datetime(2026, 3, 1, tzinfo=UTC)
TABLE = trainings.MODEL.table.name


class RecordingConnection:
    """The few calls apply_events makes, over rows in memory: the SELECTs are counted."""

    def __init__(self, rows: dict[UUID, dict[str, Any]]) -> None:
        self.rows = rows
        self.selects: list[list[UUID]] = []
        self.written: list[tuple[Any, ...]] = []

    async def fetchval(self, query: str, *args: object) -> int:
        return 0  # the tracking position

    async def fetch(self, query: str, ids: list[UUID]) -> list[dict[str, Any]]:
        assert TABLE in query
        self.selects.append(ids)
        return [dict(self.rows[i]) for i in ids if i in self.rows]

    async def execute(self, query: str, *args: Any) -> None:
        if TABLE in query:
            self.written.append(args)


def erasure(records: list[UUID]) -> StoredEvent:
    event = StoredEvent(9, uuid4(), 1, "osezia.domain.privacy.model:Erasure.Recorded", b"")
    event._data = {
        "subject": Subject.LEARNER.value,
        "subject_id": "ab12",
        "records": records,
        "timestamp": WHEN,
    }
    return event


def test_a_learners_erasure_reads_their_rows_in_one_select_and_scrubs_each() -> None:
    held = [uuid4() for _ in range(40)]
    columns = trainings.MODEL.table.column_names
    conn = RecordingConnection(
        {i: {**dict.fromkeys(columns), "id": i, "learner_ref": "LRN-7"} for i in held}
    )
    event = erasure([*held, uuid4()])  # one record this schema does not hold

    asyncio.run(apply_events(cast(Connection, conn), "s", PLATFORM_VIEWER, [event]))

    assert len(conn.selects) == 1
    assert set(conn.selects[0]) == set(event.data["records"])
    (upsert,) = conn.written
    ids, refs = upsert[columns.index("id")], upsert[columns.index("learner_ref")]
    assert sorted(ids) == sorted(held)
    assert set(refs) == {erased_value(event)}
