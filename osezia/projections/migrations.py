"""`osezia migrate` and the start-up migration: the global tables and the login roles, then
every data schema in use, then the live views of this release (the alembic runner itself is
osezia.store.migrations)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

from osezia.projections.connections import connect
from osezia.projections.roles import ensure_login_roles
from osezia.projections.targets import refresh_live_views
from osezia.store.migrations import data_schemas_in_use, migrate_read_model_schema, upgrade


def migrate(
    database_url: str, revision: str = "head", logins: Mapping[str, str | None] | None = None
) -> None:
    """The global tables up to `revision`; at head, the login roles too (osezia.projections.roles:
    `logins` maps reader, writer or service to a configured DATABASE_<KIND>_URL)."""
    upgrade(database_url, revision)
    if revision == "head":
        ensure_login_roles(database_url, logins)


def migrate_everything(
    database_url: str, logins: Mapping[str, str | None] | None = None
) -> list[str]:
    """The global tables and roles, then every data schema in use; returns the data schemas
    upgraded."""
    migrate(database_url, logins=logins)
    schemas = data_schemas_in_use(database_url)
    for schema in schemas:
        migrate_read_model_schema(database_url, schema)
    asyncio.run(_refresh_views(database_url))
    return schemas


async def _refresh_views(database_url: str) -> None:
    """Live versions serve the views of this release: new tables, columns and figures."""
    conn = await connect(database_url)
    try:
        await refresh_live_views(conn)
    finally:
        await conn.close()
