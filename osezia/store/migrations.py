"""Running alembic's migrations from code: the global tables and the data schemas, their
revisions (start-up checks, tests). The login roles and the views that complete a migration
are the read side's: osezia.projections.migrations.

alembic and sqlalchemy (30 MB) are imported by the functions that use them: an API process
imports this module but migrates only when its projector builds a new version."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from osezia.store.settings import Database

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

_PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def _config(database_url: str, environment: str | None = None, **attributes: str) -> Config:
    """alembic's configuration for the global tables, or for another of its environments
    (``alembic/<environment>``: read_models, keys)."""
    from alembic.config import Config

    ini = os.environ.get("OSEZIA_ALEMBIC_INI") or str(_PROJECT_ROOT / "alembic.ini")
    config = Config(ini)
    if environment is not None:
        location = Path(ini).resolve().parent / "alembic" / environment
        config.set_main_option("script_location", str(location))
    config.attributes["database_url"] = database_url
    config.attributes.update(attributes)
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """The global tables up to `revision` (alembic's upgrade)."""
    from alembic import command

    command.upgrade(_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(database_url)).get_current_head()


def known_revisions(database_url: str) -> frozenset[str]:
    """Every revision of the global tables this release ships: a database at one of them
    other than head still has migrations to run; at one outside them, a later release
    migrated it."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config(database_url))
    return frozenset(revision.revision for revision in script.walk_revisions())


def current_revision(database_url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def downgrade(database_url: str, revision: str) -> None:
    from alembic import command

    command.downgrade(_config(database_url), revision)


def _read_model_config(database_url: str, schema: str) -> Config:
    return _config(database_url, "read_models", schema=schema)


def migrate_read_model_schema(database_url: str, schema: str, revision: str = "head") -> None:
    """Create (if need be) and upgrade one tenant's or the platform's data schema."""
    from alembic import command

    command.upgrade(_read_model_config(database_url, schema), revision)


def read_model_head(database_url: str, schema: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_read_model_config(database_url, schema)).get_current_head()


def migrate_keys(keys_url: str, revision: str = "head") -> None:
    """The key store's tables up to ``revision`` (alembic's upgrade of ``alembic/keys``), in its
    own database (osezia.store.keys_setup)."""
    from alembic import command

    command.upgrade(_config(keys_url, "keys"), revision)


def data_schemas_in_use(database_url: str) -> list[str]:
    """The data schemas of the read model versions live or being built, in order."""
    engine = _engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql(
                "SELECT data_schema FROM read_model_versions "
                "WHERE status IN ('LIVE', 'BUILDING') ORDER BY data_schema"
            ).fetchall()
    finally:
        engine.dispose()
    return [row[0] for row in rows]


def _engine(database_url: str) -> Engine:
    from sqlalchemy import create_engine, pool

    return create_engine(Database.from_url(database_url).sqlalchemy_url(), poolclass=pool.NullPool)
