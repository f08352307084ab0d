"""The GraphQL schema and the migrations on main are contracts: neither moves silently."""

from __future__ import annotations

from tests.contracts import SCHEMA_FILE, locked_migrations, migration_files, served_schema


def test_the_served_graphql_schema_is_the_one_committed_in_schema_graphql() -> None:
    committed = SCHEMA_FILE.read_text(encoding="utf-8")

    assert served_schema() == committed, (
        "the GraphQL schema the API serves differs from schema.graphql: run `make schema` and "
        "review the diff (partners code against that file) before committing both"
    )


def test_no_migration_already_on_main_has_changed() -> None:
    current, locked = migration_files(), locked_migrations()

    changed = sorted(p for p, digest in locked.items() if current.get(p, "missing") != digest)

    assert not changed, (
        f"migrations already on main were edited, renamed or removed: {', '.join(changed)}. "
        "A migration on main has run on databases that will never run it again: restore it "
        "as it was (alembic/migrations.lock holds its SHA-256) and make the change in a new "
        "migration that follows it"
    )


def test_every_migration_is_recorded_in_the_lock() -> None:
    unlocked = sorted(set(migration_files()) - set(locked_migrations()))

    assert not unlocked, (
        f"migrations not recorded in alembic/migrations.lock: {', '.join(unlocked)}. Run "
        "`make migrations-lock` once the migration is final, and commit the lock with it"
    )
