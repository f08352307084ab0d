"""Consistency tokens against `osezia serve`: a token beyond the log's head is refused at once, a
request waiting for its token holds no database connection (so another network is served
meanwhile), and a field that finds no connection free in time answers a retryable error.

The server runs with REDIS_URL, so it projects nothing itself: the read models move only when
a test catches them up, which lets a test hold a write that they have not reached yet.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from osezia.graphql.reading import ACQUIRE_SECONDS, WAIT_SECONDS
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import access_token, migrated, serving
from tests.integration.projection_support import build_all, catch_up_all, viewers_of

POOL_SIZE = 10  # the server's connections for tenants' reads (OSEZIA_READ_CONNECTIONS)
FIELDS = 20  # as many aliases as a request may hold
EVERY_ALIAS = (
    "{ " + " ".join(f"f{n}: companies(first: 1) {{ totalCount }}" for n in range(FIELDS)) + " }"
)
COUNT = "{ companies(first: 1) { totalCount } }"
REGISTER = """mutation ($input: RegisterCompanyInput!) { registerCompany(input: $input)
  { __typename ... on Done { consistencyToken } } }"""


@pytest.fixture(scope="module")
def api(database_url: str, redis: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    migrated(database_url)
    with Tenants(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as tenants:
        asyncio.run(build_all(database_url, viewers_of(tenants)))
    log_path = tmp_path_factory.mktemp("consistency") / "serve.log"
    with serving(
        database_url,
        log_path,
        REDIS_URL=redis,  # no projector in the server: the tests move the read models
        # The response cache reads the read models' state before any resolver runs; off, so
        # that what is measured here is the resolvers' own reading.
        OSEZIA_RESPONSE_CACHE="0",
        OSEZIA_READ_CONNECTIONS=str(POOL_SIZE),
    ) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def tokens(api: str, database_url: str) -> dict[str, str]:
    """An officer's access token for CCI and one for Bpifrance, from /oauth/token."""
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as clients:
        return {tenant: access_token(api, clients, tenant) for tenant in ("cci", "bpifrance")}


async def ask(
    api: str, token: str, query: str, consistency: str | None = None
) -> tuple[dict[str, Any], float]:
    """The answer to a query, and how long it took."""
    headers = {"Authorization": f"Bearer {token}"}
    if consistency is not None:
        headers["X-Consistency-Token"] = consistency
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(f"{api}/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer, time.monotonic() - started


def register(api: str, token: str, siren: str) -> str:
    """Register a company as the token's network; the write's consistency token."""
    company = {
        "siren": siren,
        "legalName": "Tuilerie de Bourgogne",
        "region": "27",
        "departement": "21",
        "naf": "23.32Z",
        "size": {"headcountUta": "30"},
    }
    response = httpx.post(
        f"{api}/graphql",
        json={"query": REGISTER, "variables": {"input": company}},
        headers={"Authorization": f"Bearer {token}"},
    )
    done = response.json()["data"]["registerCompany"]
    assert done["__typename"] == "Done", done
    token_: str = done["consistencyToken"]
    return token_


def codes(answer: dict[str, Any]) -> set[str]:
    return {error["extensions"]["code"] for error in answer.get("errors", [])}


def log_head(database_url: str) -> int:
    with psycopg.connect(database_url) as conn:
        row = conn.execute("SELECT coalesce(max(notification_id), 0) FROM osezia_events").fetchone()
    assert row is not None
    return int(row[0])


def connections(database_url: str) -> int:
    """How many connections to the test database there are, besides the one asking."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def transactions_held(database_url: str) -> int:
    """Connections to the test database that sit inside a transaction between statements."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_token_beyond_the_logs_head_is_refused_at_once_naming_it(
    api: str, tokens: dict[str, str], database_url: str
) -> None:
    far = str(log_head(database_url) + 1_000_000_000)
    warm, _ = asyncio.run(ask(api, tokens["cci"], COUNT, "0"))  # the server's connections open
    assert "errors" not in warm, warm
    before = connections(database_url)

    answer, took = asyncio.run(ask(api, tokens["cci"], EVERY_ALIAS, far))

    assert codes(answer) == {"INVALID_VALUE"}
    assert all(far in error["message"] for error in answer["errors"])
    assert took < WAIT_SECONDS / 2  # refused, not waited for
    # The request read the head once for its twenty fields, on a connection already open:
    # twenty reads at once would each have taken one, opening as many as the pool holds.
    assert connections(database_url) - before <= 2


