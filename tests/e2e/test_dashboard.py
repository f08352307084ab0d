"""The « Tableau de bord Osez l'IA » in a real browser (Debian's headless Chromium) against
`osezia serve`: a network signs in with its client credentials and sees the figures the API
gives it, today and as of a past day, on an accessible page.

Chromium is not optional here: without /usr/bin/chromium the tests fail (`make test` installs
it).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from osezia.config import Database
from osezia.domain.diagnostics.model import UseCase, UseCaseScore
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.clients.application import Clients
from tests.e2e.test_oauth import data, eventually, request_token, secret_client

CHROMIUM = "/usr/bin/chromium"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "tableau-de-bord.png"
TENANT = "bpifrance"
COMPANIES = 6
WIDTH, HEIGHT = 1366, 768

PROGRESS = """query ($asOf: Date) { progress(asOf: $asOf) {
  asOf scope
  targets { code unit measured target progressPercent }
  regions { region name companies }
  diagnosticFunnel { requested reportDelivered cofinanced cofinancingCents }
} }"""


@pytest.fixture(scope="module")
def store(server: str, database_url: str) -> dict[str, str]:
    return Database.from_url(database_url).eventsourcing_env(pool_size=2)


@pytest.fixture(scope="module")
def credentials(store: dict[str, str]) -> Iterator[tuple[str, str]]:
    with Clients(env=store) as clients:
        yield secret_client(clients, TENANT)


@pytest.fixture(scope="module")
def token(server: str, credentials: tuple[str, str]) -> str:
    response = request_token(server, *credentials)
    assert response.status_code == 200, response.text
    access: str = response.json()["access_token"]
    return access


@pytest.fixture(scope="module")
def history(server: str, store: dict[str, str], token: str) -> int:
    """Bpifrance's companies, one adopting AI, its diagnostics along the funnel and an
    ambassador; returns the consistency token of the last write, once the API has reached it."""
    platform = Platform(store)
    try:
        companies = [a_company(platform, n) for n in range(COMPANIES)]
        platform.companies.advance_adoption(TENANT, companies[0], stage="ADOPTED", on=today())
        for company_id in companies[:3]:
            platform.diagnostics.request_diagnostic(TENANT, company_id=company_id)
        delivered = platform.diagnostics.request_diagnostic(TENANT, company_id=companies[3])
        take_to_report(platform, delivered)
        paid = platform.diagnostics.request_diagnostic(TENANT, company_id=companies[4])
        take_to_report(platform, paid)
        platform.diagnostics.pay_cofinancing(TENANT, paid, price_cents=1_000_000)
        platform.ambassadors.appoint_ambassador(
            TENANT,
            full_name="Camille Martin",
            kind="REGIONAL",
            network="BPIFRANCE",
            region="44",
            appointed_on=today(),
        )
        position = platform.companies.last_position()
    finally:
        platform.close()
    assert eventually(lambda: requested(progress(server, token, None, position)) == 5)
    return position


def requested(figures: dict[str, Any]) -> int:
    count: int = figures["diagnosticFunnel"]["requested"]
    return count


def a_company(platform: Platform, n: int) -> UUID:
    return platform.companies.register_company(
        TENANT,
        siren=complete_siren(f"04{n:06d}"),
        legal_name=f"Atelier {n}",
        region=["44", "84", "11"][n % 3],
        departement=["88", "69", "75"][n % 3],
        naf="25.62B",
        size=SizeFacts(headcount_uta=Decimal(50)),
    )


def take_to_report(platform: Platform, diagnostic_id: UUID) -> None:
    diagnostics = platform.diagnostics
    diagnostics.check_eligibility(TENANT, diagnostic_id)
    diagnostics.assign_expert(TENANT, diagnostic_id, expert="Lumen")
    diagnostics.deliver_inventory(TENANT, diagnostic_id)
    diagnostics.identify_use_cases(
        TENANT, diagnostic_id, use_cases=[UseCase("UC1", "Tri automatique des factures")]
    )
    diagnostics.prioritise_use_cases(
        TENANT, diagnostic_id, scores=[UseCaseScore("UC1", value=4, feasibility=3)]
    )
    diagnostics.deliver_report(TENANT, diagnostic_id, on=today())


def today() -> date:
    return datetime.now(ZoneInfo("Europe/Paris")).date()


def progress(
    server: str, token: str, as_of: date | None, position: int | None = None
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    if position is not None:
        headers["X-Consistency-Token"] = str(position)
    variables = {"asOf": as_of.isoformat() if as_of else None}
    response = httpx.post(
        f"{server}/graphql",
        json={"query": PROGRESS, "variables": variables},
        headers=headers,
        timeout=10,
    )
    found: dict[str, Any] = data(response)["progress"]
    return found


# --- the figures as the page writes them (French) ------------------------------------------


def spaced(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ").strip()


def whole(value: float) -> str:
    rounded = int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))
    return f"{rounded:,}".replace(",", " ")


def one_decimal(value: float) -> str:
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    units, _, tenth = f"{rounded:f}".partition(".")
    text = f"{int(units):,}".replace(",", " ")
    return text if tenth in ("", "0") else f"{text},{tenth}"


def euros(cents: float) -> str:
    value = cents / 100
    return f"{one_decimal(value / 1e6)} M€" if abs(value) >= 1e6 else f"{whole(value)} €"


def french(value: float, unit: str) -> str:
    if unit == "PERCENT":
        return f"{one_decimal(value)} %"
    if unit == "CENTS":
        return euros(value)
    return whole(value)


# --- the browser ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "Chromium is missing: apt-get install -y chromium"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    opened = context.new_page()
    yield opened
    context.close()


def sign_in(page: Page, server: str, credentials: tuple[str, str]) -> None:
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_label("Identifiant client").fill(credentials[0])
    page.get_by_label("Secret client").fill(credentials[1])
    page.get_by_role("button", name="Se connecter").click()


def shown(page: Page, selector: str) -> str:
    return spaced(page.locator(selector).inner_text())


def assert_shows(page: Page, figures: dict[str, Any]) -> None:
    """Every number the page shows for these figures is the API's, written the French way."""
    page.wait_for_selector(f"#tableau[data-as-of='{figures['asOf']}']")
    assert page.get_by_label("Situation au").input_value() == figures["asOf"]
    for target in figures["targets"]:
        card = f"[data-code={target['code']}]"
        assert shown(page, f"{card} .valeur") == french(target["measured"], target["unit"])
        bar = page.locator(f"{card} [role=progressbar]")
        assert float(bar.get_attribute("aria-valuemax") or "nan") == target["target"]
        assert float(bar.get_attribute("aria-valuenow") or "nan") == min(
            target["measured"], target["target"]
        )
    funnel = figures["diagnosticFunnel"]
    assert shown(page, "[data-ligne=demandes] .nombre") == whole(funnel["requested"])
    assert shown(page, "[data-ligne=rapport] .nombre").startswith(whole(funnel["reportDelivered"]))
    assert shown(page, "[data-ligne=cofinances] .nombre").startswith(whole(funnel["cofinanced"]))
    assert shown(page, "[data-ligne=cofinancement]") == euros(funnel["cofinancingCents"])
    rows = page.locator("#regions tbody tr")
    assert rows.count() == len(figures["regions"]) == 18
    for region in figures["regions"]:
        row = f"#regions tr[data-region='{region['region']}']"
        assert shown(page, f"{row} th") == region["name"]
        assert shown(page, f"{row} .nombre") == whole(region["companies"])


