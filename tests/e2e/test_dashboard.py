"""The « Tableau de bord Osez l'IA » in a real browser (Debian's headless Chromium) against
`osezia serve`: a network's integrator pastes an access token (obtained with the network's
client credentials, which are never typed into the page) and sees the figures the API gives it,
today and as of a past day, on an accessible page. People signing in through their network's
OpenID provider: test_signin_browser.py.

Chromium is not optional here: without /usr/bin/chromium the tests fail (`make test` installs
it). The screenshot goes to pytest's temporary directory; with OSEZIA_DOCS_SCREENSHOT=1 it is
also copied to docs/, so that a test run leaves the working tree as it found it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import request_token, secret_client
from tests.e2e.test_oauth import data, eventually

CHROMIUM = "/usr/bin/chromium"
DOCS_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "tableau-de-bord.png"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
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
    platform = Platform(store, networks=NETWORKS)
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
    response = request_token(server, *credentials)
    assert response.status_code == 200, response.text
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_label("Jeton d'accès (Bearer)").fill(response.json()["access_token"])
    page.get_by_role("button", name="Utiliser ce jeton").click()


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
    server: str,
    credentials: tuple[str, str],
    token: str,
    history: int,
    page: Page,
    tmp_path: Path,
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
    screenshot = tmp_path / "tableau-de-bord.png"
    page.screenshot(path=str(screenshot), full_page=True)
    assert screenshot.read_bytes().startswith(PNG_SIGNATURE)
    if os.environ.get("OSEZIA_DOCS_SCREENSHOT") == "1":  # the docs' picture, refreshed on demand
        shutil.copyfile(screenshot, DOCS_SCREENSHOT)


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
    page.add_init_script(NO_FILE_PICKER)  # a browser that cannot write files: the blob way
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Exporter (CSV) : Entreprises").click()

    path = downloading.value.path()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,siren,legal_name,")
    assert len(lines) == 1 + COMPANIES


def test_the_page_asks_for_no_client_secret_and_offers_no_provider_it_does_not_have(
    server: str, page: Page
) -> None:
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_label("Jeton d'accès (Bearer)").wait_for()

    assert page.get_by_label("Secret client").count() == 0  # machine secrets are for machines
    assert page.get_by_text("Se connecter avec votre fournisseur d'identité").is_hidden()
    # Outside development, no network to choose: the card stays hidden (CSS kept showing it).
    assert page.locator("#form-reseau").is_hidden()


def test_an_expired_or_forged_token_sends_back_to_sign_in(
    server: str, history: int, page: Page
) -> None:
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_label("Jeton d'accès (Bearer)").fill("eyJhbGciOiJub25lIn0.e30.")
    page.get_by_role("button", name="Utiliser ce jeton").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "jeton d'accès est invalide ou a expiré" in alert.inner_text()
    assert page.get_by_label("Jeton d'accès (Bearer)").is_visible()


# Where the browser offers a save dialog, the CSV goes to the chosen file as it arrives. This
# stand-in for the dialog keeps what is written, and the tab may not gather the whole answer.
FILE_PICKER = """
window.written = { text: "", closed: false, aborted: false, suggested: null };
window.showSaveFilePicker = async (options) => {
  window.written.suggested = options.suggestedName;
  const decoder = new TextDecoder();
  return {
    createWritable: async () => new WritableStream({
      write(chunk) { window.written.text += decoder.decode(chunk, { stream: true }); },
      close() { window.written.closed = true; },
      abort() { window.written.aborted = true; },
    }),
  };
};
Response.prototype.blob = () => Promise.reject(new Error("the whole CSV held in the tab"));
"""
NO_FILE_PICKER = "window.showSaveFilePicker = undefined;"
# An export whose connection drops after the first bytes.
BROKEN_EXPORT = """
const fetched = window.fetch;
window.fetch = (url, options) => String(url).startsWith("/exports/")
  ? Promise.resolve(new Response(new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("id,siren\\r\\n"));
        controller.error(new TypeError("network error"));
      },
    }), { status: 200, headers: { "Content-Type": "text/csv" } }))
  : fetched(url, options);
