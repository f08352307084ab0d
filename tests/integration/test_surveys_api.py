"""Survey measurements through GraphQL: the operator records them, every network reads them,
each refusal has its code and appends nothing, and `progress` shows them beside the platform's
share of each adoption target, as recorded by the day asked about."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.projections.asof import today
from osezia.projections.connections import create_pool
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of
from tests.integration.test_progress import (
    DAY1,
    DAY2,
    DAY3,
    REGIONAL,
    Clock,
    clock,  # noqa: F401  (a fixture)
    world,  # noqa: F401  (a fixture)
)
from tests.integration.test_progress_api import ask_as_of

INSEE = "https://www.bfmtv.com/economie/entreprises/10-des-entreprises-francaises-utilisent-l-ia-moins-que-dans-le-reste-de-l-europe_AD-202507010689.html"
LE_LAB = "https://alliancy.fr/bpifrance-renforce-son-soutien-a-lintelligence-artificielle-avec-un-plan-dinvestissement-de-10-milliards-deuros"
FIELDS = (
    "survey measures population segment year valueBasisPoints valuePercent sourceUrl label "
    "correctedAt"
)


AS_REGIONAL = (
    "query ($asOf: Date) { surveyMeasurements(asOf: $asOf) { survey year valueBasisPoints } }"
)


def tic(year: int = 2024, value: int = 1000, url: str = INSEE) -> str:
    return (
        'recordSurveyMeasurement(survey: INSEE_TIC, measures: "share of companies using at '
        'least one AI technology", population: "companies with 10 persons or more", '
        f'year: {year}, valueBasisPoints: {value}, sourceUrl: "{url}")'
    )


def le_lab(year: int = 2024, value: int = 3100) -> str:
    return (
        'recordSurveyMeasurement(survey: BPIFRANCE_LE_LAB, measures: "share of PME using '
        f'generative AI", population: "PME", segment: PME_ETI, year: {year}, '
        f'valueBasisPoints: {value}, sourceUrl: "{LE_LAB}")'
    )


@pytest.fixture
def api(world: tuple[str, Platform, Tenants]) -> Api:  # noqa: F811
    database_url, platform, _ = world
    return Api(database_url, platform)


def built(stage: tuple[str, Platform, Tenants]) -> None:
    database_url, _, tenants = stage
    asyncio.run(build_all(database_url, viewers_of(tenants)))


def position(platform: Platform) -> int:
    return platform.surveys.recorder.max_notification_id() or 0


def measurements(api: Api, tenant: str, arguments: str = "") -> list[dict[str, Any]]:
    query = f"{{ surveyMeasurements{arguments} {{ {FIELDS} }} }}"
    return list(api.run(tenant, query)["surveyMeasurements"])


def test_the_operator_records_measurements_and_every_network_reads_them(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    api: Api,
) -> None:
    api.done("operator", tic())
    api.done("operator", tic(year=2023, value=600))
    api.done("operator", le_lab())
    built(world)

    expected = [
        ("BPIFRANCE_LE_LAB", 2024, 3100),
        ("INSEE_TIC", 2024, 1000),
        ("INSEE_TIC", 2023, 600),
    ]
    for tenant in ("cci", "bpifrance", "inria"):
        found = measurements(api, tenant)
        assert [(m["survey"], m["year"], m["valueBasisPoints"]) for m in found] == expected
    database_url, platform, tenants = world
    regional = ask_as_of(database_url, platform, tenants, REGIONAL, AS_REGIONAL, None)
    assert [tuple(m.values()) for m in regional.data["surveyMeasurements"]] == expected
    insee = measurements(api, "cci", '(population: "10 persons", year: 2024)')
    assert len(insee) == 1
    assert insee[0]["valuePercent"] == 10.0
    assert insee[0]["segment"] is None
    assert insee[0]["label"] == (
        "INSEE TIC-entreprises survey 2024: share of companies using at least one AI "
        f"technology, among companies with 10 persons or more (source: {INSEE})"
    )
    assert [m["survey"] for m in measurements(api, "inria", '(population: "PME_ETI")')] == [
        "BPIFRANCE_LE_LAB"
    ]


def test_recording_the_same_measurement_again_corrects_it(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    api: Api,
) -> None:
    first = api.done("operator", tic(value=100))
    again = api.done("operator", tic(value=1000))
    built(world)

    found = measurements(api, "cci")
    assert again == first
    assert [m["valueBasisPoints"] for m in found] == [1000]
    assert found[0]["correctedAt"] is not None


@pytest.mark.parametrize(
    ("tenant", "call", "code"),
    [
        ("bpifrance", tic(), "FORBIDDEN"),
        ("cci", le_lab(), "FORBIDDEN"),
        ("operator", tic(value=10_001), "INVALID_VALUE"),
        ("operator", tic(value=-1), "INVALID_VALUE"),
        ("operator", tic(url="http://www.insee.fr/tic"), "INVALID_VALUE"),
        ("operator", tic(year=today().year + 1), "INVALID_DATE"),
        ("operator", tic(year=2014), "INVALID_DATE"),
        (
            "operator",
            'recordSurveyMeasurement(survey: OTHER, measures: " ", population: "PME", '
            'year: 2024, valueBasisPoints: 100, sourceUrl: "https://example.org/")',
            "INVALID_VALUE",
        ),
    ],
)
def test_a_refused_measurement_has_its_code_and_appends_nothing(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    api: Api,
    tenant: str,
    call: str,
    code: str,
) -> None:
    _, platform, _ = world
    before = position(platform)

    answer = api.mutate(tenant, call)

    assert answer["__typename"] == "Problem"
    assert answer["code"] == code
    assert position(platform) == before


PROGRESS = (
    "query ($asOf: Date) { progress(asOf: $asOf) { targets { code measured measuredLabel "
    "surveyMeasurements { survey year valueBasisPoints population label } } } }"
)


def progress_targets(stage: tuple[str, Platform, Tenants], tenant: str, day: date) -> Any:
    database_url, platform, tenants = stage
    result = ask_as_of(database_url, platform, tenants, tenant, PROGRESS, day)
    assert result.errors is None, result.errors
    return {t["code"]: t for t in result.data["progress"]["targets"]}


def test_progress_shows_the_measurements_beside_each_adoption_target_as_recorded_by_the_day(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    api: Api,
    clock: Clock,  # noqa: F811
) -> None:
    clock.on(DAY1)
    api.done("operator", tic(value=100))
    clock.on(DAY2)
    api.done("operator", le_lab())
    clock.on(DAY3)
    api.done("operator", tic(value=1000))  # a correction
    built(world)

    on_day1 = progress_targets(world, "cci", DAY1)
    on_day3 = progress_targets(world, "cci", DAY3)

    def shown(targets: Any, code: str) -> list[tuple[str, int]]:
        return [(m["survey"], m["valueBasisPoints"]) for m in targets[code]["surveyMeasurements"]]

    assert shown(on_day1, "ADOPTION_TPE") == [("INSEE_TIC", 100)]
    assert shown(on_day1, "ADOPTION_PME_ETI") == [("INSEE_TIC", 100)]
    assert shown(on_day3, "ADOPTION_TPE") == [("INSEE_TIC", 1000)]
    assert shown(on_day3, "ADOPTION_PME_ETI") == [("BPIFRANCE_LE_LAB", 3100), ("INSEE_TIC", 1000)]
    assert shown(on_day3, "ADOPTION_GE") == [("INSEE_TIC", 1000)]
    assert shown(on_day3, "AMBASSADORS") == []
    assert on_day3["ADOPTION_TPE"]["measuredLabel"].startswith(
        "Share of the TPE companies followed on the platform"
    )
    assert on_day3["AMBASSADORS"]["measuredLabel"] == "AI ambassadors"


def test_an_operator_officer_without_the_approve_scope_is_refused(
    world: tuple[str, Platform, Tenants],  # noqa: F811
) -> None:
    database_url, platform, _ = world
    before = position(platform)

    async def run() -> Any:
        pool = await create_pool(database_url, max_size=2)
        try:
            officer = Context(
                tenant="operator",
                platform=platform,
                pool=pool,
                role="officer",
                scopes=frozenset({"read", "write"}),
                profile=DEFAULT_TENANTS["operator"][1],
            )
            document = f"mutation {{ m: {tic()} {{ ... on Problem {{ code }} }} }}"
            return await schema.execute(document, context_value=officer)
        finally:
            await pool.close()

    result = asyncio.run(run())

    assert result.errors is None, result.errors
    assert result.data == {"m": {"code": "FORBIDDEN"}}
    assert position(platform) == before
