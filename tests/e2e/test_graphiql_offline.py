"""GraphiQL works without internet: a browser that may reach only the server loads /graphql,
runs a query with the development tenant header it finds filled in, and sees the answer."""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.settings import Database
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import migrated, serving
from tests.e2e.test_dashboard import CHROMIUM

SIREN = "542107651"
QUERY = "{ companies(first: 5) { totalCount edges { node { siren legalName } } } }"


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`osezia serve` as `make run` starts it, with one company of CCI's in its read models."""
    migrated(database_url)
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(database_url, log, OSEZIA_DEV_TENANT_HEADER="1") as base_url:
        platform = Platform(
            Database.from_url(database_url).eventsourcing_env(pool_size=1), networks=NETWORKS
        )
        platform.companies.register_company(
            "cci",
            siren=SIREN,
            legal_name="Fromagerie du Jura",
            region="27",
            departement="39",
            naf="10.51C",
            size=SizeFacts(headcount_uta=Decimal(23)),
        )
        platform.close()
        _wait_for_the_company(base_url)
        yield base_url


def _wait_for_the_company(base_url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = httpx.post(
            f"{base_url}/graphql", json={"query": QUERY}, headers={"X-Osezia-Tenant": "cci"}
        ).json()
        if body.get("data") and body["data"]["companies"]["totalCount"] == 1:
            return
        time.sleep(0.2)
    raise TimeoutError("the company never reached CCI's read models")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def offline(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page whose every request to a host other than the loopback fails, as without
    internet; yields it with the addresses it tried to reach outside."""
    context = browser.new_context()
    outside: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_local)
    yield context.new_page(), outside
    context.close()


def test_graphiql_runs_a_query_with_no_internet(
    server: str, offline: tuple[Page, list[str]]
) -> None:
    page, outside = offline

    page.goto(f"{server}/graphql?q={quote(QUERY)}")
    page.locator(".graphiql-execute-button").click()

    response = page.locator(".graphiql-response")
    response.get_by_text(SIREN).wait_for(timeout=15_000)
    assert "Fromagerie du Jura" in response.inner_text()
    assert outside == []


def test_graphiql_starts_with_the_development_tenant_header(
    server: str, offline: tuple[Page, list[str]]
) -> None:
    page, _ = offline

    page.goto(f"{server}/graphql")
    page.get_by_role("button", name="Headers").click()

    headers = page.locator(".graphiql-editor-tool .graphiql-editor").last
    headers.get_by_text('"X-Osezia-Tenant"').wait_for(timeout=15_000)
    assert '"cci"' in headers.inner_text()


def test_the_assets_are_served_compressed_and_the_unknown_ones_refused(server: str) -> None:
    script = httpx.get(
        f"{server}/graphql",
        params={"graphiql": "graphiql-3.8.3.min.js"},
        headers={"Accept-Encoding": "gzip"},
    )
    unknown = httpx.get(f"{server}/graphql", params={"graphiql": "../view.py"})

    assert script.status_code == 200
    assert script.headers["content-encoding"] == "gzip"
    assert script.headers["content-type"].startswith("text/javascript")
    assert unknown.status_code == 404
