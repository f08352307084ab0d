"""An open subscription follows its caller's standing, against `osezia serve`: it is closed with
4403 within five seconds of its client's revocation or its tenant's suspension (both made by
the `osezia` command, another process) and at its access token's expiry, ours or an OpenID
provider's; other sockets stay open."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from joserfc import jwt
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from tests.e2e.conftest import OSEZIA, Provider, command_env, migrated, request_token, serving

PROTOCOL = Subprotocol("graphql-transport-ws")
LIFETIME = 60  # seconds: the shortest access token OSEZIA_TOKEN_LIFETIME allows
BOUND = 5.0  # seconds within which a socket must close
SLACK = 1.0  # for a loaded machine, on top of the bound
SUBSCRIPTION = "subscription { diagnosticChanged { companySiren status requestedBy } }"
REGISTER = """mutation ($input: RegisterCompanyInput!) { registerCompany(input: $input)
  { __typename ... on Done { id consistencyToken } } }"""
REQUEST = """mutation ($id: ID!) { requestDiagnostic(companyId: $id)
  { __typename ... on Done { id } } }"""


@dataclass(frozen=True)
class Api:
    url: str
    env: dict[str, str]  # what the `osezia` command needs to act on the same database


@pytest.fixture(scope="module")
def api(
    database_url: str, provider: Provider, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    migrated(database_url)
    with serving(
        database_url,
        tmp_path_factory.mktemp("standing") / "serve.log",
        OSEZIA_TOKEN_LIFETIME=str(LIFETIME),
        OSEZIA_OIDC_ISSUER=provider.issuer,
        OSEZIA_OIDC_JWKS_URL=provider.jwks_url,
    ) as base_url:
        yield Api(base_url, command_env(DATABASE_URL=database_url))


# --- helpers -------------------------------------------------------------------------------


def osezia(api: Api, *arguments: str) -> str:
    """Run the `osezia` command, as an operator would; its output."""
    done = subprocess.run(
        [*OSEZIA, *arguments], env=api.env, check=True, capture_output=True, text=True
    )
    return done.stdout


def new_client(api: Api, tenant: str) -> tuple[str, str]:
    """A client made with `osezia clients create`: its id and secret."""
    printed = osezia(api, "clients", "create", tenant, "--role", "officer", "--name", "ws e2e")
    fields = dict(line.split(":", 1) for line in printed.splitlines() if ":" in line)
    return fields["client_id"].strip(), fields["client_secret"].strip()


def access_token(api: Api, client: tuple[str, str]) -> str:
    answer = request_token(api.url, *client)
    answer.raise_for_status()
    token: str = answer.json()["access_token"]
    return token


def expiry(token: str) -> int:
    payload = token.split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return int(claims["exp"])


def provider_token(provider: Provider, tenant: str, lifetime: int) -> str:
    issued = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": "osezia-api",
        "sub": "f3b1c2d4-user",
        "iat": issued,
        "exp": issued + lifetime,
        "osezia_tenant": tenant,
        "osezia_roles": ["officer"],
    }
    key = provider.key
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


def graphql(api: Api, token: str, query: str, **variables: Any) -> dict[str, Any]:
    answer = httpx.post(
        f"{api.url}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def request_a_diagnostic(api: Api, token: str, siren: str) -> None:
    company = {
        "siren": siren,
        "legalName": "Faïencerie de Gien",
        "region": "24",
        "departement": "45",
        "naf": "23.41Z",
        "size": {"headcountUta": "40"},
    }
    registered = graphql(api, token, REGISTER, input=company)["registerCompany"]
    assert registered["__typename"] == "Done", registered
    requested = graphql(api, token, REQUEST, id=registered["id"])["requestDiagnostic"]
    assert requested["__typename"] == "Done", requested


async def subscribed(api: Api, token: str) -> ClientConnection:
    """A socket acknowledged for the token, with one subscription running."""
    ws = await connect(f"ws://{api.url.removeprefix('http://')}/graphql", subprotocols=[PROTOCOL])
    await ws.send(json.dumps({"type": "connection_init", "payload": {"token": token}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    subscribe = {"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIPTION}}
    await ws.send(json.dumps(subscribe))
    return ws


async def closing(ws: ClientConnection, seconds: float) -> tuple[int | None, float]:
    """The code the server closes the socket with, and when (time.time()); messages received
    meanwhile are passed over. Fails if the socket is still open after `seconds`."""
    async with asyncio.timeout(seconds):
        try:
            while True:
                await ws.recv()
        except ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), time.time()


async def still_open(ws: ClientConnection) -> bool:
    """Whether the server still answers a graphql-transport-ws ping on the socket."""
    try:
        await ws.send(json.dumps({"type": "ping"}))
        async with asyncio.timeout(10):
            while json.loads(await ws.recv())["type"] != "pong":
                pass
    except ConnectionClosed:
        return False
    return True


def run(scenario: Any, seconds: float = 60) -> Any:
    return asyncio.run(asyncio.wait_for(scenario, timeout=seconds))


# --- revocation and suspension -------------------------------------------------------------


def test_a_revoked_clients_socket_is_closed_with_4403_and_another_clients_stays_open(
    api: Api,
) -> None:
    revoked, kept = new_client(api, "cci"), new_client(api, "cci")
    token = access_token(api, revoked)

    async def scenario() -> tuple[dict[str, Any], int | None, float, bool]:
        ws = await subscribed(api, token)
        other = await subscribed(api, access_token(api, kept))
        await asyncio.sleep(0.5)  # the subscription listens before the command runs
        await asyncio.to_thread(request_a_diagnostic, api, token, "552081317")
        async with asyncio.timeout(20):
            received = json.loads(await ws.recv())  # live: the change reaches it
        await asyncio.to_thread(osezia, api, "clients", "revoke", revoked[0])
        revoked_at = time.time()
        code, closed_at = await closing(ws, BOUND * 3)
        open_still = await still_open(other)
        await other.close()
        return received, code, closed_at - revoked_at, open_still

    received, code, took, open_still = run(scenario())

    assert received["type"] == "next"
    assert received["payload"]["data"]["diagnosticChanged"]["companySiren"] == "552081317"
    assert code == 4403
    assert took < BOUND + SLACK
    assert open_still


def test_a_suspended_tenants_sockets_are_closed_with_4403_its_providers_users_too(
    api: Api, provider: Provider
) -> None:
    osezia(api, "tenants", "add", "cma", "--name", "CMA France", "--like", "cci")
    ready = time.monotonic() + 60  # its read models are built by the server's projector
    while httpx.get(f"{api.url}/readyz").json().get("building") != []:
        assert time.monotonic() < ready, "the new tenant's read models were not built"
        time.sleep(0.2)
    token = access_token(api, new_client(api, "cma"))
    elsewhere = access_token(api, new_client(api, "cci"))

    async def scenario() -> tuple[list[int | None], list[float], bool]:
        sockets = [
            await subscribed(api, token),
            await subscribed(api, provider_token(provider, "cma", lifetime=600)),
        ]
        other = await subscribed(api, elsewhere)
        await asyncio.sleep(0.5)
        assert all([await still_open(ws) for ws in sockets])
        await asyncio.to_thread(osezia, api, "tenants", "suspend", "cma", "--reason", "unpaid")
        suspended_at = time.time()
        closed = [await closing(ws, BOUND * 3) for ws in sockets]
        open_still = await still_open(other)
        await other.close()
        return [code for code, _ in closed], [at - suspended_at for _, at in closed], open_still

    codes, took, open_still = run(scenario())

    assert codes == [4403, 4403]
    assert max(took) < BOUND + SLACK
    assert open_still


# --- expiry ------------------------------------------------------------------------------


def test_a_socket_is_closed_with_4403_when_its_access_token_expires(api: Api) -> None:
    token = access_token(api, new_client(api, "cci"))
    expires = expiry(token)

    async def scenario() -> tuple[bool, int | None, float]:
        ws = await subscribed(api, token)
        await asyncio.sleep(max(0.0, expires - 3 - time.time()))
        open_before = await still_open(ws)  # three seconds before its token expires
        code, closed_at = await closing(ws, BOUND * 3)
        return open_before, code, closed_at

    open_before, code, closed_at = run(scenario(), seconds=LIFETIME + 60)

    assert open_before
    assert code == 4403
    assert expires - SLACK <= closed_at < expires + BOUND + SLACK


def test_a_socket_opened_with_a_providers_token_is_closed_when_that_token_expires(
    api: Api, provider: Provider
) -> None:
    token = provider_token(provider, "cci", lifetime=8)
    expires = expiry(token)

    async def scenario() -> tuple[bool, int | None, float]:
        ws = await subscribed(api, token)
        open_before = await still_open(ws)
        code, closed_at = await closing(ws, BOUND * 4)
        return open_before, code, closed_at

    open_before, code, closed_at = run(scenario())

    assert open_before
    assert code == 4403
    assert expires - SLACK <= closed_at < expires + BOUND + SLACK