"""


def test_where_the_browser_can_write_a_file_the_export_streams_into_it(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    page.add_init_script(FILE_PICKER)
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    page.get_by_role("button", name="Exporter (CSV) : Entreprises").click()
    assert eventually(lambda: bool(page.evaluate("window.written.closed")))

    written = page.evaluate("window.written")
    lines = written["text"].splitlines()
    assert written["suggested"] == "osezia-companies.csv"
    assert lines[0].startswith("id,siren,legal_name,")
    assert len(lines) == 1 + COMPANIES
    assert not written["aborted"]
    assert page.locator("#alerte").text_content() == ""


@pytest.mark.parametrize("browser_way", [FILE_PICKER, NO_FILE_PICKER], ids=["file", "blob"])
def test_a_download_that_breaks_off_is_reported_in_french(
    server: str, credentials: tuple[str, str], history: int, page: Page, browser_way: str
) -> None:
    page.add_init_script(browser_way)
    page.add_init_script(BROKEN_EXPORT)
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    page.get_by_role("button", name="Exporter (CSV) : Entreprises").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Le téléchargement de l'export s'est interrompu" in alert.inner_text()
    assert page.locator("#tableau").is_visible()  # still signed in
    if browser_way == FILE_PICKER:
        assert page.evaluate("window.written.aborted")


def test_a_token_without_the_read_scope_is_offered_no_export(
    server: str, credentials: tuple[str, str]
) -> None:
    write_only = request_token(server, *credentials, scope="write").json()["access_token"]
    reader = request_token(server, *credentials, scope="read").json()["access_token"]

    def lists(token: str) -> list[str]:
        response = httpx.get(
            f"{server}/tableau-de-bord/session",
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        found: list[str] = response.json()["exports"]
        return found

    assert lists(write_only) == []
    assert "companies" in lists(reader)


def as_a_region_on_the_first_of_march(route: Route) -> None:
    """The API's answer, as a regional network would get it on 1 March 2026, before any
    partnership or apprentice's training."""
    answer = route.fetch()
    body = answer.json()
    figures = body["data"]["progress"]
    figures.update(asOf="2026-03-01", scope="44", partnershipYears=[], apprenticeYears=[])
    route.fulfill(response=answer, json=body)


def test_the_page_writes_french(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    page.route("**/graphql", as_a_region_on_the_first_of_march)
    sign_in(page, server, credentials)
    page.wait_for_selector("#tableau[data-as-of='2026-03-01']")

    assert page.locator("#statut").text_content() == (
        "Situation au 1er mars 2026 — entreprises suivies par Bpifrance, région Grand Est"
    )
    assert page.locator("#partenariats").inner_text() == "Aucun pour l'instant."
    assert page.locator("#apprentis").inner_text() == "Aucune pour l'instant."
    definition = page.locator("[data-code=DIAGNOSTICS] details").text_content() or ""
    assert "environ 5\u00a0000." in definition  # a no-break space: never cut across lines


def test_the_region_table_names_the_figure_it_shows(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=DIAGNOSTICS]")
    header = page.locator("#regions thead th").nth(1)

    assert header.inner_text() == "Entreprises suivies"
    page.get_by_label("Indicateur").select_option("diagnostics")

    assert header.inner_text() == "Diagnostics"
    labelled = page.locator("#regions span[aria-label]").count()
    assert labelled == 0  # screen readers ignore a plain span's aria-label


def relative_luminance(css: str) -> float:
    """The WCAG 2 relative luminance of a computed `rgb(r, g, b)` colour."""
    red, green, blue = (int(part) for part in css[css.index("(") + 1 : -1].split(",")[:3])

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else float(((c + 0.055) / 1.055) ** 2.4)

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_baseline_marker_and_the_target_end_stand_out(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("[data-code=ADOPTION_TPE] .repere")

    def style(selector: str, *properties: str) -> list[str]:
        found: list[str] = page.locator(selector).first.evaluate(
            "(node, names) => names.map((n) => getComputedStyle(node).getPropertyValue(n))",
            list(properties),
        )
        return found

    white = "rgb(255, 255, 255)"
    (fill,) = style("[data-code=ADOPTION_TPE] .jauge-remplie", "background-color")
    track, outline, outline_style = style(
        "[data-code=ADOPTION_TPE] .jauge", "background-color", "outline-color", "outline-style"
    )
    marker, edge = style("[data-code=ADOPTION_TPE] .repere", "background-color", "box-shadow")
    edge_colour = edge[: edge.index(")") + 1]

    assert contrast(marker, track) >= 3
    assert contrast(marker, white) >= 3
    assert contrast(marker, fill) >= 3 or contrast(edge_colour, fill) >= 3
    assert outline_style == "solid"
    assert contrast(outline, white) >= 3


def test_loans_calls_and_events_have_their_figures_in_french(
    server: str, credentials: tuple[str, str], history: int, page: Page
) -> None:
    sign_in(page, server, credentials)
    page.wait_for_selector("#mesures [data-ligne=prets]")

    # The history has no loan and no event: the page says so in figures, not blanks.
    assert shown(page, "#mesures [data-ligne=prets]") == (
        "Prêts garantis : 0 demandés (0 €), 0 garantis, 0 décaissés (0 €)."
    )
    assert shown(page, "#mesures [data-ligne=evenements]") == (
        "Événements : 0 au calendrier jusqu'à cette date."
    )
    assert page.get_by_role("heading", name="Prêts, appels à projets et événements").is_visible()
