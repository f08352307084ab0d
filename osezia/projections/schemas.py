"""Stable schemas, roles and views: what a tenant's connection may read.

Each tenant has a stable schema `tenant_<slug>` of views, and a role
(`osezia_<tag>_tenant_<slug>`, names.py) that may use that schema and nothing else; the API's
reader role is a member of it. The views select from the data schema of the live
version (`tenant_<slug>_v<N>`); a rebuild swaps them with CREATE OR REPLACE VIEW in one
transaction, which waits for running queries and invalidates prepared plans, so no query sees
a half-built model. API connections take the tenant's role inside each transaction:
PostgreSQL itself refuses any name outside the tenant's schema.
"""

from __future__ import annotations

from osezia.domain.targets import PLAN_TARGETS
from osezia.projections.connections import Connection
from osezia.projections.names import data_schema, reader_role, stable_schema, tenant_role
from osezia.projections.partnerships import SME
from osezia.projections.registry import FIGURE_VIEWS, READ_MODELS
from osezia.tenants.profiles import Profile
from osezia.tenants.visibility import PLATFORM

PARTNERSHIP_TARGET = PLAN_TARGETS.partnerships_per_year  # INRIA's, unverified: configuration


async def create_stable_schema(conn: Connection, target: str) -> None:
    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{stable_schema(target)}"')
    if target != PLATFORM:
        await _ensure_tenant_role(conn, target)


async def _ensure_tenant_role(conn: Connection, target: str) -> str:
    """The target's role, created if need be (a schema made by an earlier release had a role
    named without its database), with its schema's USAGE; returns its name."""
    database: str = await conn.fetchval("SELECT current_database()")
    role = tenant_role(target, database)
    exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
    if not exists:
        await conn.execute(f'CREATE ROLE "{role}" NOLOGIN')
    # Let the connecting user take the role (harmless when it is a superuser), and the API's
    # reader, which `osezia migrate` created.
    await conn.execute(f'GRANT "{role}" TO CURRENT_USER, "{reader_role(database)}"')
    await conn.execute(f'GRANT USAGE ON SCHEMA "{stable_schema(target)}" TO "{role}"')
    return role


# Below PostgreSQL's deadlock_timeout (1 s by default), so that in a lock cycle between a swap
# and a reader, the swap gives up first and the reader never sees an error.
VIEW_LOCK_TIMEOUT = "200ms"


async def lock_views(conn: Connection, target: str) -> list[str]:
    """Take every view of the stable schema (their qualified names are returned), or raise
    asyncpg.LockNotAvailableError.

    CREATE OR REPLACE VIEW alone would lock the views one by one: a reader's transaction that
    holds one view and then asks for another the swap already holds would deadlock, and
    PostgreSQL would abort one of the two. Call inside the swap's transaction, before
    point_views; on LockNotAvailableError, roll back (which releases every view) and retry.
    """
    views = await conn.fetch(
        "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relkind = 'v' ORDER BY c.relname",
        stable_schema(target),
    )
    names = [name for (name,) in views]
    if not names:
        return names  # the first version: nothing serves yet
    await conn.execute(f"SET LOCAL lock_timeout = '{VIEW_LOCK_TIMEOUT}'")
    await conn.execute(f"LOCK TABLE {', '.join(names)} IN ACCESS EXCLUSIVE MODE")
    await conn.execute("SET LOCAL lock_timeout TO DEFAULT")
    return names


def _figure_views(profile: Profile | None) -> dict[str, str]:
    """Aggregated figures over the whole platform (they identify no company)."""
    region = profile.region if profile else None
    where = f"WHERE region = '{region}'" if region else ""
    views = {
        "figures_companies": (
            "SELECT region, segment, adoption_stage, count(*)::bigint AS companies "
            f"FROM {PLATFORM}.companies {where} GROUP BY region, segment, adoption_stage"
        ),
        "figures_diagnostics": (
            "SELECT region, status, count(*)::bigint AS diagnostics, "
            "coalesce(sum(cofinancing_cents), 0)::bigint AS cofinancing_cents "
            f"FROM {PLATFORM}.diagnostics {where} GROUP BY region, status"
        ),
    }
    views.update(_history_views(where))
    for more in FIGURE_VIEWS:
        views.update(more(region))
    return views


