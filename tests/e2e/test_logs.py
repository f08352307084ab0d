"""`osezia serve` with OSEZIA_LOG_FORMAT=json, over real HTTP: one JSON object a line, a line
per request with its id (taken from X-Request-ID or made, and echoed), tenant, client,
operation, status and duration; expected client errors without a traceback, an unexpected
one once with its traceback and the id the client was given; and connections that name the
process in pg_stat_activity."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from osezia.projections.names import reader_role, service_role, writer_role
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import (
    OSEZIA,
    command_env,
    free_port,
    migrated,
    request_token,
    secret_client,
    serving,
)

# What is written before the application can route uvicorn's loggers through its own (uvicorn
# sets its handlers up when it starts), and what the command prints for a person.
BEFORE_THE_APP = ("INFO:     Started server process", "INFO:     Waiting for application startup")
FOR_A_PERSON = ("osezia serves GraphQL", "building the read models")

DASHBOARD = "query Dashboard { companyFigures { region companies } }"


@dataclass(frozen=True)
class Served:
    url: str
    log: Path  # what `osezia serve` wrote, stdout and stderr

    def post(self, query: str, token: str | None = None, **headers: str) -> httpx.Response:
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        url = f"{self.url}/graphql"
        return httpx.post(url, json={"query": query}, headers=headers, timeout=10)


@pytest.fixture(scope="module")
def api(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    migrated(database_url)
    log_path = tmp_path_factory.mktemp("logs") / "serve.log"
    with serving(
        database_url, log_path, OSEZIA_LOG_FORMAT="json", OSEZIA_RESPONSE_CACHE="0"
    ) as base_url:
        yield Served(base_url, log_path)


@pytest.fixture(scope="module")
def client(api: Served, database_url: str) -> tuple[str, str]:
    """A cci client's id and an access token of it."""
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as clients:
        client_id, secret = secret_client(clients, "cci", role="analyst")
    response = request_token(api.url, client_id, secret)
    assert response.status_code == 200, response.text
    return client_id, response.json()["access_token"]


def records(log_path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]


def lines_of(log_path: Path, request_id: str) -> list[dict[str, Any]]:
    """The lines of one request, once its own line (logged as it ends) is written."""
    deadline = time.monotonic() + 10
    while True:
        found = [r for r in records(log_path) if r.get("request_id") == request_id]
        if any(r["logger"] == "osezia.http" for r in found):
            return found
        assert time.monotonic() < deadline, f"no line for request {request_id}"
        time.sleep(0.05)


def request_line(lines: list[dict[str, Any]]) -> dict[str, Any]:
    (line,) = [r for r in lines if r["logger"] == "osezia.http"]
    return line


def test_a_request_has_one_line_with_its_id_tenant_client_and_operation(
    api: Served, client: tuple[str, str]
) -> None:
    client_id, token = client

    response = api.post(DASHBOARD, token, **{"X-Request-ID": "lb-7f3a.42"})

    assert response.status_code == 200
    assert response.headers["x-request-id"] == "lb-7f3a.42"
    line = request_line(lines_of(api.log, "lb-7f3a.42"))
    assert (line["method"], line["path"], line["status"]) == ("POST", "/graphql", 200)
    assert (line["tenant"], line["client_id"]) == ("cci", client_id)
    assert (line["operation"], line["outcome"]) == ("Dashboard", "ok")
    assert line["duration_ms"] > 0
    assert line["level"] == "INFO"
    assert line["process"] == "serve"
    assert line["time"].endswith("+00:00")


def test_a_request_without_a_usable_id_is_given_one_and_told_it(
    api: Served, client: tuple[str, str]
) -> None:
    response = api.post(DASHBOARD, client[1], **{"X-Request-ID": "not a safe id"})

    made = response.headers["x-request-id"]
    assert made != "not a safe id"
    assert request_line(lines_of(api.log, made))["status"] == 200


