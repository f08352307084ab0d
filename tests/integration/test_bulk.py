"""The bulk append path: what it writes reads back as saved, once, in order, and wakes readers."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import psycopg

from osezia.domain.platform import Platform
from osezia.domain.trainings.model import Enrolment
from osezia.projections.connections import connect
from osezia.store.bulk import Appended, BulkAppender, append_aggregates, connection_of, stamped
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, catch_up_all, viewers_of

SEPTEMBER = datetime(2025, 9, 1, 8, 30, tzinfo=UTC)


def an_enrolment(n: int, *, completed: bool = True) -> Enrolment:
    enrolment = Enrolment(
        tenant="operator",
        learner_ref=f"LRN-{n:06d}",
        training_code="IA-101",
        training_title="L'IA pour les PME",
        audience="EMPLOYEE",
        region="53",
        company_id=None,
        company_siren=None,
        on=date(2025, 9, 1),
    )
    if completed:
        enrolment.complete(date(2025, 9, 20), today=date(2025, 12, 31))
    return enrolment


def state_of(aggregate: object) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k not in {"_created_on", "_modified_on"}}


def test_an_aggregate_written_in_bulk_reads_back_as_one_saved_normally(
    platform: Platform,
) -> None:
    app = platform.trainings
    saved, bulk = an_enrolment(1), an_enrolment(2)
    expected_bulk_state = state_of(bulk)
    app.save(saved)

    outcome = append_aggregates(app, [bulk], [SEPTEMBER, SEPTEMBER + timedelta(days=19)])

    assert outcome == Appended(written=2, skipped=0)
    read_saved: Enrolment = app.repository.get(saved.id)
    read_bulk: Enrolment = app.repository.get(bulk.id)
    assert state_of(read_bulk) == expected_bulk_state
    assert {k: v for k, v in state_of(read_bulk).items() if k not in {"_id", "learner_ref"}} == {
        k: v for k, v in state_of(read_saved).items() if k not in {"_id", "learner_ref"}
    }
    assert read_bulk.created_on == SEPTEMBER
    assert read_bulk.modified_on == SEPTEMBER + timedelta(days=19)


def test_appending_the_same_events_again_writes_nothing(platform: Platform) -> None:
    app = platform.trainings
    events = stamped(app, [an_enrolment(n) for n in range(10)], [SEPTEMBER] * 20)
    with connection_of(app) as conn:
        appender = BulkAppender(conn)
        first = appender.append(events, batch_size=7)
        again = appender.append(events, batch_size=7)
        partly = appender.append(
            stamped(app, [an_enrolment(n) for n in range(8, 12)], [SEPTEMBER] * 8)
        )

    assert first == Appended(written=20, skipped=0)
    assert again == Appended(written=0, skipped=20)
    assert partly == Appended(written=4, skipped=4)
    assert app.recorder.max_notification_id() is not None
    assert len(app.recorder.select_notifications(1, 100)) == 24


def test_notification_ids_follow_the_order_events_were_given_in(
    platform: Platform, database_url: str
) -> None:
    app = platform.trainings
    enrolments = [an_enrolment(n, completed=False) for n in (5, 3, 9, 1, 7)]
    events = stamped(app, enrolments, [SEPTEMBER] * 5)
    with connection_of(app) as conn:
        BulkAppender(conn).append(events, batch_size=2)

    logged = [n.originator_id for n in app.recorder.select_notifications(1, 10)]
    assert logged == [e.id for e in enrolments]


def test_a_bulk_append_notifies_the_channel_the_projectors_listen_to(
    platform: Platform, database_url: str
) -> None:
    app = platform.trainings
    with psycopg.connect(database_url, autocommit=True) as listener:
        listener.execute(f"LISTEN {app.recorder.channel_name}")  # type: ignore[attr-defined]
        append_aggregates(app, [an_enrolment(1)], [SEPTEMBER, SEPTEMBER])
        received = next(listener.notifies(timeout=10, stop_after=1))

    assert received.channel == "osezia_events"


def test_a_bulk_append_waits_for_the_recorders_table_lock(
    platform: Platform, database_url: str
) -> None:
    app = platform.trainings
    events = stamped(app, [an_enrolment(1)], [SEPTEMBER, SEPTEMBER])
    outcome: list[Appended] = []
    with psycopg.connect(database_url) as holder:
        holder.execute("LOCK TABLE osezia_events IN EXCLUSIVE MODE")
        with connection_of(app) as conn:
            pid = conn.info.backend_pid
            writer = threading.Thread(
                target=lambda: outcome.append(BulkAppender(conn).append(events))
            )
            writer.start()
            with psycopg.connect(database_url, autocommit=True) as watcher:
                while not watcher.execute(
                    "SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted", (pid,)
                ).fetchone():
                    assert writer.is_alive()
            assert not outcome
            holder.commit()
            writer.join()

    assert outcome == [Appended(written=2, skipped=0)]


def test_projections_see_what_was_appended_in_bulk(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))
    append_aggregates(
        platform.trainings, [an_enrolment(1)], [SEPTEMBER, SEPTEMBER + timedelta(days=19)]
    )

    asyncio.run(catch_up_all(database_url, viewers))

    async def read() -> list[dict[str, Any]]:
        conn = await connect(database_url)
        try:
            rows = await conn.fetch("SELECT * FROM tenant_operator.trainings")
            return [dict(r) for r in rows]
        finally:
            await conn.close()

    (row,) = asyncio.run(read())
    assert row["status"] == "COMPLETED"
    assert row["enrolled_at"] == SEPTEMBER
    assert row["completed_at"] == SEPTEMBER + timedelta(days=19)
    assert row["completed_on"] == date(2025, 9, 20)
