"""OAuth 2.0 over real HTTP against `osezia serve`: machine clients obtain RFC 9068 access tokens
from /oauth/token, the API accepts them (and an OpenID provider's) and refuses every forgery."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import psycopg
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from osezia.tenants.profiles import Profile
from osezia.web.auth.keys import rotate_signing_key
from tests.e2e.conftest import (
    OSEZIA,
    Provider,
    access_token,
    command_env,
    free_port,
    migrated,
    request_token,
    secret_client,
    serving,
)

AUDIENCE = "osezia-api"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
TYPENAME = "{ __typename }"
COMPANY = "query ($siren: String!) { company(siren: $siren) { siren legalName } }"


@pytest.fixture(scope="module")
def api(
    database_url: str, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`osezia serve` with an OpenID provider configured; yields its base URL (its issuer)."""
    migrated(database_url)
    port = free_port()
    with serving(
        database_url,
        tmp_path_factory.mktemp("oauth") / "serve.log",
        port=port,
        OSEZIA_PUBLIC_URL=f"http://127.0.0.1:{port}",
        OSEZIA_OIDC_ISSUER=provider.issuer,
        OSEZIA_OIDC_JWKS_URL=provider.jwks_url,
    ) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def store(api: str, database_url: str) -> dict[str, str]:
    return Database.from_url(database_url).eventsourcing_env(pool_size=2)


@pytest.fixture(scope="module")
def clients(store: dict[str, str]) -> Iterator[Clients]:
    with Clients(env=store) as app:
        yield app


@pytest.fixture(scope="module")
def platform(store: dict[str, str]) -> Iterator[Platform]:
    app = Platform(store, networks=NETWORKS)
    yield app
    app.close()


@pytest.fixture(scope="module")
def tenants(store: dict[str, str]) -> Iterator[Tenants]:
    with Tenants(env=store) as app:
        yield app


# --- helpers -------------------------------------------------------------------------------


