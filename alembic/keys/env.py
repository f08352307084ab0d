"""Alembic for the key store: the personal data keys' own database (OSEZIA_KEYS_URL), apart from
the event log's, so that a backup of the log holds no key (osezia.store.keys)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from osezia.store.settings import Database

url = context.config.attributes["database_url"]
engine = create_engine(Database.from_url(url).sqlalchemy_url(), poolclass=pool.NullPool)

with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
