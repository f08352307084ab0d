"""The catalogue and budget through GraphQL: each network's commands, its refusals, and what
its queries return."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from uuid import UUID

import pytest

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of


@pytest.fixture
def client(database_url: str, platform: Platform, tenants: Tenants) -> Api:
    return Api(database_url, platform)


def a_catalogue(client: Api) -> dict[str, str]:
    fr = client.done("cci", 'listProvider(siren: "732829320", name: "Français", sovereignty: FR)')
    other = client.done(
        "bpifrance", 'listProvider(siren: "356000000", name: "Ailleurs", sovereignty: OTHER)'
    )
    support_fr = client.done(
        "cci",
        f'listSolution(providerId: "{fr}", name: "Support FR", description: "d", '
        "categories: [CUSTOMER_SERVICE, HR])",
    )
    support_other = client.done(
        "bpifrance",
        f'listSolution(providerId: "{other}", name: "Another support", description: "d", '
        "categories: [CUSTOMER_SERVICE], turnkey: false)",
    )
    return {"fr": fr, "other": other, "support_fr": support_fr, "support_other": support_other}


def a_company(platform: Platform, tenant: str = "cci") -> str:
    return str(
        platform.companies.register_company(
            tenant,
            siren="542107651",
            legal_name="Confidentiel SA",
            region="11",
            departement="92",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(80)),
        )
    )


def test_networks_list_solutions_and_every_network_reads_the_catalogue(
    database_url: str, client: Api, tenants: Tenants
) -> None:
    ids = a_catalogue(client)
    client.done("cci", f'withdrawSolution(solutionId: "{ids["support_fr"]}", reason: "arrêtée")')
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    data = client.run(
        "inria",
        "{ providers { totalCount edges { node { name sovereign } } } "
        "all: solutions(includeWithdrawn: true) { totalCount } "
        "active: solutions(category: CUSTOMER_SERVICE) { edges { node { name status } } } "
        "sovereign: solutions(sovereignOnly: true, includeWithdrawn: true) "
        "{ edges { node { name sovereign providerName categories } } } "
        "useCaseCategories { code label } }",
    )

    assert data["providers"]["totalCount"] == 2
    assert [e["node"] for e in data["providers"]["edges"]] == [
        {"name": "Ailleurs", "sovereign": False},
        {"name": "Français", "sovereign": True},
    ]
    assert data["all"]["totalCount"] == 2
    assert [e["node"] for e in data["active"]["edges"]] == [
        {"name": "Another support", "status": "ACTIVE"}
    ]
    assert [e["node"] for e in data["sovereign"]["edges"]] == [
        {
            "name": "Support FR",
            "sovereign": True,
            "providerName": "Français",
            "categories": ["CUSTOMER_SERVICE", "HR"],
        }
    ]
    assert {"code": "CUSTOMER_SERVICE", "label": "Relation client"} in data["useCaseCategories"]


def test_a_provider_is_listed_once_and_a_network_outside_the_catalogue_may_not_list(
    client: Api,
) -> None:
    client.done("cci", 'listProvider(siren: "732829320", name: "Français", sovereignty: FR)')

    again = client.mutate(
        "french-tech", 'listProvider(siren: "732829320", name: "Autre", sovereignty: FR)'
    )
    outsider = client.mutate(
        "inria", 'listProvider(siren: "356000000", name: "Ailleurs", sovereignty: OTHER)'
    )

    assert again["code"] == "ALREADY_EXISTS"
    assert outsider["code"] == "FORBIDDEN"


def test_an_adoption_moves_the_company_and_stays_with_the_recording_network(
    database_url: str, client: Api, platform: Platform, tenants: Tenants
) -> None:
    ids = a_catalogue(client)
    company = a_company(platform)
    call = (
        f'recordAdoption(companyId: "{company}", solutionId: "{ids["support_fr"]}", '
        'on: "2026-03-02")'
    )

    intruder = client.mutate("french-tech", call)
    client.done("cci", call)
    twice = client.mutate("cci", call)
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    assert intruder["code"] == "NOT_FOUND"
    assert twice["code"] == "ALREADY_EXISTS"
    query = (
        "{ adoptions { totalCount edges { node { solutionName sovereignty adoptedOn "
        "company { adoptionStage } } } } }"
    )
    owner, other = client.run("cci", query), client.run("french-tech", query)
    assert owner["adoptions"]["totalCount"] == 1
    assert owner["adoptions"]["edges"][0]["node"] == {
        "solutionName": "Support FR",
        "sovereignty": "FR",
        "adoptedOn": "2026-03-02",
        "company": {"adoptionStage": "ADOPTED"},
    }
    assert other["adoptions"]["totalCount"] == 0


def test_a_withdrawn_solution_is_not_adopted_and_only_its_network_withdraws_it(
    client: Api, platform: Platform
) -> None:
    ids = a_catalogue(client)
    company = a_company(platform)
    withdraw = f'withdrawSolution(solutionId: "{ids["support_fr"]}", reason: "arrêtée")'

    assert client.mutate("french-tech", withdraw)["code"] == "NOT_FOUND"
    client.done("cci", withdraw)
    adoption = client.mutate(
        "cci",
        f'recordAdoption(companyId: "{company}", solutionId: "{ids["support_fr"]}", '
        'on: "2026-03-02")',
    )

    assert adoption["code"] == "INVALID_TRANSITION"


def test_matching_solutions_follow_the_diagnostics_ranking_for_the_networks_that_see_it(
    database_url: str, client: Api, platform: Platform, tenants: Tenants
) -> None:
    ids = a_catalogue(client)
    company = a_company(platform)
    d = platform.diagnostics
    diagnostic = d.request_diagnostic("cci", company_id=UUID(company))
    d.check_eligibility("bpifrance", diagnostic)
    d.assign_expert("bpifrance", diagnostic, expert="Cabinet")
    d.deliver_inventory("bpifrance", diagnostic)
    d.identify_use_cases(
        "bpifrance",
        diagnostic,
        use_cases=[UseCase("CUSTOMER_SERVICE", "Clients"), UseCase("HR", "Recrutement")],
    )
    d.prioritise_use_cases(
        "bpifrance",
        diagnostic,
        scores=[UseCaseScore("CUSTOMER_SERVICE", 1, 1), UseCaseScore("HR", 5, 5)],
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    query = (
        f'{{ matchingSolutions(diagnosticId: "{diagnostic}") '
        "{ useCaseCode useCaseRank solution { id name sovereignty } } }"
    )

    owner, pilot, other = (client.run(t, query) for t in ("cci", "bpifrance", "french-tech"))
    malformed = client.run("cci", '{ matchingSolutions(diagnosticId: "nope") { useCaseCode } }')

    expected = [
        ("HR", 1, ids["support_fr"]),
        ("CUSTOMER_SERVICE", 2, ids["support_fr"]),
        ("CUSTOMER_SERVICE", 2, ids["support_other"]),
    ]
    for answer in (owner, pilot):
        found = [
            (m["useCaseCode"], m["useCaseRank"], m["solution"]["id"])
            for m in answer["matchingSolutions"]
        ]
        assert found == expected
    assert other == {"matchingSolutions": None}
    assert malformed == {"matchingSolutions": None}


def commit(amount_cents: int, reference: str) -> str:
    return (
        f"commitFunds(measure: DIAGNOSTICS, amountCents: {amount_cents}, "
        f'reference: "{reference}", on: "2026-03-02")'
    )


def test_the_operator_opens_the_budget_and_bpifrance_commits_and_pays_within_it(
    database_url: str, client: Api, tenants: Tenants
) -> None:
    assert client.mutate("cci", "openBudget")["code"] == "FORBIDDEN"
    client.done(
        "operator",
        "openBudget(totalCents: 10000, allocations: [{measure: DIAGNOSTICS, amountCents: 3000},"
        " {measure: CALLS, amountCents: 5000}])",
    )
    client.done("bpifrance", commit(2_500, "C1"))
    over = client.mutate("bpifrance", commit(501, "C2"))
    forbidden = client.mutate("cci", commit(1, "C3"))
    client.done(
        "operator",
        'authoriseOverrun(measure: DIAGNOSTICS, amountCents: 1000, decisionReference: "Arrêté 7",'
        ' on: "2026-03-03")',
    )
    client.done("bpifrance", commit(501, "C2"))
    client.done(
        "bpifrance",
        'payFunds(measure: DIAGNOSTICS, reference: "C1", amountCents: 2000, on: "2026-03-04")',
    )
    overpaid = client.mutate(
        "bpifrance",
        'payFunds(measure: DIAGNOSTICS, reference: "C1", amountCents: 501, on: "2026-03-04")',
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    assert over["code"] == "BUDGET_EXCEEDED"
    assert forbidden["code"] == "FORBIDDEN"
    assert overpaid["code"] == "BUDGET_EXCEEDED"
    budget = client.run(
        "french-tech",
        "{ budget { totalCents overrunCents committedCents paidCents "
        "measures { measure allocatedCents overrunCents committedCents paidCents availableCents } "
        "movements { totalCount edges { node { kind measure reference amountCents on } } } } }",
    )["budget"]
    assert (budget["totalCents"], budget["overrunCents"]) == (10_000, 1_000)
    assert (budget["committedCents"], budget["paidCents"]) == (3_001, 2_000)
    diagnostics = next(m for m in budget["measures"] if m["measure"] == "DIAGNOSTICS")
    assert diagnostics == {
        "measure": "DIAGNOSTICS",
        "allocatedCents": 3_000,
        "overrunCents": 1_000,
        "committedCents": 3_001,
        "paidCents": 2_000,
        "availableCents": 999,
    }
    assert budget["movements"]["totalCount"] == 4
    assert [e["node"]["kind"] for e in budget["movements"]["edges"]] == [
        "COMMITMENT",
        "OVERRUN",
        "COMMITMENT",
        "PAYMENT",
    ]


def test_the_budget_is_null_until_it_is_opened(
    database_url: str, client: Api, tenants: Tenants
) -> None:
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    assert client.run("cci", "{ budget { totalCents } }") == {"budget": None}