def post_graphql(api: str, token: str | None, query: str, **variables: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return httpx.post(
        f"{api}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=10,
    )


def data(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]
    return result


def eventually(check: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def segments(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    header, payload, _ = token.split(".")
    return json.loads(_unb64(header)), json.loads(_unb64(payload))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def current_key(database_url: str) -> ECKey:
    """The server's signing key, read where it lives, to forge tokens a thief could make."""
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT private_jwk FROM signing_keys WHERE retired_at IS NULL"
        ).fetchone()
    assert row is not None
    return ECKey.import_key(row[0])


def register_company(platform: Platform, tenant: str, siren: str) -> None:
    platform.companies.register_company(
        tenant,
        siren=siren,
        legal_name="Scierie des Vosges",
        region="44",
        departement="88",
        naf="16.10A",
        size=SizeFacts(staff_band="12"),
    )


def found(api: str, token: str, siren: str) -> bool:
    return data(post_graphql(api, token, COMPANY, siren=siren))["company"] is not None


# --- the token endpoint --------------------------------------------------------------------


def test_a_client_gets_a_token_with_its_secret_over_http_basic(api: str, clients: Clients) -> None:
    response = request_token(api, *secret_client(clients, "cci"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == ("Bearer", 900, "read write")
    assert response.headers["cache-control"] == "no-store"


def test_the_access_token_follows_rfc_9068(api: str, clients: Clients) -> None:
    client_id, secret = secret_client(clients, "bpifrance", role="manager")

    token = request_token(api, client_id, secret).json()["access_token"]

    header, claims = segments(token)
    assert header == {"typ": "at+jwt", "alg": "ES256", "kid": header["kid"]}
    published = httpx.get(f"{api}/.well-known/jwks.json").json()
    key = ECKey.import_key(next(k for k in published["keys"] if k["kid"] == header["kid"]))
    assert jwt.decode(token, key, algorithms=["ES256"]).claims == claims
    assert claims["iss"] == api
    assert claims["aud"] == AUDIENCE
    assert claims["sub"] == claims["client_id"] == client_id
    assert claims["exp"] - claims["iat"] == 900
    assert claims["nbf"] == claims["iat"]
    assert abs(claims["iat"] - time.time()) < 30
    assert len(claims["jti"]) >= 16
    assert (claims["tenant"], claims["roles"]) == ("bpifrance", ["manager"])
    assert claims["scope"] == "approve read write"


def test_the_jwks_publishes_public_keys_only(api: str) -> None:
    published = httpx.get(f"{api}/.well-known/jwks.json").json()["keys"]

    assert published
    assert all(k["kty"] == "EC" and k["crv"] == "P-256" and "d" not in k for k in published)


def test_a_client_gets_a_token_with_a_signed_assertion(api: str, clients: Clients) -> None:
    key = ECKey.generate_key("P-256", private=True)
    client_id, secret = clients.create_client(
        "inria", role="manager", name="partnerships bot", public_jwk=key.as_dict(private=False)
    )
    assert secret is None

    response = httpx.post(f"{api}/oauth/token", data=assertion_form(api, key, client_id))

    assert response.status_code == 200, response.text
    _, claims = segments(response.json()["access_token"])
    assert (claims["sub"], claims["tenant"], claims["roles"]) == (client_id, "inria", ["manager"])


def assertion_form(api: str, key: ECKey, client_id: str, **claims: Any) -> dict[str, str]:
    now = int(time.time())
    assertion = jwt.encode(
        {"alg": "ES256"},
        {
            "iss": client_id,
            "sub": client_id,
            "aud": f"{api}/oauth/token",
            "iat": now,
            "exp": now + 60,
            "jti": secrets.token_urlsafe(16),
            **claims,
        },
        key,
        algorithms=["ES256"],
    )
    return {
        "grant_type": "client_credentials",
        "client_assertion_type": ASSERTION_TYPE,
        "client_assertion": assertion,
    }


def test_a_client_assertion_is_accepted_once_and_for_the_token_endpoint_only(
    api: str, clients: Clients
) -> None:
    key = ECKey.generate_key("P-256", private=True)
    client_id, _ = clients.create_client(
        "inria", role="analyst", name="replayer", public_jwk=key.as_dict(private=False)
    )
    form = assertion_form(api, key, client_id)
    assert httpx.post(f"{api}/oauth/token", data=form).status_code == 200

    replayed = httpx.post(f"{api}/oauth/token", data=form)
    elsewhere = httpx.post(
        f"{api}/oauth/token", data=assertion_form(api, key, client_id, aud="https://other.test")
    )
    forged = httpx.post(
        f"{api}/oauth/token",
        data=assertion_form(api, ECKey.generate_key("P-256", private=True), client_id),
    )

    for response in (replayed, elsewhere, forged):
        assert response.status_code == 401
        assert response.json()["error"] == "invalid_client"
    assert "already used" in replayed.json()["error_description"]


def test_a_narrower_scope_is_granted_and_a_wider_one_refused(api: str, clients: Clients) -> None:
    client_id, secret = secret_client(clients, "cci", role="officer")

    narrower = request_token(api, client_id, secret, scope="read")
    wider = request_token(api, client_id, secret, scope="read approve")

    assert narrower.json()["scope"] == "read"
    assert segments(narrower.json()["access_token"])[1]["scope"] == "read"
    assert wider.status_code == 400
    assert wider.json()["error"] == "invalid_scope"


def test_token_request_errors_are_rfc_6749_errors(api: str, clients: Clients) -> None:
    client_id, secret = secret_client(clients, "cci")

    wrong_secret = request_token(api, client_id, secret + "x")
    no_client = httpx.post(f"{api}/oauth/token", data={"grant_type": "client_credentials"})
    password = request_token(api, client_id, secret, grant_type="password")
    as_json = httpx.post(
        f"{api}/oauth/token", json={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )

    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
    assert wrong_secret.headers["www-authenticate"].startswith("Basic")
    assert (no_client.status_code, no_client.json()["error"]) == (401, "invalid_client")
    assert (password.status_code, password.json()["error"]) == (400, "unsupported_grant_type")
    assert (as_json.status_code, as_json.json()["error"]) == (400, "invalid_request")


def test_a_role_the_profile_no_longer_has_is_an_invalid_grant(
    api: str, clients: Clients, tenants: Tenants
) -> None:
    profile = Profile(commands=frozenset({"register_company"}))
    tenants.register_tenant("grant-test", name="Réseau test", profile=profile)
    client_id, secret = secret_client(clients, "grant-test", role="manager")
    roles = {role: scopes for role, scopes in profile.roles.items() if role != "manager"}
    tenants.change_profile("grant-test", Profile(commands=profile.commands, roles=roles))

    response = request_token(api, client_id, secret)

    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


# --- the API with tokens -------------------------------------------------------------------


def test_a_token_acts_as_its_clients_tenant(api: str, clients: Clients, platform: Platform) -> None:
    cci, bpifrance = access_token(api, clients, "cci"), access_token(api, clients, "bpifrance")

    register_company(platform, "cci", "552100554")

    assert eventually(lambda: found(api, cci, "552100554"))
    assert not found(api, bpifrance, "552100554")


def test_a_request_without_a_token_is_refused(api: str) -> None:
    response = post_graphql(api, None, TYPENAME)
    with_tenant_header = httpx.post(
        f"{api}/graphql", json={"query": TYPENAME}, headers={"X-Osezia-Tenant": "cci"}
    )

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="osezia"'
    assert with_tenant_header.status_code == 401  # the development header is off here


def now() -> int:
    return int(time.time())


def claims_for(api: str, client_id: str, **changes: Any) -> dict[str, Any]:
    issued = now()
    claims = {
        "iss": api,
        "aud": AUDIENCE,
        "sub": client_id,
        "client_id": client_id,
        "iat": issued,
        "nbf": issued,
        "exp": issued + 300,
        "jti": secrets.token_urlsafe(16),
        "tenant": "cci",
        "roles": ["officer"],
        "scope": "read write",
    }
    claims.update(changes)
    return claims


def signed(key: ECKey, claims: dict[str, Any], **header: Any) -> str:
    return jwt.encode(
        {"typ": "at+jwt", "alg": "ES256", "kid": key.kid, **header},
        claims,
        key,
        algorithms=["ES256"],
    )


def unsigned(header: dict[str, Any], claims: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{_b64(sign(signing_input.encode()))}"


def forgeries(api: str, key: ECKey, client_id: str) -> dict[str, str]:
    """Tokens an attacker, a broken client or a clock could present; all must fail."""
    other = ECKey.generate_key("P-256", private=True, auto_kid=True)
    public_pem = key.as_pem(private=False)
    header = {"typ": "at+jwt", "kid": key.kid}
    claims = claims_for(api, client_id)
    return {
        "forged signature": signed(other, claims, kid=key.kid),
        "expired": signed(
            key, claims_for(api, client_id, iat=now() - 3600, nbf=now() - 3600, exp=now() - 1800)
        ),
        "not yet valid": signed(
            key, claims_for(api, client_id, iat=now() + 600, nbf=now() + 600, exp=now() + 1500)
        ),
        "wrong audience": signed(key, claims_for(api, client_id, aud="another-api")),
        "wrong issuer": signed(key, claims_for(api, client_id, iss="https://evil.example")),
        "issuer of another server": signed(
            other, claims_for(api, client_id, iss="https://evil.example")
        ),
        "unknown kid": signed(other, claims),
        "alg none": unsigned({**header, "alg": "none"}, claims, lambda _: b""),
        "HS256 with the public key": unsigned(
            {**header, "alg": "HS256"},
            claims,
            lambda data: hmac.new(public_pem, data, hashlib.sha256).digest(),
        ),
        "wrong typ": signed(key, claims, typ="JWT"),
        "not a JWT": "not-a-token",
    }


def test_forged_expired_and_misdirected_tokens_are_refused_with_401(
    api: str, clients: Clients, database_url: str
) -> None:
    client_id, _ = secret_client(clients, "cci")
    key = current_key(database_url)
    genuine = signed(key, claims_for(api, client_id))
    # The same recipe with every claim right is accepted: each forgery fails for its own fault.
    assert post_graphql(api, genuine, TYPENAME).status_code == 200

    for name, token in forgeries(api, key, client_id).items():
        response = post_graphql(api, token, TYPENAME)

        assert response.status_code == 401, name
        assert response.headers["www-authenticate"].startswith(
            'Bearer realm="osezia", error="invalid_token"'
        ), name


def test_a_revoked_clients_token_stops_working(api: str, clients: Clients) -> None:
    client_id, secret = secret_client(clients, "cci")
    token = request_token(api, client_id, secret).json()["access_token"]
    assert post_graphql(api, token, TYPENAME).status_code == 200

    clients.revoke_client(client_id, reason="laptop stolen")

    assert eventually(lambda: post_graphql(api, token, TYPENAME).status_code == 401)
    assert request_token(api, client_id, secret).status_code == 401


def test_a_suspended_tenants_tokens_stop_working(
    api: str, clients: Clients, tenants: Tenants
) -> None:
    tenants.register_tenant(
        "suspend-test", name="Réseau suspendu", profile=Profile(commands=frozenset())
    )
    token = access_token(api, clients, "suspend-test")
    assert post_graphql(api, token, TYPENAME).status_code == 200

    tenants.suspend_tenant("suspend-test", reason="unpaid")

    assert eventually(lambda: post_graphql(api, token, TYPENAME).status_code == 401)


def test_a_rotation_keeps_earlier_tokens_valid_and_publishes_both_keys(
    api: str, clients: Clients, database_url: str
) -> None:
    client_id, secret = secret_client(clients, "cci")
    before = request_token(api, client_id, secret).json()["access_token"]

    rotate_signing_key(database_url)
    after = request_token(api, client_id, secret).json()["access_token"]

    old_kid, new_kid = segments(before)[0]["kid"], segments(after)[0]["kid"]
    assert old_kid != new_kid
    published = {k["kid"] for k in httpx.get(f"{api}/.well-known/jwks.json").json()["keys"]}
    assert {old_kid, new_kid} <= published
    assert post_graphql(api, before, TYPENAME).status_code == 200
    assert post_graphql(api, after, TYPENAME).status_code == 200


# --- an external OpenID Connect provider ---------------------------------------------------


def provider_token(provider: Provider, key: RSAKey | None = None, **changes: Any) -> str:
    issued = now()
    claims = {
        "iss": provider.issuer,
        "aud": AUDIENCE,
        "sub": "f3b1c2d4-user",
        "iat": issued,
        "exp": issued + 300,
        "osezia_tenant": "cci",
        "osezia_roles": ["analyst"],
        **changes,
    }
    signer = key or provider.key
    return jwt.encode({"alg": "RS256", "kid": signer.kid}, claims, signer, algorithms=["RS256"])


def test_a_provider_token_acts_as_the_tenant_and_role_its_claims_name(
    api: str, platform: Platform, provider: Provider
) -> None:
    register_company(platform, "cci", "732829320")

    token = provider_token(provider)

    assert eventually(lambda: found(api, token, "732829320"))
    assert not found(api, provider_token(provider, osezia_tenant="bpifrance"), "732829320")


def test_provider_tokens_that_do_not_verify_or_map_are_refused(
    api: str, provider: Provider
) -> None:
    stranger = RSAKey.generate_key(2048, parameters={"kid": "idp-1"}, private=True)
    refused = {
        "signed by another key": provider_token(provider, key=stranger),
        "for another audience": provider_token(provider, aud="another-api"),
        "expired": provider_token(provider, iat=now() - 900, exp=now() - 600),
        "no tenant": provider_token(provider, osezia_tenant=None),
        "unknown tenant": provider_token(provider, osezia_tenant="nowhere"),
        "no role of the tenant": provider_token(provider, osezia_roles=["superuser"]),
    }

    for name, token in refused.items():
        assert post_graphql(api, token, TYPENAME).status_code == 401, name


def test_production_refuses_the_development_tenant_header() -> None:
    refused = subprocess.run(
        [*OSEZIA, "serve"],
        env=command_env(OSEZIA_ENV="production", OSEZIA_DEV_TENANT_HEADER="1"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert refused.returncode == 2
    assert "OSEZIA_DEV_TENANT_HEADER" in refused.stderr
