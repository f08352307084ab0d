"""Running alembic's migrations from code: `osezia migrate`, start-up checks and tests."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from osezia.config import Database

_PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _config(database_url: str) -> Config:
    ini = os.environ.get("OSEZIA_ALEMBIC_INI") or str(_PROJECT_ROOT / "alembic.ini")
    config = Config(ini)
    config.attributes["database_url"] = database_url
    return config


def migrate(database_url: str, revision: str = "head") -> None:
    command.upgrade(_config(database_url), revision)


def head_revision(database_url: str) -> str | None:
    return ScriptDirectory.from_config(_config(database_url)).get_current_head()


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
