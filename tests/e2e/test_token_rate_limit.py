"""/oauth/token's rate limits against `osezia serve`: per source address and per client id's
failed authentications, counted in memory without REDIS_URL and in Redis (shared by replicas)
with it; X-Forwarded-For is believed from a trusted proxy only.

Every test names its own source addresses (through a trusted proxy, the loopback), so that the
counts of one test, or of another run sharing the Redis, never meet another's.
"""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest

from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import migrated, secret_client, serving
from tests.integration.projection_support import build_all, viewers_of


def limited(
    history: str, log: Path, *, proxies: str = "127.0.0.1", redis: str = ""
) -> AbstractContextManager[str]:
    """`osezia serve` allowing 5 requests a minute per address and 3 failures per client id;
    with `redis`, counting there."""
    # Without `redis`, no REDIS_URL at all: an empty one is refused at start.
    counted_in = {"REDIS_URL": redis} if redis else {}
    settings = {
        "OSEZIA_TRUSTED_PROXIES": proxies,
        "OSEZIA_TOKEN_RATE_PER_ADDRESS": "5",
        "OSEZIA_TOKEN_RATE_PER_CLIENT": "3",
        **counted_in,
    }
    return serving(history, log, port=None, **settings)


def an_address() -> str:
    """A documentation address (RFC 3849) no other test uses."""
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def from_(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def in_one_window() -> None:
    """Wait out the minute if it is about to end, so that a test's requests share a window."""
    into = time.time() % 60
    if into > 45:
        time.sleep(60 - into + 0.1)


def ask(api: str, client_id: str, secret: str, address: str | None = None) -> httpx.Response:
    return httpx.post(
        f"{api}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client_id, secret),
        headers=from_(address) if address else {},
        timeout=10,
    )


@pytest.fixture(scope="module")
def history(database_url: str) -> str:
    """An empty, migrated history whose read models are built (a server with REDIS_URL
    projects nothing itself)."""
    migrated(database_url)
    with Tenants(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as tenants:
        asyncio.run(build_all(database_url, viewers_of(tenants)))
    return database_url


@pytest.fixture(scope="module")
def clients(history: str) -> Iterator[Clients]:
    with Clients(env=Database.from_url(history).eventsourcing_env(pool_size=1)) as clients:
        yield clients


@pytest.fixture(scope="module")
def api(history: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server counting in its own memory, behind a proxy on the loopback."""
    log = tmp_path_factory.mktemp("ratelimit") / "serve.log"
    with limited(history, log) as base_url:
        yield base_url


def test_an_address_beyond_its_limit_is_told_to_slow_down_and_when_to_retry(
    api: str, clients: Clients
) -> None:
    client_id, secret = secret_client(clients, "cci")
    flooder, other = an_address(), an_address()
    in_one_window()
    served = [ask(api, client_id, secret, flooder).status_code for _ in range(5)]

    refused = ask(api, client_id, secret, flooder)

    assert served == [200] * 5
    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_requests"
    assert "address" in refused.json()["error_description"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["cache-control"] == "no-store"
    assert ask(api, client_id, secret, other).status_code == 200


def test_wrong_secrets_for_a_client_id_are_limited_from_any_address(
    api: str, clients: Clients
) -> None:
    client_id, _ = secret_client(clients, "cci")
    in_one_window()
    failed = [ask(api, client_id, "wrong", an_address()).status_code for _ in range(3)]

    refused = ask(api, client_id, "wrong", an_address())

    assert failed == [401] * 3
    assert refused.status_code == 429
    assert "client" in refused.json()["error_description"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60


def test_a_client_that_authenticates_is_not_limited_by_its_own_successes(
    api: str, clients: Clients
) -> None:
    client_id, secret = secret_client(clients, "bpifrance")
    in_one_window()

    answers = [ask(api, client_id, secret, an_address()).status_code for _ in range(6)]

    assert answers == [200] * 6  # beyond the client limit of 3, each from its own address


def test_an_assertions_claimed_subject_is_counted_as_its_client(api: str, clients: Clients) -> None:
    client_id, _ = secret_client(clients, "cci")
    # A well-formed JWT whose signature is garbage: refused, and counted under its `sub`.
    claims = f'{{"sub":"{client_id}","iss":"{client_id}"}}'.encode()
    forged = (
        "eyJhbGciOiJFUzI1NiJ9."
        + base64.urlsafe_b64encode(claims).decode().rstrip("=")
        + ".c2lnbmF0dXJl"
    )
    form = {
        "grant_type": "client_credentials",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": forged,
    }
    in_one_window()
    statuses = [
        httpx.post(f"{api}/oauth/token", data=form, headers=from_(an_address())).status_code
        for _ in range(4)
    ]

    assert statuses == [401, 401, 401, 429]


def test_refusals_are_counted_in_the_metrics(api: str, clients: Clients) -> None:
    client_id, secret = secret_client(clients, "cci")
    flooder = an_address()
    in_one_window()
    for _ in range(6):
        ask(api, client_id, secret, flooder)

    scraped = httpx.get(f"{api}/metrics", timeout=10).text

    assert 'osezia_token_requests_limited_total{key="address"}' in scraped
    assert 'osezia_token_requests_limited_total{key="client"}' in scraped


def test_a_forwarded_header_from_an_untrusted_peer_is_ignored(
    history: str, clients: Clients, tmp_path: Path
) -> None:
    client_id, secret = secret_client(clients, "cci")
    with limited(history, tmp_path / "serve.log", proxies="10.0.0.0/8") as untrusting:
        in_one_window()
        # Every request claims another address; the peer, the loopback, is what is counted.
        answers = [ask(untrusting, client_id, secret, an_address()).status_code for _ in range(6)]

    assert answers == [200] * 5 + [429]


def test_with_redis_two_servers_share_one_count(
    history: str, clients: Clients, redis: str, tmp_path: Path
) -> None:
    client_id, secret = secret_client(clients, "cci")
    flooder, failing = an_address(), secret_client(clients, "cci")[0]
    with (
        limited(history, tmp_path / "one.log", redis=redis) as one,
        limited(history, tmp_path / "two.log", redis=redis) as two,
    ):
        in_one_window()
        served = [ask(api, client_id, secret, flooder).status_code for api in [one, two] * 2]
        served.append(ask(one, client_id, secret, flooder).status_code)
        on_two = ask(two, client_id, secret, flooder)
        failed = [ask(api, failing, "wrong", an_address()).status_code for api in (one, two, one)]
        locked = ask(two, failing, "wrong", an_address())

    assert served == [200] * 5
    assert on_two.status_code == 429
    assert failed == [401] * 3
    assert locked.status_code == 429
