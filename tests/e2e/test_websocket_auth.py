"""graphql-transport-ws over a real websocket against `osezia serve`: the access token travels in
connection_init (browsers cannot set headers on a websocket), a connection without a valid one
is refused, operations run as the token's tenant, and connections are capped and origin-checked.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.web.view import MAX_SUBSCRIPTIONS_PER_CONNECTION
from tests.e2e.conftest import access_token, migrated, serving

PARTNER_PAGE = "https://tableau-de-bord.partenaire.example"
PROTOCOL = Subprotocol("graphql-transport-ws")
COUNT = "{ companies { totalCount } }"


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The server's host and port (websocket and HTTP URLs are built on them)."""
    migrated(database_url)
    log_path = tmp_path_factory.mktemp("websocket") / "serve.log"
    with serving(database_url, log_path, OSEZIA_ALLOWED_ORIGINS=PARTNER_PAGE) as base_url:
        yield base_url.removeprefix("http://")


@pytest.fixture(scope="module")
def tokens(api: str, database_url: str) -> dict[str, str]:
    """A token for CCI, with a company of its own registered, and one for Bpifrance."""
    env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
    with Clients(env=env) as clients:
        found = {t: access_token(f"http://{api}", clients, t) for t in ("cci", "bpifrance")}
    registered = httpx.post(
        f"http://{api}/graphql",
        json={
            "query": """mutation ($input: RegisterCompanyInput!) { registerCompany(input: $input)
              { __typename ... on Done { consistencyToken } } }""",
            "variables": {
                "input": {
                    "siren": "542107651",
                    "legalName": "Verrerie de Lorraine",
                    "region": "44",
                    "departement": "54",
                    "naf": "23.13Z",
                    "size": {"headcountUta": "40"},
                }
            },
        },
        headers={"Authorization": f"Bearer {found['cci']}"},
    ).json()
    token = registered["data"]["registerCompany"]["consistencyToken"]
    httpx.post(  # returns once CCI's read models hold the company
        f"http://{api}/graphql",
        json={"query": COUNT},
        headers={"Authorization": f"Bearer {found['cci']}", "X-Consistency-Token": token},
    ).raise_for_status()
    return found


def run(scenario: Any) -> Any:
    return asyncio.run(asyncio.wait_for(scenario, timeout=20))


async def message(ws: ClientConnection) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(await ws.recv())
    return answer


async def refusal_of(api: str, payload: dict[str, Any] | None) -> int | None:
    """The close code the server answers connection_init with (None if it acknowledges)."""
    async with connect(f"ws://{api}/graphql", subprotocols=[PROTOCOL]) as ws:
        init: dict[str, Any] = {"type": "connection_init"}
        if payload is not None:
            init["payload"] = payload
        await ws.send(json.dumps(init))
        try:
            assert (await message(ws))["type"] == "connection_ack"
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None
        return None


async def query_over(api: str, payload: dict[str, Any], query: str) -> dict[str, Any]:
    async with connect(f"ws://{api}/graphql", subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert (await message(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        answer = await message(ws)
        assert answer["type"] == "next", answer
        assert (await message(ws))["type"] == "complete"
        data: dict[str, Any] = answer["payload"]
        return data


def test_connection_init_without_a_token_is_refused(api: str) -> None:
    assert run(refusal_of(api, None)) == 4403
    assert run(refusal_of(api, {})) == 4403


def test_connection_init_with_an_invalid_token_is_refused(api: str, tokens: dict[str, str]) -> None:
    forged = tokens["cci"][:-4] + ("AAAA" if not tokens["cci"].endswith("AAAA") else "BBBB")

    assert run(refusal_of(api, {"Authorization": f"Bearer {forged}"})) == 4403
    assert run(refusal_of(api, {"token": "not-a-jwt"})) == 4403
    assert run(refusal_of(api, {"Authorization": tokens["cci"]})) == 4403  # no Bearer scheme


def test_connection_init_with_a_valid_token_is_acknowledged(
    api: str, tokens: dict[str, str]
) -> None:
    assert run(refusal_of(api, {"Authorization": f"Bearer {tokens['cci']}"})) is None
    assert run(refusal_of(api, {"token": tokens["cci"]})) is None


def test_operations_run_as_the_tenant_of_the_connection_init_token(
    api: str, tokens: dict[str, str]
) -> None:
    ours = run(query_over(api, {"token": tokens["cci"]}, COUNT))
    theirs = run(query_over(api, {"token": tokens["bpifrance"]}, COUNT))

    assert ours == {"data": {"companies": {"totalCount": 1}}}
    assert theirs == {"data": {"companies": {"totalCount": 0}}}


def test_an_operation_before_connection_init_closes_the_connection(api: str) -> None:
    async def scenario() -> int | None:
        async with connect(f"ws://{api}/graphql", subprotocols=[PROTOCOL]) as ws:
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": COUNT}}))
            try:
                await ws.recv()
            except ConnectionClosed as closed:
                return closed.rcvd.code if closed.rcvd else None
        return None

    assert run(scenario()) == 4401


def test_a_connection_holds_at_most_ten_subscriptions(api: str, tokens: dict[str, str]) -> None:
    subscription = "subscription { diagnosticChanged { status } }"

    async def scenario() -> dict[str, Any]:
        async with connect(f"ws://{api}/graphql", subprotocols=[PROTOCOL]) as ws:
            await ws.send(
                json.dumps({"type": "connection_init", "payload": {"token": tokens["cci"]}})
            )
            assert (await message(ws))["type"] == "connection_ack"
            for n in range(MAX_SUBSCRIPTIONS_PER_CONNECTION + 1):
                subscribe = {"id": str(n), "type": "subscribe", "payload": {"query": subscription}}
                await ws.send(json.dumps(subscribe))
            return await message(ws)  # the ten run silently: the first message is the refusal

    refused = run(scenario())

    assert MAX_SUBSCRIPTIONS_PER_CONNECTION == 10
    assert refused["id"] == "10"
    assert refused["type"] == "error"
    assert refused["payload"][0]["message"] == "Subscription limit reached"


def test_pages_of_other_origins_may_not_connect_unless_allowed(
    api: str, tokens: dict[str, str]
) -> None:
    async def handshake(origin: str) -> int:
        try:
            async with connect(
                f"ws://{api}/graphql", subprotocols=[PROTOCOL], origin=Origin(origin)
            ):
                return 101
        except InvalidStatus as refused:
            return refused.response.status_code

    assert run(handshake("https://attacker.example")) == 403
    assert run(handshake(PARTNER_PAGE)) == 101
