"""People sign in to the dashboard as people, through their network's OpenID Connect provider
(authorization code with PKCE), in a real browser against `osezia serve` and a provider the test
starts itself (tests/e2e/oidc_provider.py).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from tests.e2e.conftest import access_token, free_port, migrated, serving
from tests.e2e.oidc_provider import OpenIDProvider, Person
from tests.e2e.test_dashboard import CHROMIUM, HEIGHT, WIDTH, assert_shows, progress, today
from tests.e2e.test_oauth import eventually

TENANT = "cci"
CLIENT_ID = "osezia-tableau-de-bord"
PEOPLE = {
    "camille": Person("Camille Martin", TENANT, ("analyst",)),
    "dominique": Person("Dominique Petit", TENANT, ("visitor",)),  # no role osezia knows
    # A provider that lists every group of a person in their token: too large for a cookie.
    "morgane": Person(
        "Morgane Le Goff", TENANT, ("analyst",), tuple(f"groupe-{n:03d}" for n in range(200))
    ),
}


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def idp(port: int) -> Iterator[OpenIDProvider]:
    redirect = f"http://127.0.0.1:{port}/tableau-de-bord/retour"
    provider = OpenIDProvider(PEOPLE, client_id=CLIENT_ID, redirect_uris=(redirect,))
    with provider.running():
        yield provider


@pytest.fixture(scope="module")
def server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, port: int, idp: OpenIDProvider
) -> Iterator[str]:
    migrated(database_url)
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(
        database_url,
        log,
        port=port,
        OSEZIA_OIDC_ISSUER=idp.issuer,
        OSEZIA_OIDC_JWKS_URL=idp.jwks_url,
        OSEZIA_OIDC_CLIENT_ID=CLIENT_ID,
    ) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def figures(server: str, database_url: str) -> dict[str, Any]:
    """CCI's figures once two of its companies are registered, one adopting AI, as the API gives
    them to one of CCI's machine clients."""
    store = Database.from_url(database_url).eventsourcing_env(pool_size=2)
    platform = Platform(store, networks=NETWORKS)
    try:
        for n in range(2):
            company = platform.companies.register_company(
                TENANT,
                siren=complete_siren(f"05{n:06d}"),
                legal_name=f"Chocolaterie {n}",
                region="53",
                departement="35",
                naf="10.82Z",
                size=SizeFacts(headcount_uta=Decimal(12)),
            )
        platform.companies.advance_adoption(TENANT, company, stage="ADOPTED", on=today())
        position = platform.companies.last_position()
    finally:
        platform.close()
    with Clients(env=store) as clients:
        token = access_token(server, clients, TENANT, role="analyst")
    assert eventually(lambda: tracked(progress(server, token, None, position)) == 2)
    return progress(server, token, None)


def tracked(found: dict[str, Any]) -> int:
    return sum(int(region["companies"]) for region in found["regions"])


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
    yield context.new_page()
    context.close()


def sign_in_at_the_provider(page: Page, server: str, username: str) -> None:
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_role("link", name="Se connecter avec votre fournisseur d'identité").click()
    page.get_by_label("User name").fill(username)
    page.get_by_role("button", name="Sign in").click()


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def test_an_analyst_signs_in_at_the_provider_sees_the_network_and_signs_out(
    server: str, idp: OpenIDProvider, figures: dict[str, Any], page: Page
) -> None:
    asked = len(idp.seen.challenges)

    sign_in_at_the_provider(page, server, "camille")

    page.wait_for_selector("[data-code=DIAGNOSTICS]")
    assert page.locator("#reseau").inner_text() == "Réseau : CCI France"
    assert page.locator("#personne").inner_text() == "Camille Martin (analyste)"
    assert_shows(page, figures)
    assert tracked(figures) == 2
    assert page.locator("#alerte").text_content() == ""
    challenge, method = idp.seen.challenges[asked]
    verifier = idp.seen.verifiers[asked]
    assert method == "S256"
    assert verifier is not None
    assert challenge == s256(verifier)
    assert idp.seen.client_authentications[asked] == "none"  # a public client: PKCE alone

    page.get_by_role("button", name="Se déconnecter").click()

    page.get_by_role("link", name="Se connecter avec votre fournisseur d'identité").wait_for()
    assert page.locator("#tableau").is_hidden()
    page.reload()  # the server forgot the session: nothing signs the page back in
    page.get_by_role("link", name="Se connecter avec votre fournisseur d'identité").wait_for()
    assert page.locator("#tableau").is_hidden()