@pytest.mark.parametrize(
    ("query", "authorized", "status"),
    [
        (DASHBOARD, False, 401),  # no access token
        ("query Broken { nothing }", True, 200),  # refused by validation
        ("query Syntax { companyFigures", True, 200),  # not GraphQL
        ("query Value { company(siren: 12) { siren } }", True, 200),  # a value its type refuses
    ],
)
def test_expected_client_errors_are_logged_without_a_traceback(
    api: Served, client: tuple[str, str], query: str, authorized: bool, status: int
) -> None:
    response = api.post(query, client[1] if authorized else None)

    assert response.status_code == status
    assert response.status_code == 401 or response.json()["errors"]
    lines = lines_of(api.log, response.headers["x-request-id"])
    assert request_line(lines)["status"] == status
    assert [line for line in lines if "exception" in line or line["level"] == "ERROR"] == []


def test_database_connections_name_the_process(api: Served, database_url: str) -> None:
    api.post(DASHBOARD)  # the API's pools are open once it is ready
    dbname = Database.from_url(database_url).dbname
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT usename, application_name FROM pg_stat_activity WHERE datname = %s",
            (dbname,),
        ).fetchall()

    serving_roles = {user for user, name in rows if name == "osezia-serve"}
    # The reader's and the service's asyncpg pools, the writer's eventsourcing (psycopg) pool.
    assert {reader_role(dbname), service_role(dbname), writer_role(dbname)} <= serving_roles, rows


@pytest.mark.parametrize("role", ["project", "worker"])
def test_the_projector_and_the_workers_connections_name_them(
    api: Served, database_url: str, redis: str, role: str
) -> None:
    env = command_env(
        DATABASE_URL=database_url, REDIS_URL=redis, OSEZIA_METRICS_PORT=str(free_port())
    )
    process = subprocess.Popen(
        [*OSEZIA, role], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while f"osezia-{role}" not in application_names(database_url):
            assert process.poll() is None, f"osezia {role} exited with {process.returncode}"
            assert time.monotonic() < deadline, application_names(database_url)
            time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=20)


def application_names(database_url: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            "SELECT application_name FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchall()
    return {name for (name,) in rows}


def test_an_unexpected_error_is_logged_once_with_the_id_the_client_was_given(
    api: Served, client: tuple[str, str], database_url: str
) -> None:
    # A read model's table gone from under the API (an operator's mistake): not the client's.
    with psycopg.connect(database_url, autocommit=True) as conn:
        schemas = conn.execute(
            "SELECT schemaname FROM pg_tables WHERE tablename = 'companies' "
            "AND schemaname LIKE 'tenant\\_cci\\_%'"
        ).fetchall()
        assert schemas
        for (schema,) in schemas:
            conn.execute(f'DROP TABLE "{schema}".companies CASCADE')

    response = api.post("query Count { companies(first: 3) { totalCount } }", client[1])

    (error,) = response.json()["errors"]
    extensions = error["extensions"]
    assert extensions["code"] == "INTERNAL_ERROR"
    assert extensions["requestId"] == response.headers["x-request-id"]
    lines = lines_of(api.log, extensions["requestId"])
    (logged_error,) = [line for line in lines if "exception" in line]
    assert logged_error["error_id"] == extensions["errorId"]
    assert logged_error["level"] == "ERROR"
    assert (logged_error["tenant"], logged_error["operation"]) == ("cci", "Count")
    assert "UndefinedTable" in logged_error["exception"]
    assert request_line(lines)["error_id"] == extensions["errorId"]


def test_every_line_the_server_logged_is_json(api: Served) -> None:
    lines = api.log.read_text().splitlines()
    first_json = next(n for n, line in enumerate(lines) if line.startswith("{"))

    not_json = [
        line
        for n, line in enumerate(lines)
        if not line.startswith("{")
        and not line.startswith(FOR_A_PERSON)
        and not (n < first_json and line.startswith(BEFORE_THE_APP))
    ]

    assert not_json == []
    for record in records(api.log):
        assert {"time", "level", "logger", "message"} <= record.keys()
