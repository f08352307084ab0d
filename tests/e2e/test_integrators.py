"""What integrators expect from `osezia serve`: CORS for the allowed origins, Apollo's
Automatic Persisted Queries (POST and GET), registered documents only where asked, Relay's
backward paging, and a cost budget per client and minute (in memory, and in Redis shared by
two replicas)."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import OSEZIA, access_token, command_env, migrated, serving
from tests.integration.process_support import redis_database

PARTNER_PAGE = "https://tableau-de-bord.partenaire.example"
DIRECTORY = """
query Directory($first: Int, $after: String, $last: Int, $before: String) {
  ambassadors(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id fullName } }
  }
}
"""
APPOINT = """
mutation Appoint($name: String!, $key: String!) {
  appointAmbassador(fullName: $name, kind: REGIONAL, network: CCI, appointedOn: "2025-09-01",
                    region: "53", idempotencyKey: $key) {
    __typename ... on Done { id consistencyToken } ... on Problem { code message }
  }
}
"""
NAMES = [f"Ambassadeur {letter}" for letter in "ABCDEFG"]


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def persisted(document: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha256(document)}}


def token_for(api: str, database_url: str, tenant: str = "cci") -> str:
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as clients:
        return access_token(api, clients, tenant)


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    migrated(database_url)
    log = tmp_path_factory.mktemp("integrators") / "serve.log"
    settings = {"OSEZIA_ALLOWED_ORIGINS": PARTNER_PAGE, "OSEZIA_GRAPHQL_COST_PER_MINUTE": "0"}
    with serving(database_url, log, port=None, **settings) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def token(api: str, database_url: str) -> str:
    return token_for(api, database_url)


def post(api: str, token: str, body: dict[str, Any], **headers: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", **headers}
    return httpx.post(f"{api}/graphql", json=body, headers=headers, timeout=10)


# --- CORS ---------------------------------------------------------------------------------


def test_a_browsers_preflight_from_an_allowed_origin_is_answered(api: str) -> None:
    preflight = httpx.options(
        f"{api}/graphql",
        headers={
            "Origin": PARTNER_PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, x-consistency-token",
        },
    )

    assert preflight.status_code == 200, preflight.text
    assert preflight.headers["access-control-allow-origin"] == PARTNER_PAGE
    assert "POST" in preflight.headers["access-control-allow-methods"]
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert {"authorization", "content-type", "x-consistency-token"} <= {
        h.strip() for h in allowed.split(",")
    }
    assert "access-control-allow-credentials" not in preflight.headers


def test_the_answer_to_an_allowed_origin_names_it_and_another_origin_gets_no_cors(
    api: str, token: str
) -> None:
    document = {"query": "{ projectionStatus { position } }"}
    allowed = post(api, token, document, Origin=PARTNER_PAGE)
    other = post(api, token, document, Origin="https://ailleurs.example")
    refused = httpx.options(
        f"{api}/graphql",
        headers={"Origin": "https://ailleurs.example", "Access-Control-Request-Method": "POST"},
    )

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PARTNER_PAGE
    assert "access-control-allow-origin" not in other.headers
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


# --- Automatic Persisted Queries ----------------------------------------------------------


def test_an_unknown_hash_is_not_found_then_the_document_with_it_runs_and_is_remembered(
    api: str, token: str
) -> None:
    # Unique to this run, so that no earlier request persisted it.
    document = f"query Apq{uuid.uuid4().hex} {{ projectionStatus {{ position }} }}"

    unknown = post(api, token, {"extensions": persisted(document)})
    sent = post(api, token, {"query": document, "extensions": persisted(document)})
    by_hash = post(api, token, {"extensions": persisted(document)})
    by_get = httpx.get(
        f"{api}/graphql",
        params={"extensions": orjson.dumps(persisted(document)).decode()},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
    )

    assert unknown.status_code == 200
    assert unknown.json()["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert sent.status_code == 200
    assert "errors" not in sent.json()
    assert by_hash.json() == sent.json()
    assert by_get.status_code == 200, by_get.text
    assert by_get.json() == sent.json()


def test_a_document_sent_with_another_hash_is_refused_and_not_remembered(
    api: str, token: str
) -> None:
    document = f"query Mismatch{uuid.uuid4().hex} {{ projectionStatus {{ position }} }}"
    wrong = {"persistedQuery": {"version": 1, "sha256Hash": sha256(document + " ")}}

    refused = post(api, token, {"query": document, "extensions": wrong})
    later = post(api, token, {"extensions": wrong})

    assert refused.status_code == 400
    assert refused.json()["errors"][0]["message"] == "provided sha does not match query"
    assert later.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


# --- Relay paging, backward ---------------------------------------------------------------


@pytest.fixture(scope="module")
def directory(api: str, token: str) -> list[str]:
    """Seven ambassadors appointed through the API; their names, as the directory orders them."""
    consistency = ""
    for name in NAMES:
        done = post(api, token, {"query": APPOINT, "variables": {"name": name, "key": name}})
        outcome = done.json()["data"]["appointAmbassador"]
        assert outcome["__typename"] == "Done", outcome
        consistency = outcome["consistencyToken"]
    # Read once the projector has applied the last appointment.
    seen = post(api, token, {"query": DIRECTORY}, **{"X-Consistency-Token": consistency})
    assert seen.json()["data"]["ambassadors"]["totalCount"] == len(NAMES), seen.text
    return sorted(NAMES)


def page(api: str, token: str, **arguments: object) -> dict[str, Any]:
    answer = post(api, token, {"query": DIRECTORY, "variables": arguments})
    body = answer.json()
    assert "errors" not in body, body
    found: dict[str, Any] = body["data"]["ambassadors"]
    return found


def names(found: dict[str, Any]) -> list[str]:
    return [edge["node"]["fullName"] for edge in found["edges"]]


def test_last_and_before_page_back_through_the_list_to_its_start(
    api: str, token: str, directory: list[str]
) -> None:
    pages = []
    found = page(api, token, last=3)
    pages.append(found)
    while found["pageInfo"]["hasPreviousPage"]:
        found = page(api, token, last=3, before=found["pageInfo"]["startCursor"])
        pages.append(found)

    assert [names(p) for p in pages] == [directory[4:], directory[1:4], directory[:1]]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [False, True, True]
    assert all(p["totalCount"] == len(directory) for p in pages)
    for found in pages:
        edges = found["edges"]
        assert found["pageInfo"]["startCursor"] == edges[0]["cursor"]
        assert found["pageInfo"]["endCursor"] == edges[-1]["cursor"]


def test_forward_pages_say_whether_rows_lie_before_them_and_ids_stay_uuids(
    api: str, token: str, directory: list[str]
) -> None:
    first = page(api, token, first=4)
    second = page(api, token, first=4, after=first["pageInfo"]["endCursor"])
    back = page(api, token, last=4, before=second["pageInfo"]["startCursor"])

    assert names(first) == directory[:4]
    assert names(second) == directory[4:]
    assert (first["pageInfo"]["hasPreviousPage"], first["pageInfo"]["hasNextPage"]) == (False, True)
    assert (second["pageInfo"]["hasPreviousPage"], second["pageInfo"]["hasNextPage"]) == (
        True,
        False,
    )
    assert names(back) == names(first)
    assert all(uuid.UUID(edge["node"]["id"]) for edge in first["edges"])


def test_first_and_last_together_are_refused_with_a_code(api: str, token: str) -> None:
    answer = post(api, token, {"query": DIRECTORY, "variables": {"first": 2, "last": 2}})

    error = answer.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_VALUE"
    assert "not both" in error["message"]


# --- Registered documents only ------------------------------------------------------------


def test_only_registered_documents_run_when_the_server_asks_for_them(
    database_url: str, api: str, tmp_path: Path
) -> None:
    registered = f"query Registered{uuid.uuid4().hex} {{ projectionStatus {{ position }} }}"
    (tmp_path / "registered.graphql").write_text(registered)
    (tmp_path / "broken.graphql").write_text("query { noSuchField }")
    env = command_env(DATABASE_URL=database_url)
    added = subprocess.run(
        [*OSEZIA, "documents", "add", str(tmp_path / "registered.graphql")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    again = subprocess.run(
        [*OSEZIA, "documents", "add", str(tmp_path / "registered.graphql")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    broken = subprocess.run(
        [*OSEZIA, "documents", "add", str(tmp_path / "broken.graphql")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    listed = subprocess.run(
        [*OSEZIA, "documents", "list", "--json"], env=env, capture_output=True, check=True
    )

    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith(f"registered: {sha256(registered)}")
    assert again.stdout.startswith(f"already registered: {sha256(registered)}")
    assert broken.returncode == 2
    assert "noSuchField" in broken.stderr
    assert sha256(registered) in [d["hash"] for d in orjson.loads(listed.stdout)]

    other = "{ projectionStatus { head } }"
    with serving(
        database_url, tmp_path / "serve.log", OSEZIA_REGISTERED_DOCUMENTS_ONLY="1"
    ) as strict:
        token = token_for(strict, database_url)
        by_hash = post(strict, token, {"extensions": persisted(registered)})
        whole = post(strict, token, {"query": registered})
        refused = post(strict, token, {"query": other})
        not_kept = post(strict, token, {"query": other, "extensions": persisted(other)})
        unknown = post(strict, token, {"extensions": persisted(other)})
        over_a_socket = asyncio.run(
            asyncio.wait_for(
                socket_answers(
                    strict,
                    token,
                    [
                        {"query": "subscription { diagnosticChanged { status } }"},
                        {"extensions": persisted(registered)},
                    ],
                ),
                timeout=30,
            )
        )

    assert by_hash.status_code == 200
    assert "errors" not in by_hash.json(), by_hash.text
    assert whole.json() == by_hash.json()
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_REGISTERED"
    assert not_kept.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_NOT_REGISTERED"
    assert unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    # Over a websocket too: an unregistered subscription is refused, a registered hash runs.
    refused_there, ran_there = over_a_socket
    assert refused_there["type"] == "error"
    assert refused_there["payload"][0]["extensions"]["code"] == "DOCUMENT_NOT_REGISTERED"
    assert ran_there["type"] == "next"
    assert ran_there["payload"] == by_hash.json()


async def socket_answers(api: str, token: str, payloads: list[dict[str, Any]]) -> list[Any]:
    """The first answer to each operation sent over one graphql-transport-ws connection."""
    url = api.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(
            orjson.dumps({"type": "connection_init", "payload": {"token": token}}).decode()
        )
        assert orjson.loads(await ws.recv())["type"] == "connection_ack"
        answers = []
        for n, payload in enumerate(payloads):
            await ws.send(
                orjson.dumps({"id": str(n), "type": "subscribe", "payload": payload}).decode()
            )
            answers.append(orjson.loads(await ws.recv()))
        return answers


# --- The cost budget ----------------------------------------------------------------------

# Costs 1 + 30: three fit in a budget of 100, a fourth does not.
THIRTY = "{ ambassadors(first: 30) { totalCount } }"


def in_one_window() -> None:
    """Wait out the minute if it is about to end, so that a test's requests share a window."""
    into = time.time() % 60
    if into > 45:
        time.sleep(60 - into + 0.1)


