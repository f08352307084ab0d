"""CSV exports over real HTTP against `osezia serve`: a tenant downloads every row it sees, and
nothing else, streamed past GraphQL's page cap."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

import httpx
import psycopg
import pytest

from osezia.config import Database
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.exports import exportable
from osezia.tenants.clients.application import Clients
from tests.e2e.test_oauth import access_token, request_token, secret_client

CCI_COMPANIES = 130  # more than a GraphQL page (100)


@pytest.fixture(scope="module")
def store(server: str, database_url: str) -> dict[str, str]:
    return Database.from_url(database_url).eventsourcing_env(pool_size=2)


@pytest.fixture(scope="module")
def clients(store: dict[str, str]) -> Iterator[Clients]:
    with Clients(env=store) as app:
        yield app


@pytest.fixture(scope="module")
def history(store: dict[str, str]) -> Iterator[int]:
    """CCI's companies (SIRENs with leading zeros) and Bpifrance's; yields the consistency
    token of the last write."""
    platform = Platform(store)
    try:
        for n in range(CCI_COMPANIES):
            register(platform, "cci", complete_siren(f"00{n:06d}"), region="44")
        for n in range(3):
            register(platform, "bpifrance", complete_siren(f"77{n:06d}"), region="84")
        yield platform.companies.last_position()
    finally:
        platform.close()


def register(platform: Platform, tenant: str, siren: str, region: str) -> None:
    platform.companies.register_company(
        tenant,
        siren=siren,
        legal_name=f"Menuiserie {siren}",
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
    assert len(sirens) == len(set(sirens)) > 100
    assert set(sirens) == sirens_in_view(database_url, "cci")
    bpifrance_only = sirens_in_view(database_url, "bpifrance") - set(sirens)
    assert bpifrance_only
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
