"""An erasure outlives rebuilds and restores: once a person's keys are destroyed, rebuilding the
read models from the log, even a log restored from a backup taken before the erasure, shows
« effacé » in their fields, and every other column (every figure) as before."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

import psycopg

from osezia.domain.personal import ERASED, Subject
from osezia.domain.platform import Platform
from osezia.domain.shredding import erase_subject, learner_subject_id
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, snapshot, viewers_of

DAY = date(2025, 10, 6)


def history(platform: Platform) -> tuple[UUID, UUID, UUID]:
    ambassadors = platform.ambassadors
    erased = ambassadors.appoint_ambassador(
        "cci", full_name="Camille Effacée", kind="GRAND_PUBLIC", network="CCI", appointed_on=DAY
    )
    kept = ambassadors.appoint_ambassador(
        "cci", full_name="Dominique Gardé", kind="GRAND_PUBLIC", network="CCI", appointed_on=DAY
    )
    ambassadors.record_intervention("cci", erased, on=DAY, audience=40, format="WEBINAR")
    enrolment = platform.trainings.enrol_learner(
        "cci",
        learner_ref="LRN-4242",
        training_code="IA-101",
        training_title="L'IA pour les PME",
        audience="EMPLOYEE",
        region="53",
        on=DAY,
    )
    platform.trainings.complete_training("cci", enrolment, on=DAY)
    return erased, kept, enrolment


def rows_by_id(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    return {row["id"]: row for row in rows}


def log_rows(database_url: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url) as conn:
        return conn.execute(
            "SELECT originator_id, originator_version, topic, state FROM osezia_events "
            "ORDER BY notification_id"
        ).fetchall()


def restore_log(database_url: str, backup: list[tuple[Any, ...]]) -> None:
    """The log as the backup holds it (the log refuses deletes: replica mode, as a superuser)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute("TRUNCATE osezia_events RESTART IDENTITY")
        with conn.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO osezia_events (originator_id, originator_version, topic, state) "
                "VALUES (%s, %s, %s, %s)",
                backup,
            )


def test_a_rebuild_after_an_erasure_and_after_restoring_the_log_reads_effacé(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    erased, kept, enrolment = history(platform)
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))
    before = asyncio.run(snapshot(database_url, "cci"))
    assert rows_by_id(before["ambassadors"])[erased]["full_name"] == "Camille Effacée"
    backup = log_rows(database_url)  # a backup of the event database, taken before the erasure

    assert erase_subject(Subject.AMBASSADOR, str(erased)) == 1
    assert erase_subject(Subject.LEARNER, learner_subject_id("cci", "LRN-4242")) == 1
    asyncio.run(build_all(database_url, viewers))
    after = asyncio.run(snapshot(database_url, "cci"))

    ambassadors = rows_by_id(after["ambassadors"])
    assert ambassadors[erased]["full_name"] == ERASED
    assert ambassadors[kept]["full_name"] == "Dominique Gardé"
    assert rows_by_id(after["trainings"])[enrolment]["learner_ref"] == ERASED
    # Every other column of every row, and so every figure, is as it was.
    personal = {"full_name", "learner_ref"}
    for table, rows in before.items():
        assert [{k: v for k, v in r.items() if k not in personal} for r in after[table]] == [
            {k: v for k, v in r.items() if k not in personal} for r in rows
        ], table

    restore_log(database_url, backup)
    assert log_rows(database_url) == backup
    asyncio.run(build_all(database_url, viewers))
    restored = asyncio.run(snapshot(database_url, "cci"))
    assert rows_by_id(restored["ambassadors"])[erased]["full_name"] == ERASED
    assert rows_by_id(restored["trainings"])[enrolment]["learner_ref"] == ERASED
    assert restored == after