def test_a_network_signs_in_and_sees_the_figures_the_api_gives_it(
    server: str, credentials: tuple[str, str], token: str, history: int, page: Page
) -> None:
    figures = progress(server, token, None)

    sign_in(page, server, credentials)

    page.wait_for_selector("[data-code=DIAGNOSTICS]")
    assert page.locator("h1").inner_text() == "Tableau de bord Osez l'IA"
    assert shown(page, "#reseau") == "Réseau : Bpifrance"
    assert_shows(page, figures)
    assert figures["diagnosticFunnel"]["requested"] == 5
    assert figures["diagnosticFunnel"]["cofinanced"] == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_a_past_date_shows_that_days_figures(
    server: str, credentials: tuple[str, str], token: str, history: int, page: Page
) -> None:
    yesterday = today() - timedelta(days=1)
    then = progress(server, token, yesterday)
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    with page.expect_request(lambda r: r.url.endswith("/graphql")) as asked:
        page.get_by_label("Situation au").fill(yesterday.isoformat())

    sent = asked.value.post_data_json
    assert sent is not None
    assert sent["variables"] == {"asOf": yesterday.isoformat()}
    assert_shows(page, then)
    assert then["diagnosticFunnel"]["requested"] == 0  # everything was recorded today
    assert "Situation au" in shown(page, "#statut")


def test_the_page_is_accessible(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_label("Situation au").get_attribute("type") == "date"
    bars = page.get_by_role("progressbar")
    assert bars.count() >= 9
    for n in range(bars.count()):
        bar = bars.nth(n)
        name = bar.evaluate(
            "b => b.getAttribute('aria-label') || "
            "document.getElementById(b.getAttribute('aria-labelledby'))?.textContent || ''"
        )
        assert name.strip(), bar.evaluate("b => b.outerHTML")
        for attribute in ("aria-valuenow", "aria-valuemin", "aria-valuemax"):
            float(bar.get_attribute(attribute) or "missing")
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('input, select, textarea')]"
        ".filter(f => f.labels.length === 0).map(f => f.id)"
    )
    assert unlabelled == []


def test_the_page_is_usable_with_the_keyboard(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")
    page.reload()  # the token stays in the tab: no second sign-in
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au contenu"
    definition = page.locator("[data-code=DIAGNOSTICS] summary")
    definition.focus()
    page.keyboard.press("Enter")
    assert page.locator("[data-code=DIAGNOSTICS] details").get_attribute("open") is not None


def test_a_list_is_exported_from_the_page(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Exporter (CSV) : Entreprises").click()

    path = downloading.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,siren,legal_name,")
    assert len(lines) == 1 + COMPANIES


def test_wrong_credentials_are_reported_in_french(
    server: str, credentials: tuple[str, str], page: Page
) -> None:
    sign_in(page, server, (credentials[0], "not-the-secret"))

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Identifiant ou secret client incorrect" in alert.inner_text()
    assert page.locator("#tableau").is_hidden()


def test_an_expired_or_forged_token_sends_back_to_sign_in(
    server: str, history: int, page: Page
) -> None:
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_label("Jeton d'accès (Bearer)").fill("eyJhbGciOiJub25lIn0.e30.")
    page.get_by_role("button", name="Utiliser ce jeton").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "jeton d'accès est invalide ou a expiré" in alert.inner_text()
    assert page.get_by_label("Identifiant client").is_visible()
