"""Hostile and careless requests over real HTTP against `osezia serve`: oversized and malformed
bodies, values their types refuse, a busy database, and a production server that keeps its
schema to itself. Each is answered as the client's own mistake (or a moment to retry), never
as an internal error."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import psycopg
import pytest

from osezia.store.keys_setup import derived_keys_url
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import access_token, migrated, serving

MAX_BODY = 64 * 1024
COUNT = "{ companies(first: 5) { totalCount } }"


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A development server that reads request bodies of up to 64 KiB."""
    migrated(database_url)
    log = tmp_path_factory.mktemp("hostile") / "serve.log"
    with serving(database_url, log, OSEZIA_MAX_BODY_BYTES=str(MAX_BODY)) as base_url:
        yield base_url


def key_store_elsewhere(database_url: str) -> str:
    """The session's key store, named as production wants it: on another server than the
    log's. The tests have one PostgreSQL: reached by another name for it, which the check (of
    the addresses configured) takes for another server."""
    keys = Database.from_url(derived_keys_url(database_url))
    assert keys.host == "127.0.0.1", "the tests' PostgreSQL is reached over TCP on 127.0.0.1"
    return derived_keys_url(database_url).replace("@127.0.0.1", "@localhost", 1)


@pytest.fixture(scope="module")
def production(
    api: str, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A production server beside the development one, on the same database."""
    log = tmp_path_factory.mktemp("production") / "serve.log"
    with serving(
        database_url,
        log,
        OSEZIA_ENV="production",
        OSEZIA_PUBLIC_URL="https://osezia.example.fr",
        OSEZIA_KEYS_URL=key_store_elsewhere(database_url),
    ) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def clients(api: str, database_url: str) -> Iterator[Clients]:
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=2)) as app:
        yield app


@pytest.fixture(scope="module")
def token(api: str, clients: Clients) -> str:
    return access_token(api, clients, "cci")


def post(api: str, token: str, content: bytes | Iterator[bytes], **headers: str) -> httpx.Response:
    return httpx.post(
        f"{api}/graphql",
        content=content,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            **headers,
        },
        timeout=30,
    )


def ask(api: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The JSON answer of a GraphQL request that HTTP accepted."""
    body = {"query": query, "variables": variables or {}}
    response = post(api, token, json.dumps(body).encode())
    assert response.status_code == 200, response.text
    return response.json()


def refusal_code(response: httpx.Response) -> str:
    code: str = response.json()["errors"][0]["extensions"]["code"]
    return code


# --- bodies --------------------------------------------------------------------------------


def padded(size: int) -> bytes:
    """A valid request of exactly `size` bytes: the padding is in an unused variable."""
    empty = json.dumps({"query": COUNT, "variables": {"padding": ""}}).encode()
    return json.dumps(
        {"query": COUNT, "variables": {"padding": "x" * (size - len(empty))}}
    ).encode()


def test_a_body_within_the_limit_is_answered(api: str, token: str) -> None:
    response = post(api, token, padded(MAX_BODY))

    assert response.status_code == 200, response.text
    assert response.json()["data"]["companies"]["totalCount"] == 0


def test_a_body_over_the_limit_is_refused_with_413_by_its_content_length(
    api: str, token: str
) -> None:
    response = post(api, token, padded(MAX_BODY + 1))

    assert response.status_code == 413
    assert refusal_code(response) == "BODY_TOO_LARGE"
    assert str(MAX_BODY) in response.json()["errors"][0]["message"]


def test_a_chunked_body_is_refused_with_413_once_it_passes_the_limit(api: str, token: str) -> None:
    body = padded(2 * MAX_BODY)
    chunks = iter([body[i : i + 8192] for i in range(0, len(body), 8192)])

    response = post(api, token, chunks)  # no Content-Length: sent chunked

    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert response.status_code == 413
    assert refusal_code(response) == "BODY_TOO_LARGE"


@pytest.mark.parametrize("body", [b"[]", b'"x"', b"1", b"null", b"true", b'[{"query": "{ a }"}]'])
def test_a_json_body_that_is_not_an_object_is_a_400_with_a_json_error(
    api: str, token: str, body: bytes
) -> None:
    response = post(api, token, body)

    assert response.status_code == 400
    assert refusal_code(response) == "BAD_REQUEST"
    assert "one JSON object" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 10_000 + b"]" * 10_000,
        b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 10_000 + b"]" * 10_000 + b"}}",
    ],
    ids=["the body", "its variables"],
)
def test_json_nested_10000_deep_is_a_400(api: str, token: str, body: bytes) -> None:
    response = post(api, token, body)

    assert response.status_code == 400
    assert refusal_code(response) == "BAD_REQUEST"
    assert "1024" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("body", [b'{"query": ', b'{"query": "{ __typename }", "x": NaN}'])