def test_the_signed_in_person_stays_signed_in_across_a_reload(
    server: str, figures: dict[str, Any], page: Page
) -> None:
    sign_in_at_the_provider(page, server, "camille")
    page.wait_for_selector("[data-code=DIAGNOSTICS]")

    page.reload()

    page.wait_for_selector("[data-code=DIAGNOSTICS]")
    assert page.locator("#personne").inner_text() == "Camille Martin (analyste)"
    assert page.evaluate("sessionStorage.length") == 0  # the token never left memory


def test_a_person_whose_claims_grant_no_role_is_refused_in_french(
    server: str, figures: dict[str, Any], page: Page
) -> None:
    sign_in_at_the_provider(page, server, "dominique")

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Votre compte n'ouvre aucun rôle" in alert.inner_text()
    assert page.locator("#tableau").is_hidden()
    assert "erreur" not in page.url  # the address was cleaned
    assert httpx.get(f"{server}/tableau-de-bord/session", timeout=10).status_code == 401


def test_the_machine_client_form_is_gone(server: str, page: Page) -> None:
    page.goto(f"{server}/tableau-de-bord")
    page.get_by_role("link", name="Se connecter avec votre fournisseur d'identité").wait_for()

    assert page.get_by_label("Secret client").count() == 0
    assert page.get_by_label("Jeton d'accès (Bearer)").is_visible()


# --- without a browser ---------------------------------------------------------------------


def started(server: str, http: httpx.Client) -> dict[str, str]:
    """The authorization request osezia sends the browser to, as its query's parameters."""
    response = http.get(f"{server}/tableau-de-bord/connexion")
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {name: values[0] for name, values in query.items()}


def test_the_authorization_request_carries_state_nonce_and_an_s256_challenge(
    server: str, idp: OpenIDProvider
) -> None:
    with httpx.Client(timeout=10) as http:
        sent = started(server, http)

    assert sent["client_id"] == CLIENT_ID
    assert sent["response_type"] == "code"
    assert sent["redirect_uri"] == f"{server}/tableau-de-bord/retour"
    assert sent["code_challenge_method"] == "S256"
    assert len(sent["code_challenge"]) == 43
    assert sent["state"]
    assert sent["nonce"]
    assert "openid" in sent["scope"].split()


def test_a_return_with_a_forged_state_is_refused(server: str, idp: OpenIDProvider) -> None:
    tokens_asked = len(idp.seen.verifiers)
    with httpx.Client(timeout=10) as http:
        started(server, http)  # this browser did start a sign-in, with another state

        response = http.get(
            f"{server}/tableau-de-bord/retour", params={"code": "stolen", "state": "forged"}
        )
        session = http.get(f"{server}/tableau-de-bord/session")

    assert response.status_code == 303
    assert response.headers["location"] == "/tableau-de-bord?erreur=etat"
    assert len(idp.seen.verifiers) == tokens_asked  # the code was never sent to the provider
    assert session.status_code == 401


def test_a_token_too_large_for_the_session_cookie_is_refused_not_lost(
    server: str, idp: OpenIDProvider, page: Page
) -> None:
    back, who = signed_in_without_a_browser(server, idp, "morgane")

    assert back.headers["location"] == "/tableau-de-bord?erreur=jeton"
    assert who["error"] == "invalid_request"  # nobody is signed in
    page.goto(f"{server}{back.headers['location']}")
    assert "trop volumineux" in page.get_by_role("alert").inner_text()


def test_signing_out_takes_a_post(server: str, idp: OpenIDProvider) -> None:
    with httpx.Client(timeout=10) as http:
        assert http.get(f"{server}/tableau-de-bord/deconnexion").status_code == 405
        assert http.post(f"{server}/tableau-de-bord/deconnexion").status_code == 204