def _day(timestamp: str) -> str:
    # The day in France a change was recorded: figures as of day D count up to its end.
    return f"(({timestamp}) AT TIME ZONE 'Europe/Paris')::date"


def _history_views(where: str) -> dict[str, str]:
    """The same counts as figures_companies and figures_diagnostics, for every span of days
    over which they held: as of day D, the rows with from_day <= D and (until_day IS NULL or
    until_day > D). A state that did not outlast the day it began in is left out."""
    return {
        "figures_companies_history": (
            "SELECT region, s->>'segment' AS segment, s->>'stage' AS adoption_stage, "
            "(s->>'from_day')::date AS from_day, (s->>'until_day')::date AS until_day, "
            "count(*)::bigint AS companies "
            f"FROM {PLATFORM}.companies CROSS JOIN LATERAL jsonb_array_elements(spans) AS s "
            f"{where} GROUP BY 1, 2, 3, 4, 5"
        ),
        "figures_diagnostics_history": (
            "SELECT region, status, from_day, until_day, count(*)::bigint AS diagnostics, "
            "sum(cents)::bigint AS cofinancing_cents FROM ("
            f"SELECT region, status, {_day('at')} AS from_day, "
            f"{_day('lead(at) OVER (PARTITION BY id ORDER BY n)')} AS until_day, "
            "CASE WHEN cofinanced_at <= at THEN coalesce(cofinancing_cents, 0) ELSE 0 END "
            "AS cents FROM ("
            "SELECT d.id, d.region, d.cofinanced_at, d.cofinancing_cents, h.n, "
            "h.step->>'status' AS status, (h.step->>'at')::timestamptz AS at "
            f"FROM {PLATFORM}.diagnostics d CROSS JOIN LATERAL "
            f"jsonb_array_elements(d.status_history) WITH ORDINALITY AS h(step, n) {where}"
            ") AS steps) AS spans WHERE until_day IS NULL OR until_day > from_day "
            "GROUP BY 1, 2, 3, 4"
        ),
    }


def _views(target: str, version: int, profile: Profile | None) -> dict[str, str]:
    source = data_schema(target, version)
    views = {m.table.name: f'SELECT * FROM "{source}".{m.table.name}' for m in READ_MODELS}
    views["partnership_years"] = (
        f"SELECT year, count(*) FILTER (WHERE {SME})::bigint AS signed, "
        f"{PARTNERSHIP_TARGET} AS target, "
        f"count(*) FILTER (WHERE NOT coalesce({SME}, false))::bigint AS others "
        f'FROM "{source}".partnerships WHERE year IS NOT NULL GROUP BY year'
    )
    views["tracking"] = f'SELECT position, updated_at FROM "{source}".tracking'
    if target != PLATFORM:
        views.update(_figure_views(profile))
    return views


async def recreate_views(
    conn: Connection, target: str, version: int, profile: Profile | None
) -> None:
    """Drop the stable schema's views and create them again as this code defines them. Call
    inside a transaction; raises asyncpg.LockNotAvailableError like lock_views.

    After an upgrade that adds tables, columns or figure views, the live version serves them
    without a rebuild (a view keeps the columns it was created with; CREATE OR REPLACE may only
    add columns at the end).
    """
    for name in await lock_views(conn, target):
        # The platform's views carry the tenants' figure views: those go too, and the caller
        # recreates them in the same transaction (refresh_live_views does the platform first).
        await conn.execute(f"DROP VIEW IF EXISTS {name} CASCADE")
    await point_views(conn, target, version, profile)


async def point_views(conn: Connection, target: str, version: int, profile: Profile | None) -> None:
    """Make the stable schema serve the given version. Call inside a transaction."""
    schema = stable_schema(target)
    for name, query in _views(target, version, profile).items():
        await conn.execute(f'CREATE OR REPLACE VIEW "{schema}".{name} AS {query}')
    if target != PLATFORM:
        role = await _ensure_tenant_role(conn, target)
        await conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"')
