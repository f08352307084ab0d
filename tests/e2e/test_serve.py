"""The served API registers a company and returns it, over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

REGISTER = """
mutation Register($input: RegisterCompanyInput!, $key: String) {
  registerCompany(input: $input, idempotencyKey: $key) {
    __typename
    ... on Company { id siren legalName naf sizeCategory sizeBasis segment }
    ... on Problem { code message }
  }
}
"""

COMPANY = "query ($siren: String!) { company(siren: $siren) { siren legalName region } }"


def eventually(read: Callable[[], Any], seconds: float = 15) -> Any:
    """The read models follow the log within moments: poll until the answer is there."""
    deadline = time.monotonic() + seconds
    while (value := read()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


def graphql(base_url: str, tenant: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        f"{base_url}/graphql",
        json={"query": query, "variables": variables},
        headers={"X-Osezia-Tenant": tenant},
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
        "headcountUta": "23.5",
        "turnoverCents": 640_000_000,
    }


def test_a_company_registered_through_the_api_is_returned_by_its_siren(server: str) -> None:
    registered = graphql(server, "cci", REGISTER, input=company_input("542 107 651"))

    result = registered["registerCompany"]
    assert result["__typename"] == "Company"
    assert (result["siren"], result["naf"]) == ("542107651", "10.51C")
    assert (result["sizeCategory"], result["sizeBasis"], result["segment"]) == (
        "PME",
        "LEGAL",
        "PME_ETI",
    )
    found = eventually(lambda: graphql(server, "cci", COMPANY, siren="542107651")["company"])
    assert found == {"siren": "542107651", "legalName": "Fromagerie du Jura", "region": "27"}


def test_bad_input_comes_back_as_a_problem_with_a_stable_code(server: str) -> None:
    result = graphql(server, "cci", REGISTER, input=company_input("123456789"))["registerCompany"]

    assert result["__typename"] == "Problem"
    assert result["code"] == "INVALID_SIREN"
    assert "123456789" in result["message"]


def test_another_network_does_not_see_the_company(server: str) -> None:
    graphql(server, "cci", REGISTER, input=company_input("632012100"))
    assert eventually(lambda: graphql(server, "cci", COMPANY, siren="632012100")["company"])

    assert graphql(server, "bpifrance", COMPANY, siren="632012100")["company"] is None


def test_health_and_readiness_answer(server: str) -> None:
    assert httpx.get(f"{server}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{server}/readyz").json()
    assert ready["status"] == "ready"
