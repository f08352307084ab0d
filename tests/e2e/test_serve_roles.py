"""`osezia serve` logs in as the roles `osezia migrate` made for its database: tenants' reads
as the reader, commands as the writer, readiness and metrics as the service role."""

from __future__ import annotations

import httpx
import psycopg

from osezia.projections.names import reader_role, service_role, writer_role
from osezia.store.settings import Database


def test_the_server_logs_in_as_the_reader_the_writer_and_the_service_role(
    server: str, database_url: str
) -> None:
    assert httpx.get(f"{server}/readyz").status_code == 200
    assert httpx.get(f"{server}/metrics").status_code == 200
    database = Database.from_url(database_url).dbname

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchall()

    users = {user for (user,) in rows}
    assert {reader_role(database), writer_role(database), service_role(database)} <= users
