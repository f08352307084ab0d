"""`osezia migrate` gives live read models the views of the new release, without a rebuild."""

from __future__ import annotations

import asyncio

import psycopg
from psycopg import sql

from osezia.domain.platform import Platform
from osezia.projections.migrations import migrate_everything
from osezia.projections.names import tenant_role
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, viewers_of


def columns(url: str, schema: str, view: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
            (schema, view),
        ).fetchall()
    return [name for (name,) in rows]


def test_migrate_recreates_views_an_older_release_left_behind(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    platform.budget.open_budget("operator")
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    current = columns(database_url, "tenant_cci", "figures_budget")
    with psycopg.connect(database_url, autocommit=True) as conn:
        # As an earlier release left them: a figure view with fewer columns, one view missing.
        conn.execute("DROP VIEW tenant_cci.figures_budget")
        conn.execute(
            "CREATE VIEW tenant_cci.figures_budget AS SELECT 'CALLS'::text AS measure, "
            "0::bigint AS allocated_cents"
        )
        conn.execute("DROP VIEW tenant_inria.figures_trainings")

    migrate_everything(database_url)

    assert columns(database_url, "tenant_cci", "figures_budget") == current
    assert "opened_day" in current
    assert columns(database_url, "tenant_inria", "figures_trainings")
    with psycopg.connect(database_url) as conn:
        # The tenant's role reads the new views, as the API does.
        role = tenant_role("cci", database_url.rsplit("/", 1)[1])
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
        measures = conn.execute("SELECT count(*) FROM tenant_cci.figures_budget").fetchone()
    assert measures is not None
    assert measures[0] == 6
