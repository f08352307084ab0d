"""CSV exports over real HTTP against `osezia serve`: a tenant downloads every row it sees, and
nothing else, streamed past GraphQL's page cap.

The batching and the cap on concurrent exports are driven in-process, on the ASGI endpoint
itself, so that a test can pause a download mid-stream (over a socket, the kernel's buffers
would swallow a whole export before the client read a byte).
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast
from uuid import UUID

import asyncpg
import httpx
import psycopg
import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.principal import Principal
from osezia.projections.connections import create_pool
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from osezia.tenants.networks import NETWORKS
from osezia.web.exports import Exports, cell, exportable
from osezia.web.services import STATE_KEY, Services
from tests.e2e.conftest import access_token, request_token, secret_client

CCI_COMPANIES = 130  # more than a GraphQL page (100)
FORMULA = '=HYPERLINK("x")'
FORMULA_SIREN = complete_siren("00999990")
BPIFRANCE_SIRENS = {complete_siren(f"77{n:06d}") for n in range(3)}


@pytest.fixture(scope="module")
def store(server: str, database_url: str) -> dict[str, str]:
    return Database.from_url(database_url).eventsourcing_env(pool_size=2)


@pytest.fixture(scope="module")
def clients(store: dict[str, str]) -> Iterator[Clients]:
    with Clients(env=store) as app:
        yield app


@pytest.fixture(scope="module")
def history(store: dict[str, str]) -> Iterator[int]:
    """CCI's companies (SIRENs with leading zeros; one named like a spreadsheet formula, with a
    loan whose purpose reads like one) and Bpifrance's, a training and the plan's budget of the
    State; yields the consistency token of the last write."""
    platform = Platform(store, networks=NETWORKS)
    try:
        for n in range(CCI_COMPANIES):
            register(platform, "cci", complete_siren(f"00{n:06d}"), region="44")
        for siren in sorted(BPIFRANCE_SIRENS):
            register(platform, "bpifrance", siren, region="84")
        formula = register(platform, "cci", FORMULA_SIREN, region="44", name=FORMULA)
        platform.loans.apply_for_loan(
            "cci",
            company_id=formula,
            amount_cents=5_000_000,
            term_months=36,
            purpose="-20 % de délai de paiement",
            on=date(2026, 3, 2),
        )
        platform.trainings.enrol_learner(
            "operator",
            learner_ref="LRN-000001",
            training_code="IA-101",
            training_title="@IA pour tous",
            audience="EMPLOYEE",
            region="44",
            on=date(2026, 3, 2),
        )
        platform.budget.open_budget("operator")
        platform.budget.commit_funds(
            "operator", measure="DIAGNOSTICS", amount_cents=5_000_000, reference="C1", on=DAY
        )
        yield platform.companies.last_position()
    finally:
        platform.close()


DAY = date(2026, 3, 2)


def register(
    platform: Platform, tenant: str, siren: str, region: str, name: str | None = None
) -> UUID:
    return platform.companies.register_company(
        tenant,
        siren=siren,
        legal_name=name or f"Menuiserie {siren}",
        region=region,
        departement="88" if region == "44" else "69",
        naf="16.10A",
        size=SizeFacts(staff_band="12"),
    )


def export(
    server: str, token: str | None, name: str, position: int | None = None, **params: str
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    if position is not None:
        headers["X-Consistency-Token"] = str(position)
    return httpx.get(f"{server}/exports/{name}.csv", headers=headers, params=params, timeout=30)


def rows(response: httpx.Response, delimiter: str = ",") -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    return list(
        csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff")), delimiter=delimiter)
    )


def sirens_in_view(database_url: str, tenant: str) -> set[str]:
    with psycopg.connect(database_url) as conn:
        found = conn.execute(f"SELECT siren FROM tenant_{tenant}.companies").fetchall()
    return {siren for (siren,) in found}


def test_an_export_holds_every_row_the_tenant_sees_and_none_it_does_not(
    server: str, clients: Clients, history: int, database_url: str
) -> None:
    cci = access_token(server, clients, "cci")

    exported = rows(export(server, cci, "companies", history))

    sirens = [row["siren"] for row in exported]
    ids = [UUID(row["id"]) for row in exported]
    assert len(sirens) == len(set(sirens)) > 100
    assert ids == sorted(set(ids))  # each row once, in id order
    assert set(sirens) == sirens_in_view(database_url, "cci")
    # What Bpifrance's view holds and CCI's does not, read from the database, not the export.
    bpifrance_only = sirens_in_view(database_url, "bpifrance") - sirens_in_view(database_url, "cci")
    assert bpifrance_only >= BPIFRANCE_SIRENS
    assert not set(sirens) & bpifrance_only
    assert all(siren.startswith("00") and len(siren) == 9 for siren in sirens)


def test_another_tenant_exports_its_own_rows(
    server: str, clients: Clients, history: int, database_url: str
) -> None:
    bpifrance = access_token(server, clients, "bpifrance")

    exported = rows(export(server, bpifrance, "companies", history))

    assert {row["siren"] for row in exported} == sirens_in_view(database_url, "bpifrance")
    assert not any(row["owner"] == "cci" for row in exported)


def test_columns_are_the_tables_written_as_text_that_reads_back(
    server: str, clients: Clients, history: int
) -> None:
    cci = access_token(server, clients, "cci")

    response = export(server, cci, "companies", history)
    first = rows(response)[0]

    assert response.text.splitlines()[0].startswith("id,siren,legal_name,owner,region,")
    assert json.loads(first["adoption_history"]) == []
    assert datetime.fromisoformat(first["registered_at"]).tzinfo is not None
    assert first["adoption_changed_on"] == ""
    assert int(first["position"]) > 0


def test_an_export_is_streamed_as_an_attachment(
    server: str, clients: Clients, history: int
) -> None:
    cci = access_token(server, clients, "cci")
    headers = {"Authorization": f"Bearer {cci}", "X-Consistency-Token": str(history)}

    with httpx.stream("GET", f"{server}/exports/companies.csv", headers=headers) as response:
        lines = response.iter_lines()
        header = next(lines)
        rest = list(lines)

    assert response.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in response.headers
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        'attachment; filename="osezia-cci-companies.csv"'
    )
    assert header.startswith("id,siren,")
    assert len([line for line in rest if line]) > 100


def test_a_consistency_token_beyond_the_logs_end_is_refused_at_once(
    server: str, clients: Clients, history: int
) -> None:
    cci = access_token(server, clients, "cci")
    headers = {"Authorization": f"Bearer {cci}", "X-Consistency-Token": str(history + 10**9)}

    started = time.monotonic()
    response = httpx.get(f"{server}/exports/companies.csv", headers=headers, timeout=30)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_VALUE"
    assert "beyond the end of the log" in response.json()["message"]
    assert time.monotonic() - started < 2  # not the 5 s a wait for a reachable token may take


def test_french_excel_gets_semicolons_and_a_byte_order_mark(
    server: str, clients: Clients, history: int
) -> None:
    cci = access_token(server, clients, "cci")

    response = export(server, cci, "companies", history, delimiter="semicolon")

    assert response.content.startswith("\ufeff".encode())
    assert response.text.removeprefix("\ufeff").startswith("id;siren;legal_name;")
    assert len(rows(response, ";")) > 100


def test_every_read_model_can_be_exported(server: str, clients: Clients, history: int) -> None:
    cci = access_token(server, clients, "cci")

    for name, table in exportable().items():
        response = export(server, cci, name, history)
        assert response.status_code == 200, (name, response.text)
        assert response.text.splitlines()[0].split(",") == list(table.column_names)


def test_trainings_loans_and_the_budget_are_written_as_text_that_reads_back(
    server: str, clients: Clients, history: int
) -> None:
    operator = access_token(server, clients, "operator")  # sees every kind

    (training,) = rows(export(server, operator, "trainings", history))
    (loan,) = rows(export(server, operator, "loans", history))
    (budget,) = rows(export(server, operator, "budget", history))

    assert training["training_title"] == "'@IA pour tous"
    assert date.fromisoformat(training["enrolled_on"]) == DAY
    assert datetime.fromisoformat(training["enrolled_at"]).tzinfo is not None
    assert (training["completed_on"], training["completed_at"], training["company_id"]) == (
        "",
        "",
        "",
    )
    assert loan["company_siren"] == FORMULA_SIREN
    assert loan["company_name"] == "'" + FORMULA
    assert loan["purpose"] == "'-20 % de délai de paiement"
    assert (loan["amount_cents"], loan["term_months"]) == ("5000000", "36")
    assert loan["applied_on"] == "2026-03-02"
    assert loan["granted_on"] == loan["disbursed_on"] == loan["refuse_reason"] == ""
    assert budget["committed_cents"] == "5000000"
    assert budget["paid_cents"] == "0"
    assert int(budget["total_cents"]) > 0
    assert json.loads(budget["allocations"])["DIAGNOSTICS"] > 0  # JSON text, as stored
    (movement,) = json.loads(budget["movements"])
    assert movement["reference"] == "C1"
    assert set(json.loads(budget["overruns"]).values()) == {0}


def test_text_a_spreadsheet_would_run_as_a_formula_is_quoted(
    server: str, clients: Clients, history: int
) -> None:
    cci = access_token(server, clients, "cci")

    response = export(server, cci, "companies", history, delimiter="semicolon")

    (row,) = [row for row in rows(response, ";") if row["siren"] == FORMULA_SIREN]
    assert row["legal_name"] == '\'=HYPERLINK("x")'
    assert row["region"] == "44"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23 45 67 89", "'+33 1 23 45 67 89"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Menuiserie = bois", "Menuiserie = bois"),
        ("012345678", "012345678"),
        (-1500, "-1500"),  # negative cents stay a number
        (0, "0"),
        (None, ""),
    ],
)
def test_only_text_is_quoted_against_formulas(value: object, written: str) -> None:
    assert cell(value) == written


# --- in-process: batches and the cap --------------------------------------------------------


class ReadingAs:
    """Stands in for the server's Authority: every request is the tenant's, with `read`."""

    def __init__(self, tenant: str) -> None:
        self.tenant = tenant

    async def authenticate(self, headers: Mapping[str, str]) -> Principal:
        return Principal(self.tenant, "officer", frozenset({"read"}), "e2e")


@dataclass
class Served:
    """The two services an export uses."""

    auth: ReadingAs
    pool: asyncpg.Pool
    changes: None = None  # without a change feed, a consistency token is polled for


def serving(exports: Exports, served: Services) -> ASGIApp:
    """The endpoint as the server runs it: the services in each request's lifespan state."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await exports({**scope, "state": {STATE_KEY: served}}, receive, send)

    return app


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


