"""The served API registers a company and returns it, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients

REGISTER = """
mutation Register($input: RegisterCompanyInput!, $key: String) {
  registerCompany(input: $input, idempotencyKey: $key) {
    __typename
    ... on Done { id consistencyToken }
    ... on Problem { code message }
  }
}
"""

COMPANY = """
query ($siren: String!) {
  company(siren: $siren) { siren legalName region naf sizeCategory sizeBasis segment }
}
"""


# An officer's access token per network, obtained from /oauth/token like a partner's script.
TOKENS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def tokens(server: str, database_url: str) -> Iterator[dict[str, str]]:
    env = Database.from_url(database_url).eventsourcing_env(pool_size=1)
    with Clients(env=env) as clients:
        for tenant in ("cci", "bpifrance"):
            client_id, secret = clients.create_client(tenant, role="officer", name="e2e")
            assert secret is not None
            response = httpx.post(
                f"{server}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client_id, secret),
            )
            response.raise_for_status()
            TOKENS[tenant] = response.json()["access_token"]
    yield TOKENS
    TOKENS.clear()


def graphql(
    base_url: str, tenant: str, query: str, token: str | None = None, **variables: Any
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {TOKENS[tenant]}"}
    if token is not None:
        headers["X-Consistency-Token"] = token
    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=10,
    )
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def company_input(siren: str) -> dict[str, Any]:
    return {
        "siren": siren,
        "legalName": "Fromagerie du Jura",
        "region": "27",
        "departement": "39",
        "naf": "1051c",
        "size": {"headcountUta": "23.5", "turnoverCents": 640_000_000},
    }


def test_a_query_sent_with_the_consistency_token_reads_the_company_just_registered(
    server: str,
) -> None:
    registered = graphql(server, "cci", REGISTER, input=company_input("542 107 651"))

    result = registered["registerCompany"]
    assert result["__typename"] == "Done"
    found = graphql(server, "cci", COMPANY, token=result["consistencyToken"], siren="542107651")
    assert found["company"] == {
        "siren": "542107651",
        "legalName": "Fromagerie du Jura",
        "region": "27",
        "naf": "10.51C",
        "sizeCategory": "PME",
        "sizeBasis": "LEGAL",
        "segment": "PME_ETI",
    }


def test_the_same_idempotency_key_registers_once_and_answers_the_same_id(server: str) -> None:
    first = graphql(server, "cci", REGISTER, input=company_input("356000000"), key="k-356")
    again = graphql(server, "cci", REGISTER, input=company_input("356000000"), key="k-356")

    assert first["registerCompany"]["__typename"] == "Done"
    assert again["registerCompany"]["id"] == first["registerCompany"]["id"]


def test_bad_input_comes_back_as_a_problem_with_a_stable_code(server: str) -> None:
    result = graphql(server, "cci", REGISTER, input=company_input("123456789"))["registerCompany"]

    assert result["__typename"] == "Problem"
    assert result["code"] == "INVALID_SIREN"
    assert "123456789" in result["message"]


def test_another_network_does_not_see_the_company(server: str) -> None:
    done = graphql(server, "cci", REGISTER, input=company_input("632012100"))["registerCompany"]
    token = done["consistencyToken"]
    assert graphql(server, "cci", COMPANY, token=token, siren="632012100")["company"]

    assert graphql(server, "bpifrance", COMPANY, token=token, siren="632012100")["company"] is None


def test_a_command_outside_the_networks_profile_is_forbidden(server: str) -> None:
    sign = """mutation ($id: ID!) { signPartnership(partnershipId: $id, on: "2026-03-01") {
      __typename ... on Problem { code message } } }"""

    result = graphql(server, "cci", sign, id="00000000-0000-0000-0000-000000000000")

    assert result["signPartnership"]["code"] == "FORBIDDEN"


def test_health_and_readiness_answer(server: str) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server}/readyz").json()
    assert ready["status"] == "ready"
