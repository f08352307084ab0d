"""Alembic for one read-model schema (a tenant's, or the platform's).

Each data schema keeps its own alembic_version table, so `osezia migrate` upgrades every schema
that exists and a schema created later (a new tenant, a rebuild) is migrated to head on creation.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from osezia.projections.names import service_role
from osezia.store.settings import Database

url = context.config.attributes["database_url"]
schema = context.config.attributes["schema"]
engine = create_engine(Database.from_url(url).sqlalchemy_url(), poolclass=pool.NullPool)

with engine.connect() as connection:
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    connection.execute(text(f'SET search_path TO "{schema}"'))
    connection.commit()
    context.configure(
        connection=connection,
        version_table_schema=schema,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    # Metrics read each version's position with the service role (migrate creates it).
    service = service_role(Database.from_url(url).dbname)
    if connection.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": service}
    ).first():
        connection.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{service}"'))
        connection.execute(text(f'GRANT SELECT ON "{schema}".tracking TO "{service}"'))
        connection.commit()
engine.dispose()