def test_a_return_without_any_started_sign_in_is_refused(server: str) -> None:
    response = httpx.get(
        f"{server}/tableau-de-bord/retour", params={"code": "x", "state": "y"}, timeout=10
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/tableau-de-bord?erreur=etat"
    assert "set-cookie" not in response.headers


def signed_in_without_a_browser(
    server: str, idp: OpenIDProvider, username: str
) -> tuple[httpx.Response, dict[str, Any]]:
    """The whole sign-in, as a browser would follow it: osezia's return, then its session."""
    with httpx.Client(timeout=10) as http:
        sent = started(server, http)
        login = http.post(f"{idp.issuer}/authorize", params=sent, data={"username": username})
        assert login.status_code == 302, login.text
        back = http.get(login.headers["location"])
        who: dict[str, Any] = http.get(f"{server}/tableau-de-bord/session").json()
    return back, who


def test_the_session_cookie_is_httponly_lax_scoped_and_lives_no_longer_than_the_token(
    server: str, idp: OpenIDProvider
) -> None:
    back, who = signed_in_without_a_browser(server, idp, "camille")

    assert back.status_code == 303
    assert back.headers["location"] == "/tableau-de-bord"
    cookie = back.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/tableau-de-bord" in cookie
    assert "secure" not in cookie  # public_url is http here
    max_age = int(cookie.split("max-age=")[1].split(";")[0])
    assert 0 < max_age <= 900  # the provider's tokens live 900 s
    assert (who["tenant"], who["role"], who["person"]) == (TENANT, "analyst", "Camille Martin")
    assert who["subject"] == "camille"
    assert who["token"].count(".") == 2


@pytest.fixture  # one test uses it: stopped right after, not kept for the module
def unreachable_provider_server(
    server: str, database_url: str, tmp_path_factory: pytest.TempPathFactory, idp: OpenIDProvider
) -> Iterator[str]:
    """A second `osezia serve` whose provider's discovery document does not answer."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(
        database_url,
        log,
        OSEZIA_OIDC_ISSUER=idp.issuer,
        OSEZIA_OIDC_JWKS_URL=idp.jwks_url,
        OSEZIA_OIDC_CLIENT_ID=CLIENT_ID,
        OSEZIA_OIDC_METADATA_URL=f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration",
    ) as base_url:
        yield base_url


def test_a_provider_that_does_not_answer_is_reported_in_french(
    unreachable_provider_server: str, page: Page
) -> None:
    page.goto(f"{unreachable_provider_server}/tableau-de-bord")

    page.get_by_role("link", name="Se connecter avec votre fournisseur d'identité").click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "fournisseur d'identité de votre réseau ne répond pas" in alert.inner_text()
    assert page.url == f"{unreachable_provider_server}/tableau-de-bord"


@pytest.fixture  # one test uses it: stopped right after, not kept for the module
def development_server(
    server: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`osezia serve` as `make run` starts it: no provider, the development tenant header on."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serving(database_url, log, OSEZIA_DEV_TENANT_HEADER="1") as base_url:
        yield base_url


def test_under_make_run_the_network_chooser_stays_and_no_provider_is_offered(
    development_server: str, figures: dict[str, Any], page: Page
) -> None:
    page.goto(f"{development_server}/tableau-de-bord")
    page.get_by_label("Réseau").select_option(TENANT)
    page.get_by_role("button", name="Afficher ce réseau").click()

    page.wait_for_selector("[data-code=DIAGNOSTICS]")
    assert page.locator("#reseau").inner_text() == "Réseau : CCI France"
    assert page.get_by_text("Se connecter avec votre fournisseur d'identité").is_hidden()
    sign_in = httpx.get(f"{development_server}/tableau-de-bord/connexion", timeout=10)
    assert sign_in.status_code == 404


SECRET = "a-confidential-client-secret"


@pytest.fixture  # one test uses it: stopped right after, not kept for the module
def confidential_server(
    server: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, OpenIDProvider]]:
    """`osezia serve` registered at its provider as a confidential client (with a secret)."""
    port = free_port()
    redirect = f"http://127.0.0.1:{port}/tableau-de-bord/retour"
    provider = OpenIDProvider(
        PEOPLE, client_id=CLIENT_ID, redirect_uris=(redirect,), client_secret=SECRET
    )
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with (
        provider.running(),
        serving(
            database_url,
            log,
            port=port,
            OSEZIA_OIDC_ISSUER=provider.issuer,
            OSEZIA_OIDC_JWKS_URL=provider.jwks_url,
            OSEZIA_OIDC_CLIENT_ID=CLIENT_ID,
            OSEZIA_OIDC_CLIENT_SECRET=SECRET,
        ) as base_url,
    ):
        yield base_url, provider


def test_a_confidential_client_sends_its_secret_and_still_uses_pkce(
    confidential_server: tuple[str, OpenIDProvider],
) -> None:
    server, provider = confidential_server

    back, who = signed_in_without_a_browser(server, provider, "camille")

    assert back.headers["location"] == "/tableau-de-bord"
    assert (who["tenant"], who["role"]) == (TENANT, "analyst")
    assert provider.seen.client_authentications == ["client_secret_basic"]
    (challenge, method), (verifier,) = provider.seen.challenges[-1], provider.seen.verifiers
    assert method == "S256"
    assert verifier is not None
    assert challenge == s256(verifier)