def test_requests_waiting_for_their_write_hold_no_connection_from_another_network(
    api: str, tokens: dict[str, str], database_url: str
) -> None:
    written = register(api, tokens["cci"], "552100554")  # not projected yet

    async def scenario() -> tuple[list[dict[str, Any]], float, list[int]]:
        waiting = [
            asyncio.ensure_future(ask(api, tokens["cci"], EVERY_ALIAS, written)) for _ in range(3)
        ]
        await asyncio.sleep(1.0)  # the three requests are in, their sixty fields waiting
        assert not any(w.done() for w in waiting)
        held = [await asyncio.to_thread(transactions_held, database_url) for _ in range(5)]
        _, other_took = await ask(api, tokens["bpifrance"], COUNT)
        with Tenants(env=Database.from_url(database_url).eventsourcing_env(1)) as tenants:
            await catch_up_all(database_url, viewers_of(tenants))
        answers = [answer for answer, _ in await asyncio.gather(*waiting)]
        return answers, other_took, held

    answers, other_took, held = asyncio.run(asyncio.wait_for(scenario(), timeout=60))

    assert held == [0] * 5
    assert other_took < ACQUIRE_SECONDS  # it found a connection free at once
    for answer in answers:  # each waited for the write, then read it
        assert "errors" not in answer, answer
        assert {field["totalCount"] for field in answer["data"].values()} == {1}


def test_a_write_the_read_models_never_reach_answers_not_yet_consistent(
    api: str, tokens: dict[str, str]
) -> None:
    written = register(api, tokens["cci"], "732829320")  # and no catching up

    answer, took = asyncio.run(ask(api, tokens["cci"], EVERY_ALIAS, written))

    assert codes(answer) == {"NOT_YET_CONSISTENT"}
    assert WAIT_SECONDS - 0.5 < took < WAIT_SECONDS * 3


def test_a_field_that_finds_no_connection_free_in_time_answers_a_retryable_error(
    api: str, tokens: dict[str, str], database_url: str
) -> None:
    # As many fields as the pool has connections: none of them waits for one (a field that
    # timed out would end the request, and free the others' connections with it).
    blocked = "{ " + " ".join(f"f{n}: companies {{ totalCount }}" for n in range(POOL_SIZE)) + " }"
    asyncio.run(ask(api, tokens["bpifrance"], COUNT))  # its signing key is fresh in memory

    async def scenario() -> tuple[dict[str, Any], float]:
        lock = await psycopg.AsyncConnection.connect(database_url)
        watch = await psycopg.AsyncConnection.connect(database_url, autocommit=True)
        try:
            # Each of CCI's fields then waits for the lock, on a connection of its own.
            await lock.execute("LOCK TABLE tenant_cci.companies IN ACCESS EXCLUSIVE MODE")
            stuck = asyncio.ensure_future(ask(api, tokens["cci"], blocked))
            while await locked_out(watch) < POOL_SIZE:
                await asyncio.sleep(0.05)
            answer, took = await ask(api, tokens["bpifrance"], COUNT)
            await lock.rollback()
            await stuck
        finally:
            await lock.close()
            await watch.close()
        return answer, took

    answer, took = asyncio.run(asyncio.wait_for(scenario(), timeout=60))

    assert codes(answer) == {"TEMPORARILY_UNAVAILABLE"}
    assert "retry" in answer["errors"][0]["message"]
    assert took < WAIT_SECONDS * 2


async def locked_out(conn: psycopg.AsyncConnection[Any]) -> int:
    """How many of the test database's connections wait for a lock (read outside any
    transaction: inside one, pg_stat_activity would answer the same snapshot every time)."""
    cursor = await conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
