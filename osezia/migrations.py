"""Running alembic's migrations from code: `osezia migrate`, start-up checks and tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from osezia.store.settings import Database

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _config(database_url: str) -> Config:
    ini = os.environ.get("OSEZIA_ALEMBIC_INI") or str(_PROJECT_ROOT / "alembic.ini")
    config = Config(ini)
    config.attributes["database_url"] = database_url
    return config


def migrate(
    database_url: str, revision: str = "head", logins: Mapping[str, str | None] | None = None
) -> None:
    """The global tables up to `revision`; at head, the login roles too (osezia.projections.roles:
    `logins` maps reader, writer or service to a configured DATABASE_<KIND>_URL)."""
    command.upgrade(_config(database_url), revision)
    if revision == "head":
        from osezia.projections.roles import ensure_login_roles

        ensure_login_roles(database_url, logins)


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(_config(database_url)).get_current_head()


def known_revisions(database_url: str) -> frozenset[str]:
    """Every revision of the global tables this release ships: a database at one of them
    other than head still has migrations to run; at one outside them, a later release
    migrated it."""
    script = ScriptDirectory.from_config(_config(database_url))
    return frozenset(revision.revision for revision in script.walk_revisions())


def current_revision(database_url: str) -> str | None:
    engine = create_engine(
        Database.from_url(database_url).sqlalchemy_url(), poolclass=pool.NullPool
    )
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(_config(database_url), revision)


def _read_model_config(database_url: str, schema: str) -> Config:
    ini = os.environ.get("OSEZIA_ALEMBIC_INI") or str(_PROJECT_ROOT / "alembic.ini")
    config = Config(ini)
    config.set_main_option(
        "script_location", str(Path(ini).resolve().parent / "alembic" / "read_models")
    )
    config.attributes["database_url"] = database_url
    config.attributes["schema"] = schema
    return config


def migrate_read_model_schema(database_url: str, schema: str, revision: str = "head") -> None:
    """Create (if need be) and upgrade one tenant's or the platform's data schema."""
    command.upgrade(_read_model_config(database_url, schema), revision)


def read_model_head(database_url: str, schema: str) -> str | None:
    return ScriptDirectory.from_config(_read_model_config(database_url, schema)).get_current_head()


def migrate_everything(
    database_url: str, logins: Mapping[str, str | None] | None = None
) -> list[str]:
    """The global tables and roles, then every data schema in use; returns the data schemas
    upgraded."""
    migrate(database_url, logins=logins)
    engine = create_engine(
        Database.from_url(database_url).sqlalchemy_url(), poolclass=pool.NullPool
    )
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT data_schema FROM read_model_versions "
                "WHERE status IN ('LIVE', 'BUILDING') ORDER BY data_schema"
            ).fetchall()
    finally:
        engine.dispose()
    schemas = [row[0] for row in rows]
    for schema in schemas:
        migrate_read_model_schema(database_url, schema)
    asyncio.run(_refresh_views(database_url))
    return schemas


async def _refresh_views(database_url: str) -> None:
    """Live versions serve the views of this release: new tables, columns and figures."""
    from osezia.projections.connections import connect
    from osezia.projections.targets import refresh_live_views

    conn = await connect(database_url)
    try:
        await refresh_live_views(conn)
    finally:
        await conn.close()
