"""The dashboard in a real browser: under each adoption figure, labelled as the share of the
companies followed on the platform, the survey measurements the operator recorded through the
API, each saying who measured it, for which year and over which population."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import access_token, secret_client
from tests.e2e.test_dashboard import (
    browser,  # noqa: F401  (a fixture)
    page,  # noqa: F401  (a fixture)
    shown,
    sign_in,
)
from tests.e2e.test_oauth import data, eventually

INSEE = "https://www.bfmtv.com/economie/entreprises/10-des-entreprises-francaises-utilisent-l-ia-moins-que-dans-le-reste-de-l-europe_AD-202507010689.html"
LE_LAB = "https://alliancy.fr/bpifrance-renforce-son-soutien-a-lintelligence-artificielle-avec-un-plan-dinvestissement-de-10-milliards-deuros"
RECORD = """mutation ($url: String!, $survey: Survey!, $population: String!, $segment: Segment,
  $value: Int!) {
  recordSurveyMeasurement(survey: $survey, measures: "share of companies using AI",
    population: $population, segment: $segment, year: 2024, valueBasisPoints: $value,
    sourceUrl: $url) {
    __typename ... on Done { consistencyToken } ... on Problem { code message }
  }
}"""
MEASUREMENTS = "{ surveyMeasurements { survey } }"


def graphql(server: str, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = httpx.post(
        f"{server}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return data(response)


@pytest.fixture(scope="module")
def clients(server: str, database_url: str) -> Iterator[Clients]:
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=2)) as app:
        yield app


@pytest.fixture(scope="module")
def credentials(clients: Clients) -> tuple[str, str]:
    return secret_client(clients, "bpifrance")


@pytest.fixture(scope="module")
def measured(server: str, clients: Clients) -> None:
    """The operator's manager records INSEE's figure (no segment) and Le Lab's (PME_ETI)."""
    operator = access_token(server, clients, "operator", role="manager")
    for survey, population, segment, url, value in (
        ("INSEE_TIC", "companies with 10 persons or more", None, INSEE, 1000),
        ("BPIFRANCE_LE_LAB", "PME", "PME_ETI", LE_LAB, 3100),
    ):
        variables = {
            "survey": survey,
            "population": population,
            "segment": segment,
            "url": url,
            "value": value,
        }
        answer = graphql(server, operator, RECORD, variables)["recordSurveyMeasurement"]
        assert answer["__typename"] == "Done", answer
    reader = access_token(server, clients, "bpifrance")
    assert eventually(
        lambda: len(graphql(server, reader, MEASUREMENTS, {})["surveyMeasurements"]) == 2
    )


def test_each_adoption_figure_shows_the_survey_measurements_beside_the_platform_share(
    server: str,
    credentials: tuple[str, str],
    measured: None,
    page: Page,  # noqa: F811
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=ADOPTION_PME_ETI] .mesure-enquete")

    for code in ("ADOPTION_TPE", "ADOPTION_PME_ETI", "ADOPTION_GE"):
        card = f"[data-code={code}]"
        assert shown(page, f"{card} .libelle-part") == (
            "Part des entreprises suivies sur la plateforme"
        )
        insee = page.locator(f"{card} .mesure-enquete[data-survey=INSEE_TIC] > span").first
        assert insee.inner_text().replace("\u00a0", " ") == (
            "Mesure INSEE (TIC 2024, entreprises de 10 personnes ou plus) : 10 %"
        )
        source = page.locator(f"{card} .mesure-enquete[data-survey=INSEE_TIC] a")
        assert source.get_attribute("href") == INSEE
    le_lab = page.locator(
        "[data-code=ADOPTION_PME_ETI] .mesure-enquete[data-survey=BPIFRANCE_LE_LAB]"
    )
    assert le_lab.locator("> span").first.inner_text().replace("\u00a0", " ") == (
        "Mesure Bpifrance Le Lab (2024, PME) : 31 %"
    )
    assert page.locator("[data-code=ADOPTION_TPE] [data-survey=BPIFRANCE_LE_LAB]").count() == 0
    assert page.locator("[data-code=AMBASSADORS] .libelle-part").count() == 0