async def call(
    exports: ASGIApp, position: int, on_chunk: Callable[[], Awaitable[None]] | None = None
) -> Answer:
    """GET /exports/companies.csv through the endpoint; `on_chunk` runs as each chunk but the
    last is sent, as a slow client would hold the sender there."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/exports/companies.csv",
        "raw_path": b"/exports/companies.csv",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"x-consistency-token", str(position).encode())],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "path_params": {"name": "companies"},
    }
    answer = Answer(0, {}, b"")

    async def receive() -> Message:
        await asyncio.Event().wait()  # the client never goes away
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer.status = message["status"]
            answer.headers = {k.decode(): v.decode() for k, v in message["headers"]}
        else:
            answer.body += message.get("body", b"")
            if on_chunk is not None and message.get("more_body"):
                await on_chunk()

    await exports(scope, receive, send)
    return answer


def test_rows_past_one_batch_arrive_once_in_id_order_and_free_the_connection_between(
    history: int, database_url: str
) -> None:
    async def scenario() -> tuple[Answer, int]:
        pool = await create_pool(database_url, min_size=1, max_size=1)  # one connection only
        chunks = 0

        async def borrow_the_connection() -> None:
            # An export that kept its connection while the client reads would time this out.
            nonlocal chunks
            chunks += 1
            async with pool.acquire(timeout=2) as conn:
                assert await conn.fetchval("SELECT 1") == 1

        try:
            served = cast(Services, Served(ReadingAs("cci"), pool))
            exports = serving(Exports(rows_per_batch=40), served)
            return await call(exports, history, borrow_the_connection), chunks
        finally:
            await pool.close()

    answer, chunks = asyncio.run(scenario())

    assert answer.status == 200
    exported = list(csv.DictReader(io.StringIO(answer.body.decode())))
    ids = [UUID(row["id"]) for row in exported]
    assert len(ids) == CCI_COMPANIES + 1 > 3 * 40
    assert ids == sorted(set(ids))
    assert {row["siren"] for row in exported} == sirens_in_view(database_url, "cci")
    assert chunks >= 4  # the header, then one chunk per batch


def test_exports_beyond_the_cap_are_answered_503_with_retry_after(
    history: int, database_url: str
) -> None:
    async def scenario() -> tuple[list[Answer], Answer, Answer]:
        pool = await create_pool(database_url, min_size=1, max_size=4)
        try:
            served = cast(Services, Served(ReadingAs("cci"), pool))
            exports = serving(Exports(max_exports=2, rows_per_batch=40), served)
            streaming, release = asyncio.Semaphore(0), asyncio.Event()

            async def hold() -> None:
                streaming.release()
                await release.wait()

            held = [asyncio.create_task(call(exports, history, hold)) for _ in range(2)]
            for _ in held:
                await asyncio.wait_for(streaming.acquire(), 10)
            refused = await call(exports, history)
            release.set()
            done = await asyncio.gather(*held)
            return done, refused, await call(exports, history)
        finally:
            await pool.close()

    done, refused, later = asyncio.run(scenario())

    assert [answer.status for answer in done] == [200, 200]
    assert refused.status == 503
    assert json.loads(refused.body)["code"] == "TOO_MANY_EXPORTS"
    assert int(refused.headers["retry-after"]) > 0
    assert later.status == 200  # the slots are given back


def test_an_unknown_list_is_a_404_with_a_code(server: str, clients: Clients) -> None:
    cci = access_token(server, clients, "cci")

    response = export(server, cci, "salaries")

    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


def test_an_unknown_delimiter_is_refused(server: str, clients: Clients) -> None:
    cci = access_token(server, clients, "cci")

    response = export(server, cci, "companies", delimiter="tab")

    assert (response.status_code, response.json()["code"]) == (400, "INVALID_VALUE")


def test_an_export_without_a_token_is_refused(server: str) -> None:
    response = export(server, None, "companies")

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="osezia"'


def test_an_export_needs_the_read_scope(server: str, clients: Clients) -> None:
    client_id, secret = secret_client(clients, "cci")
    write_only = request_token(server, client_id, secret, scope="write").json()["access_token"]

    response = export(server, write_only, "companies")

    assert (response.status_code, response.json()["code"]) == (403, "FORBIDDEN")
