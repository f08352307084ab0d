"""The `progress` query: its fixed shape, as of a day or today, within what the caller sees."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from osezia.domain.platform import Platform
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.projections.asof import today
from osezia.projections.connections import create_pool
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, viewers_of
from tests.integration.test_progress import (
    DAY1,
    DAY2,
    REGIONAL,
    Clock,
    a_company,
    adopt,
    clock,  # noqa: F401  (a fixture)
    profile_of,
    world,  # noqa: F401  (a fixture)
)

PROGRESS = """
query ($asOf: Date) {
  progress(asOf: $asOf) {
    asOf scope
    targets { code label unit measured numerator denominator target targetYear baseline
              baselineYear baselineSource progressPercent definition population }
    partnershipYears { year count target }
    apprenticeYears { year count target }
    regions { region name companies adopting diagnostics trained ambassadors }
    diagnosticFunnel { requested reportDelivered cofinanced cofinancingCents }
    budget { envelopeCents committedCents paidCents
             measures { measure allocatedCents committedCents paidCents } }
  }
}
"""


def ask(
    database_url: str, platform: Platform, tenants: Tenants, tenant: str, as_of: date | None
) -> Any:
    """Build every read model from the log, then ask for the progress as of `as_of`."""
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    return ask_now(database_url, platform, tenants, tenant, as_of)


def ask_now(
    database_url: str, platform: Platform, tenants: Tenants, tenant: str, as_of: date | None
) -> Any:
    """Ask for the progress on the read models as they stand."""
    return ask_as_of(database_url, platform, tenants, tenant, PROGRESS, as_of)


def ask_as_of(
    database_url: str,
    platform: Platform,
    tenants: Tenants,
    tenant: str,
    document: str,
    as_of: date | None,
) -> Any:
    """Run a query taking `$asOf: Date` as an analyst of the network (its registered profile)."""

    async def run() -> Any:
        pool = await create_pool(database_url, max_size=2)
        try:
            context = Context(
                tenant=tenant,
                platform=platform,
                pool=pool,
                role="analyst",
                scopes=frozenset({"read"}),
                profile=profile_of(tenants, tenant),
            )
            variables = {"asOf": as_of.isoformat() if as_of else None}
            return await schema.execute(document, variable_values=variables, context_value=context)
        finally:
            await pool.close()

    return asyncio.run(run())


def test_progress_as_of_a_day_answers_every_target_with_its_definition(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    company = a_company(platform, "cci", uta=3)
    a_company(platform, "cci", uta=4)
    clock.on(DAY2)
    adopt(platform, "cci", company, on=DAY2)

    result = ask(database_url, platform, tenants, "cci", DAY1)

    assert result.errors is None, result.errors
    answer = result.data["progress"]
    assert (answer["asOf"], answer["scope"]) == ("2026-03-02", "NATIONAL")
    targets = {t["code"]: t for t in answer["targets"]}
    assert set(targets) == {
        "ADOPTION_TPE",
        "ADOPTION_PME_ETI",
        "ADOPTION_GE",
        "AMBASSADORS",
        "PEOPLE_TRAINED",
        "DIAGNOSTICS",
        "ACCELERATION",
        "INRIA_PARTNERSHIPS",
        "BUDGET_COMMITTED",
    }
    tpe = targets["ADOPTION_TPE"]
    assert (tpe["unit"], tpe["measured"], tpe["numerator"], tpe["denominator"]) == (
        "PERCENT",
        0,
        0,
        2,
    )
    assert (tpe["target"], tpe["targetYear"], tpe["baseline"], tpe["baselineYear"]) == (
        50,
        2030,
        8,
        2025,
    )
    assert "Bpifrance" in tpe["baselineSource"]
    assert tpe["definition"]
    assert tpe["population"]
    assert targets["AMBASSADORS"]["numerator"] is None
    assert targets["BUDGET_COMMITTED"]["unit"] == "CENTS"
    assert targets["INRIA_PARTNERSHIPS"]["targetYear"] == 2026
    assert len(answer["regions"]) == 18
    assert answer["budget"]["envelopeCents"] == 20_000_000_000


def test_progress_without_a_day_is_as_of_today_in_france(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    a_company(platform, REGIONAL, uta=3)

    result = ask(database_url, platform, tenants, REGIONAL, None)

    assert result.errors is None, result.errors
    answer = result.data["progress"]
    assert (answer["asOf"], answer["scope"]) == (today().isoformat(), "53")
    assert {t["code"]: t["denominator"] for t in answer["targets"]}["ADOPTION_TPE"] == 1


def test_progress_as_of_a_day_still_to_come_is_refused(
    world: tuple[str, Platform, Tenants],  # noqa: F811
) -> None:
    database_url, platform, tenants = world

    result = ask(database_url, platform, tenants, "cci", today() + timedelta(days=1))

    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "INVALID_DATE"


def test_a_past_day_waits_for_the_read_models_to_hold_the_whole_log(
    world: tuple[str, Platform, Tenants],  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    yesterday = today() - timedelta(days=1)
    assert ask(database_url, platform, tenants, "cci", yesterday).errors is None
    # Written after the read models were built, and no projector runs here: a figure as of a
    # past day cannot be given yet, since it might have to count this event.
    a_company(platform, "cci", uta=3)

    result = ask_now(database_url, platform, tenants, "cci", yesterday)

    assert result.errors is not None
    assert result.errors[0].extensions["code"] == "NOT_YET_CONSISTENT"


def test_partnership_years_list_every_partnership_and_count_only_smes_towards_the_target(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    for uta in (30, 250_000):  # a PME, then a GE (La Poste's size)
        company = a_company(platform, "inria", uta=uta)
        partnership = platform.partnerships.propose_partnership(
            "inria", research_team="Willow", topic="Vision", company_id=company
        )
        platform.partnerships.sign_partnership("inria", partnership, on=DAY1)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    document = (
        "query ($asOf: Date) { partnershipYears { year signed others target "
        "partnerships { sizeCategory withAnSme } } progress(asOf: $asOf) { "
        "partnershipYears { year count others target } } }"
    )

    result = ask_as_of(database_url, platform, tenants, "inria", document, DAY1)

    assert result.errors is None
    (year,) = result.data["partnershipYears"]
    assert (year["year"], year["signed"], year["others"], year["target"]) == (2026, 1, 1, 10)
    listed = sorted((p["sizeCategory"], p["withAnSme"]) for p in year["partnerships"])
    assert listed == [("GE", False), ("PME", True)]
    assert result.data["progress"]["partnershipYears"] == [
        {"year": 2026, "count": 1, "others": 1, "target": 10}
    ]


def test_the_figures_say_whose_companies_they_count(
    world: tuple[str, Platform, Tenants],  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    document = "query ($asOf: Date) { progress(asOf: $asOf) { scope companiesCounted } }"

    answers = {
        tenant: ask_as_of(database_url, platform, tenants, tenant, document, None).data
        for tenant in ("cci", "operator")
    }

    assert answers["cci"] == {"progress": {"scope": "NATIONAL", "companiesCounted": "OWN"}}
    assert answers["operator"] == {"progress": {"scope": "NATIONAL", "companiesCounted": "ALL"}}


def test_the_companies_counted_are_given_by_naf_section(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    software = [a_company(platform, "cci", uta=30) for _ in range(2)]  # 62.01Z: section J
    adopt(platform, "cci", software[0], DAY1)
    a_company(platform, "cci", uta=12, naf="41.20A")  # building: section F
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    document = (
        "query ($asOf: Date) { progress(asOf: $asOf) { "
        "sections { section label companies adopting } } }"
    )

    result = ask_as_of(database_url, platform, tenants, "cci", document, DAY1)

    assert result.errors is None
    assert result.data["progress"]["sections"] == [
        {"section": "F", "label": "Construction", "companies": 1, "adopting": 0},
        {"section": "J", "label": "Information et communication", "companies": 2, "adopting": 1},
    ]
