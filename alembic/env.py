"""Alembic runs every migration of osezia's tables against DATABASE_URL (or the embedded server)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from osezia.store.embedded import resolve_database_url
from osezia.store.settings import Database, load_settings

settings = load_settings()
url = context.config.attributes.get("database_url") or resolve_database_url(
    settings.database_url, production=settings.is_production
)
engine = create_engine(Database.from_url(url).sqlalchemy_url(), poolclass=pool.NullPool)

with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