def test_a_body_that_is_not_json_is_a_400(api: str, token: str, body: bytes) -> None:
    response = post(api, token, body)

    assert response.status_code == 400
    assert refusal_code(response) == "BAD_REQUEST"


def test_several_operations_without_an_operation_name_are_refused(api: str, token: str) -> None:
    document = "query Count { companies { totalCount } } mutation Nothing { __typename }"

    refused = ask(api, token, document)
    named = post(
        api, token, json.dumps({"query": document, "operationName": "Count"}).encode()
    ).json()

    assert refused["data"] is None
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["OPERATION_NAME_REQUIRED"]
    assert "operationName" in refused["errors"][0]["message"]
    assert named == {"data": {"companies": {"totalCount": 0}}}


# --- values its types refuse ---------------------------------------------------------------

FIRST = "query ($first: Int!) { companies(first: $first) { totalCount } }"
DIRECTION = "query ($d: Direction!) { referrals(direction: $d) { totalCount } }"
FIGURES = "query ($day: Date) { loanFigures(asOf: $day) { status } }"


def commit(cents: str, declared: str = "") -> str:
    return (
        f"mutation {declared} {{ commitFunds(measure: DIAGNOSTICS, amountCents: {cents}, "
        'reference: "r", on: "2026-01-02") { __typename } }'
    )


COMMIT = commit("$cents", "($cents: Cents!)")


@pytest.mark.parametrize(
    ("query", "variables", "named"),
    [
        (FIRST, {"first": "twenty"}, "$first"),
        (FIRST, {"first": 2.5}, "$first"),
        (FIRST, {"first": 2**31}, "$first"),
        (FIRST, {}, "$first"),
        (FIRST, {"first": None}, "$first"),
        ("{ companies(first: 2147483648) { totalCount } }", {}, "2147483648"),
        ("{ companies(first: " + "9" * 5000 + ") { totalCount } }", {}, "Int"),
        (DIRECTION, {"d": "SIDEWAYS"}, "SIDEWAYS"),
        ("{ referrals(direction: SIDEWAYS) { totalCount } }", {}, "SIDEWAYS"),
        (FIGURES, {"day": "2026-02-30"}, "$day"),
        (FIGURES, {"day": "٢٠٢٦-٠١-٠١"}, "$day"),
        (FIGURES, {"day": 20260101}, "$day"),
        ('{ loanFigures(asOf: "2026-13-01") { status } }', {}, "2026-13-01"),
        (COMMIT, {"cents": 2**53}, "$cents"),
        (COMMIT, {"cents": 1.5}, "$cents"),
        (COMMIT, {"cents": "1_000"}, "$cents"),
        (COMMIT, {"cents": "١٢"}, "$cents"),
        (COMMIT, {"cents": True}, "$cents"),
        (commit("99999999999999999999"), {}, "Cents"),
        (commit("12.5"), {}, "Cents"),
    ],
)
def test_a_value_its_type_refuses_is_a_client_error_naming_it(
    api: str, token: str, query: str, variables: dict[str, Any], named: str
) -> None:
    answer = ask(api, token, query, variables)

    assert answer["data"] is None
    errors = answer["errors"]
    # A validation error has no code; a refused value is INVALID_VALUE; a huge `first` is
    # also too costly.
    codes = {e.get("extensions", {}).get("code") for e in errors}
    assert codes <= {None, "INVALID_VALUE", "QUERY_TOO_COSTLY"}, errors
    assert any(named in e["message"] for e in errors), errors


