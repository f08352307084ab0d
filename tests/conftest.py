"""Fixtures shared by every layer of tests: one migrated PostgreSQL database per test session."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from osezia.domain.actors import Actor, acting_for_process
from osezia.projections.migrations import migrate
from osezia.store.keys import Keyring, PostgresKeys, using_keyring
from osezia.store.keys_setup import create_database, derived_keys_url
from osezia.store.migrations import migrate_keys
from tests.services import fresh_database, postgres_admin_url, redis_url


@pytest.fixture(scope="session", autouse=True)
def test_actor() -> Iterator[Actor]:
    """Commands that tests call directly, in any thread, record this actor (the API and the
    `osezia` command set their own, which the processes of e2e tests prove)."""
    with acting_for_process(Actor("tests", "operator", "system")) as actor:
        yield actor


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[str]:
    with postgres_admin_url() as url:
        yield url


@pytest.fixture(scope="session")
def database_url(postgres_admin: str) -> Iterator[str]:
    """A database of this session's own, migrated to head through alembic, and its key store
    beside it (``<name>_keys``, where `osezia` finds it in development), which the tests'
    process uses too."""
    with fresh_database(postgres_admin) as url:
        migrate(url)
        keys_url = derived_keys_url(url)
        create_database(keys_url)
        migrate_keys(keys_url)
        store = PostgresKeys(keys_url)
        try:
            with using_keyring(Keyring(store)):
                yield url
        finally:
            store.close()


@pytest.fixture(scope="session")
def redis() -> Iterator[str]:
    with redis_url() as url:
        yield url


def truncate_history(database_url: str) -> None:
    """Empty the event log and drop every read model, so a test starts from nothing.

    The log refuses TRUNCATE (it only grows): as a superuser, in replica mode, its trigger
    does not fire."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        schemas = conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'tenant\\_%' "
            "OR nspname = 'platform' OR nspname LIKE 'platform\\_v%'"
        ).fetchall()
        for (schema,) in schemas:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        tables = conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
        ).fetchall()
        if tables:
            conn.execute("TRUNCATE " + ", ".join(t for (t,) in tables) + " RESTART IDENTITY")
    forget_erasures(database_url)


def forget_erasures(database_url: str) -> None:
    """An empty history has erased nobody: the key store beside the test database forgets the
    people erased (its tombstones), so that a later test may record a person of the same SIREN
    or reference. Their keys stay: processes of the test run may hold them in their caches."""
    try:
        with psycopg.connect(derived_keys_url(database_url), autocommit=True) as keys:
            keys.execute("TRUNCATE erased_people")
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        pass  # no key store beside this database, or not migrated yet: nobody to forget