def spend(api: str, token: str, times: int) -> list[httpx.Response]:
    return [post(api, token, {"query": THIRTY}) for _ in range(times)]


def test_a_client_over_its_budget_is_answered_rate_limited_with_retry_after(
    database_url: str, api: str, tmp_path: Path
) -> None:
    with serving(
        database_url, tmp_path / "serve.log", OSEZIA_GRAPHQL_COST_PER_MINUTE="100"
    ) as limited:
        spender, other = token_for(limited, database_url), token_for(limited, database_url)
        in_one_window()
        answers = spend(limited, spender, 4)
        cheap = post(limited, spender, {"query": "{ projectionStatus { position } }"})
        others = spend(limited, other, 3)

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    error = refused.json()["errors"][0]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert error["extensions"]["retryAfter"] == int(refused.headers["retry-after"])
    # The refused request's cost was given back: a request costing 1 still fits (93 + 1).
    assert cheap.status_code == 200
    # Another client has a budget of its own.
    assert [a.status_code for a in others] == [200, 200, 200]


# A Redis database of this module's own (see process_support.redis_database).
BUDGET_REDIS_DB = 11


def test_replicas_sharing_redis_count_one_budget_per_client(
    database_url: str, api: str, redis: str, tmp_path: Path
) -> None:
    with redis_database(redis, BUDGET_REDIS_DB) as shared:
        answers = _spent_on_two_replicas(database_url, shared, tmp_path)

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"


def _spent_on_two_replicas(
    database_url: str, redis_url: str, tmp_path: Path
) -> list[httpx.Response]:
    redis = {
        "REDIS_URL": redis_url,
        "OSEZIA_GRAPHQL_COST_PER_MINUTE": "100",
        "OSEZIA_PUBLIC_URL": "http://127.0.0.1",  # one issuer: each accepts the other's tokens
    }
    with (
        serving(database_url, tmp_path / "a.log", port=None, **redis) as first,
        serving(database_url, tmp_path / "b.log", port=None, **redis) as second,
    ):
        token = token_for(first, database_url)
        in_one_window()
        return [*spend(first, token, 2), *spend(second, token, 2)]
