"""`osezia serve` behind a public URL that is not the address it is reached at: tokens name the
public URL whatever the request's Host says, assertions must name it too, and no access token
lasting longer than OSEZIA_MAX_TOKEN_LIFETIME is accepted, ours or the OpenID provider's."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey

from osezia.projections.connections import connect
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.web.auth.keys import current_signing_key
from tests.e2e.conftest import Provider, migrated, request_token, secret_client, serving

PUBLIC_URL = "https://osezia.example.test"
MAX_LIFETIME = 1800
AUDIENCE = "osezia-api"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TYPENAME = "{ __typename }"
# What a client fooled by DNS, or a proxy passing the client's headers on, would send.
SPOOFED = {"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "http"}


@pytest.fixture(scope="module")
def api(
    database_url: str, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The server's loopback address; it believes itself reached at PUBLIC_URL."""
    migrated(database_url)
    with serving(
        database_url,
        tmp_path_factory.mktemp("lifetimes") / "serve.log",
        OSEZIA_PUBLIC_URL=PUBLIC_URL,
        OSEZIA_MAX_TOKEN_LIFETIME=str(MAX_LIFETIME),
        OSEZIA_OIDC_ISSUER=provider.issuer,
        OSEZIA_OIDC_JWKS_URL=provider.jwks_url,
    ) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def clients(api: str, database_url: str) -> Iterator[Clients]:
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=2)) as app:
        yield app


def graphql(api: str, token: str) -> httpx.Response:
    return httpx.post(
        f"{api}/graphql",
        json={"query": TYPENAME},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )


def payload(token: str) -> dict[str, Any]:
    """A token's claims, unverified (the tests that need them verified verify them)."""
    segment = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    )
    return claims


def signing_key(database_url: str) -> ECKey:
    """The server's current signing key, read as the server reads it, to sign tokens it would
    never issue."""

    async def read() -> ECKey:
        conn = await connect(database_url)
        try:
            return await current_signing_key(conn)
        finally:
            await conn.close()

    return asyncio.run(read())


def our_token(key: ECKey, client_id: str, *, iat: int, exp: int) -> str:
    claims = {
        "iss": PUBLIC_URL,
        "aud": AUDIENCE,
        "sub": client_id,
        "client_id": client_id,
        "iat": iat,
        "nbf": iat,
        "exp": exp,
        "jti": secrets.token_urlsafe(16),
        "tenant": "cci",
        "roles": ["officer"],
        "scope": "read",
    }
    header = {"typ": "at+jwt", "alg": "ES256", "kid": key.kid}
    return jwt.encode(header, claims, key, algorithms=["ES256"])


def provider_token(provider: Provider, **times: int) -> str:
    claims = {
        "iss": provider.issuer,
        "aud": AUDIENCE,
        "sub": "f3b1c2d4-user",
        "osezia_tenant": "cci",
        "osezia_roles": ["analyst"],
        **times,
    }
    header = {"alg": "RS256", "kid": provider.key.kid}
    return jwt.encode(header, claims, provider.key, algorithms=["RS256"])


def refused(response: httpx.Response) -> bool:
    challenge = response.headers.get("www-authenticate", "")
    return response.status_code == 401 and 'error="invalid_token"' in challenge


# --- lifetimes -----------------------------------------------------------------------------


def test_a_token_of_ours_lasting_longer_than_the_maximum_is_refused(
    api: str, clients: Clients, database_url: str
) -> None:
    client_id, _ = secret_client(clients, "cci")
    key = signing_key(database_url)
    now = int(time.time())

    at_most = our_token(key, client_id, iat=now, exp=now + MAX_LIFETIME)
    longer = our_token(key, client_id, iat=now, exp=now + MAX_LIFETIME + 60)
    # Valid for 20 more minutes only, but issued for 40: its lifetime is what counts.
    issued_long_ago = our_token(key, client_id, iat=now - 1200, exp=now + 1200)

    assert graphql(api, at_most).status_code == 200
    assert refused(graphql(api, longer))
    assert refused(graphql(api, issued_long_ago))
    assert "seconds" in graphql(api, longer).json()["error_description"]


def test_a_provider_token_lasting_two_hours_is_refused(api: str, provider: Provider) -> None:
    now = int(time.time())

    half_an_hour = provider_token(provider, iat=now, exp=now + 1800)
    two_hours = provider_token(provider, iat=now, exp=now + 7200)
    two_hours_without_iat = provider_token(provider, exp=now + 7200)
    ten_minutes_without_iat = provider_token(provider, exp=now + 600)

    assert graphql(api, half_an_hour).status_code == 200
    assert graphql(api, ten_minutes_without_iat).status_code == 200
    assert refused(graphql(api, two_hours))
    assert refused(graphql(api, two_hours_without_iat))


# --- one public URL ------------------------------------------------------------------------


def test_the_tokens_issuer_is_the_public_url_whatever_the_host_header_says(
    api: str, clients: Clients
) -> None:
    client_id, secret = secret_client(clients, "cci")

    response = httpx.post(
        f"{api}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        headers=SPOOFED,
        timeout=10,
    )

    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert payload(token)["iss"] == PUBLIC_URL
    assert graphql(api, token).status_code == 200
    assert payload(request_token(api, client_id, secret).json()["access_token"])["iss"] == (
        PUBLIC_URL
    )


def assertion(key: ECKey, client_id: str, audience: str) -> dict[str, str]:
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_urlsafe(16),
    }
    signed = jwt.encode({"alg": "ES256"}, claims, key, algorithms=["ES256"])
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": signed,
    }


def test_an_assertion_addressed_to_a_spoofed_host_is_refused(api: str, clients: Clients) -> None:
    key = ECKey.generate_key("P-256", private=True)
    client_id, _ = clients.create_client(
        "inria", role="manager", name="assertions", public_jwk=key.as_dict(private=False)
    )

    def post(audience: str) -> httpx.Response:
        form = assertion(key, client_id, audience)
        return httpx.post(f"{api}/oauth/token", data=form, headers=SPOOFED, timeout=10)

    spoofed = post("http://evil.example/oauth/token")
    reached = post(f"{api}/oauth/token")  # the address the request really went to
    public = post(f"{PUBLIC_URL}/oauth/token")

    for response in (spoofed, reached):
        assert response.status_code == 401, response.text
        assert response.json()["error"] == "invalid_client"
        assert "aud" in response.json()["error_description"]
    assert public.status_code == 200, public.text
