"""The token endpoint in-process, over the real PostgreSQL: secrets are checked on the Authority's
own threads, never on the default pool that runs commands, and past its bound a token request is
answered 503 at once rather than queued."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from starlette.applications import Starlette
from starlette.routing import Route

from osezia.domain.platform import Platform
from osezia.projections.connections import create_pool
from osezia.store.settings import Settings
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from osezia.tenants.clients.model import Client
from osezia.web.auth.authority import Authority
from osezia.web.auth.executor import MAX_WAITING, THREAD_PREFIX

PUBLIC_URL = "http://127.0.0.1:8000"
GATE_TIMEOUT = 60.0  # seconds: a failing test must not leave threads waiting forever


class WatchedClients(Clients):
    """The real client registry, real scrypt included, noting which thread checks each secret;
    while its gate is closed, every check waits for it to open."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.threads: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def authenticate_secret(self, client_id: str, secret: str) -> Client | None:
        self.threads.append(threading.current_thread().name)
        self.gate.wait(GATE_TIMEOUT)
        return super().authenticate_secret(client_id, secret)


@pytest.fixture
def clients(store_env: dict[str, str], platform: Platform) -> Iterator[WatchedClients]:
    with WatchedClients(env=store_env, share_with=platform.companies) as app:
        yield app


Scenario = Callable[[Authority, httpx.AsyncClient], Awaitable[None]]


def with_authority(
    database_url: str,
    clients: Clients,
    tenants: Tenants,
    scenario: Scenario,
    public_url: str = PUBLIC_URL,
) -> None:
    """Run ``scenario`` against an Authority serving /oauth/token in this process."""
    settings = Settings(
        database_url=database_url,
        redis_url=None,
        host="127.0.0.1",
        port=8000,
        environment="development",
        public_url=public_url,
    )

    async def run() -> None:
        pool = await create_pool(database_url, max_size=4)
        authority = Authority(settings, pool, clients, tenants)
        await authority.start()
        app = Starlette(routes=[Route("/oauth/token", authority.token, methods=["POST"])])
        transport = httpx.ASGITransport(app=app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
                await scenario(authority, http)
        finally:
            await authority.close()
            await pool.close()

    asyncio.run(run())


async def ask(http: httpx.AsyncClient, client_id: str, secret: str) -> httpx.Response:
    return await http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret)
    )


def test_secrets_are_checked_on_the_token_threads_not_on_the_default_pool(
    database_url: str, clients: WatchedClients, tenants: Tenants
) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="watched")
    assert secret is not None
    answers: list[httpx.Response] = []

    async def scenario(_: Authority, http: httpx.AsyncClient) -> None:
        answers.append(await ask(http, client_id, secret))
        answers.append(await ask(http, client_id, secret + "x"))

    with_authority(database_url, clients, tenants, scenario)

    assert [a.status_code for a in answers] == [200, 401]
    assert len(clients.threads) == 2
    assert all(name.startswith(f"{THREAD_PREFIX}_") for name in clients.threads), clients.threads


def test_past_its_bound_the_token_endpoint_answers_503_while_the_api_still_authenticates(
    database_url: str, clients: WatchedClients, tenants: Tenants
) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="flooded")
    assert secret is not None
    extra = 3
    refused: list[httpx.Response] = []
    answered: list[httpx.Response] = []
    authenticated: list[str] = []

    async def scenario(authority: Authority, http: httpx.AsyncClient) -> None:
        token = (await ask(http, client_id, secret)).json()["access_token"]
        clients.gate.clear()  # every secret check now waits, as behind a flood of scrypt
        flood: set[asyncio.Task[httpx.Response]]
        flood = {asyncio.create_task(ask(http, client_id, "wrong")) for _ in range(MAX_WAITING)}
        flood |= {asyncio.create_task(ask(http, client_id, "wrong")) for _ in range(extra)}
        pending = flood
        while len(refused) < extra:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            refused.extend(task.result() for task in done)
        # The token threads are taken and their queue is full: a GraphQL request's token is
        # still verified (its reads go to the default pool, which nothing here has filled).
        principal = await authority.authenticate({"authorization": f"Bearer {token}"})
        authenticated.append(principal.tenant)
        clients.gate.set()
        answered.extend(await asyncio.gather(*pending))

    with_authority(database_url, clients, tenants, scenario)

    assert authenticated == ["cci"]
    assert len(refused) == extra
    for response in refused:
        assert response.status_code == 503
        assert response.json()["error"] == "temporarily_unavailable"
        assert response.headers["retry-after"] == "1"
        assert response.headers["cache-control"] == "no-store"
    assert len(answered) == MAX_WAITING
    assert {(r.status_code, r.json()["error"]) for r in answered} == {(401, "invalid_client")}


def test_a_plain_http_public_url_off_the_loopback_gets_no_token(
    database_url: str, clients: WatchedClients, tenants: Tenants
) -> None:
    client_id, secret = clients.create_client("cci", role="officer", name="plaintext")
    assert secret is not None
    answers: list[httpx.Response] = []

    async def scenario(_: Authority, http: httpx.AsyncClient) -> None:
        answers.append(await ask(http, client_id, secret))

    with_authority(database_url, clients, tenants, scenario, "http://osezia.example.test")

    [answer] = answers
    assert (answer.status_code, answer.json()["error"]) == (400, "insecure_transport")
    assert answer.headers["cache-control"] == "no-store"


def test_a_signed_assertion_gets_a_token_once_and_authlib_warns_of_nothing(
    database_url: str, clients: WatchedClients, tenants: Tenants
) -> None:
    # Warnings are errors in this process: authlib's deprecations would fail the request.
    key = ECKey.generate_key("P-256", private=True)
    client_id, _ = clients.create_client(
        "inria", role="manager", name="signer", public_jwk=key.as_dict(private=False)
    )
    now = int(time.time())
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": f"{PUBLIC_URL}/oauth/token",
        "iat": now,
        "exp": now + 60,
        "jti": secrets.token_urlsafe(16),
    }
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": jwt.encode({"alg": "ES256"}, claims, key, algorithms=["ES256"]),
    }
    answers: list[httpx.Response] = []

    async def scenario(_: Authority, http: httpx.AsyncClient) -> None:
        answers.append(await http.post("/oauth/token", data=form))
        answers.append(await http.post("/oauth/token", data=form))

    with_authority(database_url, clients, tenants, scenario)

    first, replayed = answers
    assert first.status_code == 200, first.text
    assert first.json()["scope"] == "approve read write"
    assert (replayed.status_code, replayed.json()["error"]) == (401, "invalid_client")
    assert "already used" in replayed.json()["error_description"]
    assert clients.threads == []  # no secret was checked for it
