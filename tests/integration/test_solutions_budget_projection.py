"""The catalogue, adoptions and budget read models on PostgreSQL: who sees which rows, the figure
views every network reads, and incremental upkeep equal to a rebuild."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.access import as_tenant
from osezia.projections.connections import create_pool
from osezia.projections.solutions_rows import matching_solutions
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.conftest import truncate_history
from tests.integration.projection_support import build_all, catch_up_all, snapshot, viewers_of

ON = date(2026, 3, 2)


@pytest.fixture
def world(database_url: str) -> Iterator[tuple[str, Platform, Tenants]]:
    truncate_history(database_url)
    env = Database.from_url(database_url).eventsourcing_env(pool_size=4)
    platform = Platform(env, networks=NETWORKS)
    tenants = Tenants(env=env, share_with=platform.companies)
    tenants.seed_defaults()
    cci = DEFAULT_TENANTS["cci"][1]
    regional = Profile(commands=cci.commands, sees_all=cci.sees_all, region="53")
    tenants.register_tenant("cci-bretagne", name="CCI Bretagne", profile=regional)
    yield database_url, platform, tenants
    platform.close()


def a_company(platform: Platform, tenant: str, siren: str, region: str, dep: str) -> UUID:
    return platform.companies.register_company(
        tenant,
        siren=siren,
        legal_name=f"Société {siren}",
        region=region,
        departement=dep,
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )


def a_catalogue(platform: Platform) -> dict[str, UUID]:
    c = platform.solutions
    fr = c.list_provider("bpifrance", siren="732829320", name="Français", sovereignty="FR")
    eu = c.list_provider("cci", siren="542107651", name="Européen", sovereignty="EU")
    other = c.list_provider("cci", siren="356000000", name="Ailleurs", sovereignty="OTHER")

    def solution(provider: UUID, name: str, *categories: str) -> UUID:
        return c.list_solution(
            "cci", provider_id=provider, name=name, description="d", categories=list(categories)
        )

    return {
        "fr_support": solution(fr, "Zeta support", "CUSTOMER_SERVICE"),
        "eu_support": solution(eu, "Alpha support", "CUSTOMER_SERVICE", "HR"),
        "other_support": solution(other, "Aardvark support", "CUSTOMER_SERVICE"),
        "fr_forecast": solution(fr, "Prévisions", "FORECASTING"),
        "fr_forecast_b": solution(fr, "Autres prévisions", "FORECASTING"),
        "withdrawn": solution(fr, "Ancien support", "CUSTOMER_SERVICE"),
    }


def a_budget(platform: Platform) -> None:
    b = platform.budget
    b.open_budget(
        "operator", total_cents=10_000, allocations={"DIAGNOSTICS": 3_000, "CALLS": 5_000}
    )
    b.commit_funds("bpifrance", measure="DIAGNOSTICS", amount_cents=2_000, reference="C1", on=ON)
    b.commit_funds("bpifrance", measure="CALLS", amount_cents=1_500, reference="C2", on=ON)
    b.pay_funds("bpifrance", measure="DIAGNOSTICS", reference="C1", amount_cents=700, on=ON)
    b.pay_funds("bpifrance", measure="DIAGNOSTICS", reference="C1", amount_cents=300, on=ON)
    b.authorise_overrun(
        "operator", measure="CALLS", amount_cents=400, decision_reference="Arrêté 1", on=ON
    )


def rows(database_url: str, tenant: str, query: str, *args: object) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        pool = await create_pool(database_url, max_size=1)
        try:
            async with as_tenant(pool, tenant) as conn:
                return [dict(r) for r in await conn.fetch(query, *args)]
        finally:
            await pool.close()

    return asyncio.run(read())


def test_the_catalogue_and_the_budget_are_public_and_adoptions_stay_with_their_network(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    ids = a_catalogue(platform)
    platform.solutions.withdraw_solution("cci", ids["withdrawn"], reason="arrêtée")
    company = a_company(platform, "cci", "552100554", "11", "75")
    platform.solutions.record_adoption(
        "cci", company_id=company, solution_id=ids["fr_support"], on=ON
    )
    a_budget(platform)

    asyncio.run(build_all(database_url, viewers_of(tenants)))

    for tenant in ("cci", "french-tech", "inria", "cci-bretagne"):
        schema = "tenant_" + tenant.replace("-", "_")
        assert len(rows(database_url, tenant, f"SELECT id FROM {schema}.providers")) == 3
        assert len(rows(database_url, tenant, f"SELECT id FROM {schema}.solutions")) == 6
        assert len(rows(database_url, tenant, f"SELECT id FROM {schema}.budget")) == 1
    assert len(rows(database_url, "cci", "SELECT * FROM tenant_cci.adoptions")) == 1
    assert rows(database_url, "french-tech", "SELECT * FROM tenant_french_tech.adoptions") == []
    assert len(rows(database_url, "operator", "SELECT * FROM tenant_operator.adoptions")) == 1
    withdrawn = rows(
        database_url, "cci", "SELECT * FROM tenant_cci.solutions WHERE id = $1", ids["withdrawn"]
    )[0]
    assert (withdrawn["status"], withdrawn["withdrawn_reason"]) == ("WITHDRAWN", "arrêtée")
    assert withdrawn["withdrawn_at"] is not None
    adoption = rows(database_url, "cci", "SELECT * FROM tenant_cci.adoptions")[0]
    assert (adoption["company_siren"], adoption["region"], adoption["sovereignty"]) == (
        "552100554",
        "11",
        "FR",
    )
    assert (adoption["adopted_on"], adoption["categories"]) == (ON, ["CUSTOMER_SERVICE"])
    stage = rows(
        database_url,
        "cci",
        "SELECT adoption_stage FROM tenant_cci.companies WHERE id = $1",
        company,
    )
    assert stage == [{"adoption_stage": "ADOPTED"}]


def test_the_budget_row_keeps_every_movement_and_the_figures_sum_them(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    a_budget(platform)

    asyncio.run(build_all(database_url, viewers_of(tenants)))

    budget = rows(database_url, "inria", "SELECT * FROM tenant_inria.budget")[0]
    assert budget["total_cents"] == 10_000
    assert budget["allocations"]["CALLS"] == 5_000
    assert budget["overruns"]["CALLS"] == 400
    assert (budget["committed_cents"], budget["paid_cents"]) == (3_500, 1_000)
    assert [
        (m["kind"], m["measure"], m["reference"], m["amount_cents"]) for m in budget["movements"]
    ] == [
        ("COMMITMENT", "DIAGNOSTICS", "C1", 2_000),
        ("COMMITMENT", "CALLS", "C2", 1_500),
        ("PAYMENT", "DIAGNOSTICS", "C1", 700),
        ("PAYMENT", "DIAGNOSTICS", "C1", 300),
        ("OVERRUN", "CALLS", "Arrêté 1", 400),
    ]
    assert budget["movements"][0]["on"] == "2026-03-02"
    figures = rows(
        database_url,
        "cci-bretagne",
        "SELECT * FROM tenant_cci_bretagne.figures_budget ORDER BY measure",
    )
    by_measure = {f["measure"]: (f["allocated_cents"], f["overrun_cents"]) for f in figures}
    assert by_measure["CALLS"] == (5_000, 400)
    assert by_measure["DIAGNOSTICS"] == (3_000, 0)
    assert by_measure["ACADEMIE"] == (None, 0)  # no published allocation
    movements = rows(
        database_url,
        "cci-bretagne",
        "SELECT measure, kind, amount_cents FROM tenant_cci_bretagne.figures_budget_movements "
        "ORDER BY measure, kind",
    )
    assert movements == [
        {"measure": "CALLS", "kind": "COMMITMENT", "amount_cents": 1_500},
        {"measure": "CALLS", "kind": "OVERRUN", "amount_cents": 400},
        {"measure": "DIAGNOSTICS", "kind": "COMMITMENT", "amount_cents": 2_000},
        {"measure": "DIAGNOSTICS", "kind": "PAYMENT", "amount_cents": 1_000},
    ]
    days = rows(
        database_url,
        "cci",
        "SELECT DISTINCT day, (now() AT TIME ZONE 'Europe/Paris')::date AS today "
        "FROM tenant_cci.figures_budget_movements",
    )
    assert [d["day"] for d in days] == [days[0]["today"]]  # the day recorded, not the day dated


def test_adoption_figures_count_every_network_and_a_regional_network_sees_its_region(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    ids = a_catalogue(platform)
    paris = a_company(platform, "cci", "552100554", "11", "75")
    rennes = a_company(platform, "bpifrance", "572015246", "53", "35")
    brest = a_company(platform, "french-tech", "775665011", "53", "29")
    c = platform.solutions
    c.record_adoption("cci", company_id=paris, solution_id=ids["fr_support"], on=ON)
    c.record_adoption("cci", company_id=paris, solution_id=ids["eu_support"], on=ON)
    c.record_adoption("bpifrance", company_id=rennes, solution_id=ids["other_support"], on=ON)
    c.record_adoption("french-tech", company_id=brest, solution_id=ids["fr_forecast"], on=ON)

    asyncio.run(build_all(database_url, viewers_of(tenants)))

    national = rows(
        database_url,
        "cci",
        "SELECT region, sovereignty, sum(adoptions)::int AS n FROM tenant_cci.figures_adoptions "
        "GROUP BY region, sovereignty ORDER BY region, sovereignty",
    )
    assert national == [
        {"region": "11", "sovereignty": "EU", "n": 1},
        {"region": "11", "sovereignty": "FR", "n": 1},
        {"region": "53", "sovereignty": "FR", "n": 1},
        {"region": "53", "sovereignty": "OTHER", "n": 1},
    ]
    regional = rows(
        database_url,
        "cci-bretagne",
        "SELECT DISTINCT region FROM tenant_cci_bretagne.figures_adoptions",
    )
    assert regional == [{"region": "53"}]
    columns = rows(
        database_url,
        "cci",
        "SELECT segment, adopted_day, adoptions FROM tenant_cci.figures_adoptions LIMIT 1",
    )
    assert set(columns[0]) == {"segment", "adopted_day", "adoptions"}


def test_a_diagnostics_use_cases_find_active_solutions_by_rank_then_sovereignty_then_name(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    ids = a_catalogue(platform)
    platform.solutions.withdraw_solution("cci", ids["withdrawn"], reason="arrêtée")
    company = a_company(platform, "cci", "552100554", "11", "75")
    d = platform.diagnostics
    diagnostic = d.request_diagnostic("cci", company_id=company)
    d.check_eligibility("bpifrance", diagnostic)
    d.assign_expert("bpifrance", diagnostic, expert="Cabinet")
    d.deliver_inventory("bpifrance", diagnostic)
    d.identify_use_cases(
        "bpifrance",
        diagnostic,
        use_cases=[
            UseCase("CUSTOMER_SERVICE", "Répondre aux clients"),
            UseCase("FORECASTING", "Prévoir les ventes"),
            UseCase("LOGISTICS", "Tournées"),
        ],
    )
    d.prioritise_use_cases(
        "bpifrance",
        diagnostic,
        scores=[
            UseCaseScore("CUSTOMER_SERVICE", 2, 2),
            UseCaseScore("FORECASTING", 5, 4),
            UseCaseScore("LOGISTICS", 1, 1),
        ],
    )

    asyncio.run(build_all(database_url, viewers_of(tenants)))

    async def match(tenant: str) -> list[tuple[str, int | None, str]] | None:
        pool = await create_pool(database_url, max_size=1)
        try:
            async with as_tenant(pool, tenant) as conn:
                found = await matching_solutions(conn, tenant, diagnostic)
        finally:
            await pool.close()
        if found is None:
            return None
        return [(m.use_case_code, m.use_case_rank, m.solution.name) for m in found]

    assert asyncio.run(match("cci")) == [
        ("FORECASTING", 1, "Autres prévisions"),
        ("FORECASTING", 1, "Prévisions"),
        ("CUSTOMER_SERVICE", 2, "Zeta support"),
        ("CUSTOMER_SERVICE", 2, "Alpha support"),
        ("CUSTOMER_SERVICE", 2, "Aardvark support"),
    ]
    assert asyncio.run(match("french-tech")) is None  # not its diagnostic to see


def test_read_models_kept_up_incrementally_equal_a_rebuild(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, platform, tenants = world
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))
    ids = a_catalogue(platform)
    asyncio.run(catch_up_all(database_url, viewers, batch_size=2))
    company = a_company(platform, "cci", "552100554", "11", "75")
    platform.solutions.record_adoption(
        "cci", company_id=company, solution_id=ids["fr_support"], on=ON
    )
    platform.solutions.withdraw_solution("cci", ids["withdrawn"], reason="arrêtée")
    a_budget(platform)
    asyncio.run(catch_up_all(database_url, viewers, batch_size=3))
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}

    asyncio.run(build_all(database_url, viewers))

    for viewer in viewers:
        assert asyncio.run(snapshot(database_url, viewer.slug)) == incremental[viewer.slug]
