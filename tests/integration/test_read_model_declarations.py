"""A read model's table is declared in its projection (`Table(...)`, osezia/projections) and
created by alembic's read-model migrations: a fresh data schema, migrated to head, holds every
declared table with the same columns (in any order) of the same PostgreSQL types."""

from __future__ import annotations

from collections.abc import Iterator
from typing import cast

import psycopg
import pytest

from osezia.projections.registry import READ_MODELS
from osezia.projections.table import Table
from osezia.store.migrations import migrate_read_model_schema
from tests.services import fresh_database

SCHEMA = "tenant_cci_v1"

# Tables of a data schema that are no read model's: alembic's revision and the projector's
# own bookkeeping.
NOT_READ_MODELS = {"alembic_version", "tracking"}

Columns = dict[str, str]  # column -> its type, as format_type names it


@pytest.fixture(scope="module")
def migrated(postgres_admin: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    with fresh_database(postgres_admin) as url:
        migrate_read_model_schema(url, SCHEMA)
        with psycopg.connect(url) as conn:
            yield conn


def migrated_tables(conn: psycopg.Connection[tuple[object, ...]]) -> dict[str, Columns]:
    rows = conn.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
        "AND NOT a.attisdropped",
        (SCHEMA,),
    ).fetchall()
    tables: dict[str, Columns] = {}
    for table, column, kind in rows:
        tables.setdefault(str(table), {})[str(column)] = str(kind)
    return tables


def declared(conn: psycopg.Connection[tuple[object, ...]], table: Table) -> Columns:
    """The declared columns, each type named as PostgreSQL names it (int is integer...)."""
    named: Columns = {}
    for column, kind in table.columns:
        row = conn.execute("SELECT format_type(%s::regtype, NULL)", (kind,)).fetchone()
        assert row is not None
        named[column] = str(row[0])
    return named


def differences(declared: Columns, migrated: Columns) -> list[str]:
    """What differs between a declaration and a migrated table, one line each."""
    found = [f"{c} {k}: declared, not migrated" for c, k in declared.items() if c not in migrated]
    found += [f"{c} {k}: migrated, not declared" for c, k in migrated.items() if c not in declared]
    found += [
        f"{c}: declared {k}, migrated {migrated[c]}"
        for c, k in declared.items()
        if c in migrated and migrated[c] != k
    ]
    return sorted(found)


def test_every_read_model_has_the_columns_it_declares_with_their_types(
    migrated: psycopg.Connection[tuple[object, ...]],
) -> None:
    tables = migrated_tables(migrated)
    mismatches = {
        model.table.name: differences(
            declared(migrated, model.table), tables.get(model.table.name, {})
        )
        for model in READ_MODELS
    }
    assert {name: lines for name, lines in mismatches.items() if lines} == {}


def test_every_migrated_table_is_a_declared_read_model(
    migrated: psycopg.Connection[tuple[object, ...]],
) -> None:
    names = {model.table.name for model in READ_MODELS}
    assert set(migrated_tables(migrated)) - NOT_READ_MODELS == names


def test_every_read_model_is_keyed_by_its_id(
    migrated: psycopg.Connection[tuple[object, ...]],
) -> None:
    """Table.write upserts ON CONFLICT (id): each table's primary key is its id alone."""
    rows = migrated.execute(
        "SELECT c.relname, array_agg(a.attname::text ORDER BY a.attname) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey) "
        "WHERE n.nspname = %s AND i.indisprimary GROUP BY c.relname",
        (SCHEMA,),
    ).fetchall()
    keys = {str(table): cast(list[str], columns) for table, columns in rows}
    assert {m.table.name: keys.get(m.table.name) for m in READ_MODELS} == {
        m.table.name: ["id"] for m in READ_MODELS
    }
    assert all(m.table.columns[0] == ("id", "uuid") for m in READ_MODELS)


def test_a_column_of_another_type_or_missing_is_found() -> None:
    assert differences({"id": "uuid", "name": "text"}, {"id": "uuid", "name": "integer"}) == [
        "name: declared text, migrated integer"
    ]
    assert differences({"id": "uuid", "gone": "date"}, {"id": "uuid", "extra": "jsonb"}) == [
        "extra jsonb: migrated, not declared",
        "gone date: declared, not migrated",
    ]