REGISTER = """mutation ($headcount: String) {
  registerCompany(input: {siren: "732829320", legalName: "Hostile SA", region: "53",
    departement: "35", naf: "62.01Z", size: {headcountUta: $headcount}}) {
    __typename ... on Problem { code message }
  }
}"""


@pytest.mark.parametrize(
    "headcount", ["NaN", "Infinity", "-Infinity", "1e400", "1_000", "١٢", " 12", "12,5"]
)
def test_a_headcount_that_is_not_a_plain_decimal_is_an_invalid_value(
    api: str, token: str, headcount: str
) -> None:
    answer = ask(api, token, REGISTER, {"headcount": headcount})

    assert answer["data"]["registerCompany"] == {
        "__typename": "Problem",
        "code": "INVALID_VALUE",
        "message": f"headcount {headcount!r} must be a number such as 12.5 (UTA)",
    }


# --- a busy database -----------------------------------------------------------------------


def test_a_statement_timeout_is_temporarily_unavailable_and_an_export_a_503_to_retry(
    api: str, token: str, database_url: str
) -> None:
    answers: dict[str, Any] = {}

    def query() -> None:
        answers["graphql"] = ask(api, token, COUNT)

    def export() -> None:
        answers["export"] = httpx.get(
            f"{api}/exports/companies.csv", headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    # An exclusive lock on the network's companies holds every read until statement_timeout.
    with psycopg.connect(database_url) as conn:
        conn.execute("LOCK TABLE tenant_cci.companies IN ACCESS EXCLUSIVE MODE")
        readers = [threading.Thread(target=query), threading.Thread(target=export)]
        started = time.monotonic()
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=30)
        waited = time.monotonic() - started
        conn.rollback()

    assert waited >= 4.5  # they waited for the lock, until the statement timeout
    [error] = answers["graphql"]["errors"]
    assert error["extensions"] == {"code": "TEMPORARILY_UNAVAILABLE"}
    assert "retry" in error["message"]
    assert answers["export"].status_code == 503
    assert answers["export"].headers["retry-after"].isdigit()
    assert answers["export"].json()["code"] == "TEMPORARILY_UNAVAILABLE"
    assert ask(api, token, COUNT) == {"data": {"companies": {"totalCount": 0}}}


# --- production keeps its schema to itself -------------------------------------------------

MISSPELT = [
    ("{ companiez { totalCount } }", "'companies'"),
    ('{ companies(regoin: "53") { totalCount } }', "'region'"),
    ("{ referrals(direction: SENTT) { totalCount } }", "'SENT'"),
    (
        'mutation { registerCompany(input: {siren: "1", legalName: "x", region: "53", '
        'departement: "35", naf: "62.01Z", size: {headcountUtaa: "1"}}) { __typename } }',
        "'headcountUta'",
    ),
]


@pytest.mark.parametrize(("query", "suggestion"), MISSPELT)
def test_production_suggests_no_name_of_its_schema(
    production: str, clients: Clients, query: str, suggestion: str
) -> None:
    token = access_token(production, clients, "cci")

    answer = ask(production, token, query)

    assert answer["data"] is None
    messages = " ".join(e["message"] for e in answer["errors"])
    assert messages  # the mistake is still reported
    assert "Did you mean" not in messages
    assert suggestion not in messages


@pytest.mark.parametrize(("query", "suggestion"), MISSPELT)
def test_development_suggests_the_names_it_knows(
    api: str, token: str, query: str, suggestion: str
) -> None:
    answer = ask(api, token, query)

    messages = " ".join(e["message"] for e in answer["errors"])
    assert f"Did you mean {suggestion}" in messages or f"enum value {suggestion}" in messages
