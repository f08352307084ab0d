"""A read-model schema upgraded by an earlier text of a migration reaches head all the same.

r0007 was rewritten under the same id: its first text gave diagnostics a status history, its
second gave companies their spans too. A schema the first one upgraded is recorded at r0007;
r0008 gives it what it lacks, and `osezia migrate` serves its views again.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from alembic import command
from alembic.config import Config
from psycopg.rows import dict_row

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.migrations import read_model_head
from osezia.tenants.application import Tenants
from tests.e2e.conftest import OSEZIA, command_env
from tests.integration.projection_support import build_all, viewers_of
from tests.integration.test_figures_as_of_api import state_at_end_of
from tests.integration.test_progress import (
    DAY1,
    DAY2,
    Clock,
    a_company,
    clock,  # noqa: F401  (a fixture)
    world,  # noqa: F401  (a fixture)
)

ROOT = Path(__file__).parents[2]
READ_MODELS = ROOT / "alembic" / "read_models"
FIRST_R0007 = Path(__file__).parent / "old_migrations" / "r0007_diagnostic_status_history.py.txt"


def upgrade_with_the_first_r0007(database_url: str, schema: str, scripts: Path) -> None:
    """Take a head schema back to r0006 and upgrade it with r0007 as it was first written."""
    scripts.mkdir()
    shutil.copy(READ_MODELS / "env.py", scripts / "env.py")
    shutil.copy(READ_MODELS / "script.py.mako", scripts / "script.py.mako")
    (scripts / "versions").mkdir()
    for n in range(1, 7):
        (migration,) = (READ_MODELS / "versions").glob(f"r000{n}_*.py")
        shutil.copy(migration, scripts / "versions" / migration.name)
    shutil.copy(FIRST_R0007, scripts / "versions" / "r0007_diagnostic_status_history.py")
    config = Config()
    config.set_main_option("script_location", str(scripts))
    config.attributes.update(database_url=database_url, schema=schema)
    command.downgrade(_current(database_url, schema), "r0008")  # what came after the repair
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"UPDATE \"{schema}\".alembic_version SET version_num = 'r0007'")
    command.downgrade(_current(database_url, schema), "r0006")
    command.upgrade(config, "r0007")


def _current(database_url: str, schema: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(READ_MODELS))
    config.attributes.update(database_url=database_url, schema=schema)
    return config


def live_schemas(database_url: str) -> list[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT data_schema FROM read_model_versions WHERE status = 'LIVE' ORDER BY 1"
        ).fetchall()
    return [schema for (schema,) in rows]


def spans(database_url: str, schema: str) -> dict[Any, list[dict[str, Any]]]:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        rows = conn.execute(f'SELECT id, spans FROM "{schema}".companies').fetchall()
    return {r["id"]: r["spans"] for r in rows}


def columns(database_url: str, schema: str, table: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = %s AND table_name = %s",
            (schema, table),
        ).fetchall()
    return {name for (name,) in rows}


def test_a_schema_upgraded_by_the_first_r0007_migrates_to_head_with_its_companies_spans(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
    tmp_path: Path,
) -> None:
    database_url, platform, tenants = world
    apps = platform.companies
    clock.on(DAY1, hour=8)
    steady = a_company(platform, "cci", uta=3)
    busy = a_company(platform, "cci", uta=3)
    clock.on(DAY1, hour=20)
    apps.advance_adoption("cci", busy, stage="AWARE", on=DAY1)
    clock.on(DAY2, hour=9)
    apps.reassess_size("cci", busy, size=SizeFacts(headcount_uta=Decimal(80)))
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    schemas = live_schemas(database_url)
    projected = {schema: spans(database_url, schema) for schema in schemas}
    with psycopg.connect(database_url, autocommit=True) as conn:
        # The views of the release that ran the first r0007 did not read spans.
        for (stable,) in conn.execute(
            "SELECT DISTINCT nspname FROM pg_namespace WHERE nspname IN "
            "(SELECT regexp_replace(data_schema, '_v[0-9]+$', '') FROM read_model_versions)"
        ).fetchall():
            conn.execute(f'DROP SCHEMA "{stable}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{stable}"')
    for n, schema in enumerate(schemas):
        upgrade_with_the_first_r0007(database_url, schema, tmp_path / f"scripts{n}")
        assert "spans" not in columns(database_url, schema, "companies")
        assert "status_history" in columns(database_url, schema, "diagnostics")

    run = subprocess.run(
        [*OSEZIA, "migrate"],
        env=command_env(DATABASE_URL=database_url),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert run.returncode == 0, run.stderr
    days = [DAY1 + timedelta(days=n) for n in range(-1, 3)]
    for schema in schemas:
        worked_out = spans(database_url, schema)
        assert set(worked_out) == set(projected[schema])
        for company, kept in projected[schema].items():
            assert [state_at_end_of(worked_out[company], d) for d in days] == [
                state_at_end_of(kept, d) for d in days
            ]
        with psycopg.connect(database_url) as conn:
            version = conn.execute(f'SELECT version_num FROM "{schema}".alembic_version').fetchone()
        assert version == (read_model_head(database_url, schema),)
    assert [state_at_end_of(projected["platform_v1"][busy], d) for d in days] == [
        None,
        ("TPE", "AWARE"),
        ("PME_ETI", "AWARE"),
        ("PME_ETI", "AWARE"),
    ]
    assert state_at_end_of(projected["platform_v1"][steady], DAY2) == ("TPE", "NONE")
    with psycopg.connect(database_url) as conn:
        served = conn.execute("SELECT count(*) FROM tenant_cci.figures_companies_history")
        assert served.fetchone() == (3,)
