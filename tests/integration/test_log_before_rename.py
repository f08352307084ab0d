"""A log written before the rename of issue 11 (meetups, academie and catalogue became events,
trainings and solutions) rebuilds into the read models it gave then, row for row."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg

from osezia.store.bulk import append_events
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from tests.conftest import truncate_history
from tests.integration.old_logs.rows import TABLES, VIEWERS, comparable
from tests.integration.projection_support import build_all, snapshot, viewers_of

BEFORE = json.loads(Path(__file__).with_name("old_logs").joinpath("before_rename.json").read_text())
OLD_MODULES = ("osezia.domain.meetups.", "osezia.domain.academie.", "osezia.domain.catalogue.")


def stored_rows() -> list[tuple[UUID, int, str, bytes]]:
    return [(UUID(i), v, topic, base64.b64decode(state)) for i, v, topic, state in BEFORE["events"]]


def test_the_old_log_names_the_old_modules_of_every_moved_class() -> None:
    topics = {topic for _, _, topic, _ in stored_rows()}
    for old in OLD_MODULES:
        assert any(t.startswith(old) for t in topics), old


def test_a_log_written_before_the_rename_rebuilds_into_the_same_rows(database_url: str) -> None:
    truncate_history(database_url)
    with psycopg.connect(database_url, autocommit=True) as conn:
        appended = append_events(conn, stored_rows())
    assert appended.written == len(BEFORE["events"])
    env = Database.from_url(database_url).eventsourcing_env(pool_size=2)
    tenants = Tenants(env=env)
    try:
        viewers = viewers_of(tenants)
        asyncio.run(build_all(database_url, viewers))
    finally:
        tenants.close()
    rows: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for target in VIEWERS:
        tables = asyncio.run(snapshot(database_url, target))
        rows[target] = {table: comparable(tables[table]) for table in TABLES}
    assert rows == BEFORE["rows"]
    assert any(rows[target]["events"] for target in VIEWERS)
