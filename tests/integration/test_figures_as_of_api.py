"""`companyFigures` and `diagnosticFigures` as of a day: the counts as they stood at its end."""

from __future__ import annotations

import asyncio
import importlib.util
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
from psycopg.rows import dict_row

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.asof import today
from osezia.tenants.application import Tenants
from tests.integration.process_support import versions
from tests.integration.projection_support import build_all, viewers_of
from tests.integration.test_progress import (
    DAY1,
    DAY2,
    DAY3,
    REGIONAL,
    Clock,
    a_company,
    adopt,
    clock,  # noqa: F401  (a fixture)
    run_to_report,
    world,  # noqa: F401  (a fixture)
)
from tests.integration.test_progress_api import ask_as_of

UPGRADES = Path(__file__).parents[2] / "alembic" / "read_models" / "versions"


def upgrade_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, UPGRADES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIGURES = """
query ($asOf: Date) {
  companyFigures(asOf: $asOf) { region segment adoptionStage companies }
  diagnosticFigures(asOf: $asOf) { region status diagnostics cofinancingCents }
}
"""


def ask(
    database_url: str, platform: Platform, tenants: Tenants, tenant: str, as_of: date | None
) -> Any:
    return ask_as_of(database_url, platform, tenants, tenant, FIGURES, as_of)


def figures(
    database_url: str, platform: Platform, tenants: Tenants, tenant: str, as_of: date | None
) -> tuple[dict[tuple[str, str | None, str], int], dict[tuple[str, str], tuple[int, int]]]:
    result = ask(database_url, platform, tenants, tenant, as_of)
    assert result.errors is None, result.errors
    companies = {
        (c["region"], c["segment"], c["adoptionStage"]): c["companies"]
        for c in result.data["companyFigures"]
    }
    diagnostics = {
        (d["region"], d["status"]): (d["diagnostics"], d["cofinancingCents"])
        for d in result.data["diagnosticFigures"]
    }
    return companies, diagnostics


def test_counts_as_of_each_day_follow_the_changes_recorded_by_its_end(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    small = a_company(platform, "cci", uta=3)
    medium = a_company(platform, "bpifrance", uta=80, region="11", departement="75")
    diagnostic = platform.diagnostics.request_diagnostic("bpifrance", company_id=medium)
    clock.on(DAY2)
    adopt(platform, "cci", small, on=DAY2)
    run_to_report(platform, diagnostic)
    clock.on(DAY3)
    platform.diagnostics.pay_cofinancing("bpifrance", diagnostic, price_cents=1_000_000)
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    by_day = {
        day: figures(database_url, platform, tenants, "cci", day) for day in (DAY1, DAY2, DAY3)
    }

    assert by_day[DAY1] == (
        {("53", "TPE", "NONE"): 1, ("11", "PME_ETI", "NONE"): 1},
        {("11", "REQUESTED"): (1, 0)},
    )
    assert by_day[DAY2] == (
        {("53", "TPE", "ADOPTED"): 1, ("11", "PME_ETI", "NONE"): 1},
        {("11", "REPORT_DELIVERED"): (1, 0)},
    )
    assert by_day[DAY3] == (
        {("53", "TPE", "ADOPTED"): 1, ("11", "PME_ETI", "NONE"): 1},
        {("11", "COFINANCING_PAID"): (1, 400_000)},
    )
    # Before anything was recorded: nothing; today: what the counts without a day say.
    assert figures(database_url, platform, tenants, "cci", DAY1 - timedelta(days=1)) == ({}, {})
    assert figures(database_url, platform, tenants, "cci", today()) == figures(
        database_url, platform, tenants, "cci", None
    )
    # A regional network counts within its region, as of a day too.
    assert figures(database_url, platform, tenants, REGIONAL, DAY3) == (
        {("53", "TPE", "ADOPTED"): 1},
        {},
    )


def test_counts_as_of_a_day_still_to_come_are_refused(
    world: tuple[str, Platform, Tenants],  # noqa: F811
) -> None:
    database_url, platform, tenants = world

    result = ask(database_url, platform, tenants, "cci", today() + timedelta(days=1))

    assert result.errors is not None
    assert {e.extensions["code"] for e in result.errors} == {"INVALID_DATE"}
    assert "do not exist yet" in result.errors[0].message


def state_at_end_of(spans: list[dict[str, Any]], day: date) -> tuple[str | None, str] | None:
    """The (segment, stage) a company's spans give for the end of ``day``, None before it."""
    held = [
        (s["segment"], s["stage"])
        for s in spans
        if s["from_day"] <= day.isoformat()
        and (s["until_day"] is None or s["until_day"] > day.isoformat())
    ]
    assert len(held) <= 1, spans
    return held[0] if held else None


def test_the_upgrade_works_out_the_same_spans_as_the_projection_from_the_kept_histories(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    """r0007 gives a schema upgraded in place the spans its companies' histories imply."""
    database_url, platform, tenants = world
    apps = platform.companies
    clock.on(DAY1, hour=8)
    steady = a_company(platform, "cci", uta=3)
    busy = a_company(platform, "cci", uta=3)
    clock.on(DAY1, hour=20)  # 21:00 in Paris: still DAY1
    apps.advance_adoption("cci", busy, stage="AWARE", on=DAY1)
    clock.on(DAY1, hour=23, minute=30)  # 00:30 in Paris: DAY2 already
    apps.reassess_size("cci", busy, size=SizeFacts(headcount_uta=Decimal(80)))
    clock.on(DAY2, hour=9)
    apps.advance_adoption("cci", busy, stage="TRAINED", on=DAY2)
    apps.reassess_size("cci", busy, size=SizeFacts(headcount_uta=Decimal(4)))
    clock.on(DAY3 + timedelta(days=2))
    apps.reassess_size("cci", steady, size=SizeFacts(headcount_uta=Decimal(5)))
    adopt(platform, "cci", busy, on=DAY3)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    (schema,) = (
        v["data_schema"] for v in versions(database_url, "platform") if v["status"] == "LIVE"
    )
    spans_sql = upgrade_module("r0007_as_of_spans").SPANS

    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        read = f'SELECT id, spans FROM "{schema}".companies ORDER BY id'
        projected = {r["id"]: r["spans"] for r in conn.execute(read)}
        conn.execute(f'SET LOCAL search_path TO "{schema}"')
        conn.execute(f"UPDATE \"{schema}\".companies SET spans = '[]'::jsonb")
        conn.execute(spans_sql)
        worked_out = {r["id"]: r["spans"] for r in conn.execute(read)}
        conn.rollback()

    days = [DAY1 + timedelta(days=n) for n in range(-1, 7)]
    for company in (steady, busy):
        assert [state_at_end_of(worked_out[company], d) for d in days] == [
            state_at_end_of(projected[company], d) for d in days
        ]
    assert [state_at_end_of(projected[busy], d) for d in days[:5]] == [
        None,
        ("TPE", "AWARE"),
        ("TPE", "TRAINED"),
        ("TPE", "TRAINED"),
        ("TPE", "TRAINED"),
    ]
    assert state_at_end_of(projected[busy], days[-1]) == ("TPE", "ADOPTED")
