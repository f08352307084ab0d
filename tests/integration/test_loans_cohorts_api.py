"""Loans and cohorts through GraphQL: each network may do what its profile lists, reads what it
sees, and every network reads the figures."""

from __future__ import annotations

import asyncio
import base64
from decimal import Decimal
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, catch_up_all, viewers_of


@pytest.fixture
def api(database_url: str, platform: Platform, tenants: Tenants) -> Api:
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    return Api(database_url, platform)


def a_company(platform: Platform, siren: str, uta: int = 120) -> str:
    return str(
        platform.companies.register_company(
            "cci",
            siren=siren,
            legal_name=f"Entreprise {siren}",
            region="53",
            departement="35",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(uta)),
        )
    )


def catch_up(api: Api, tenants: Tenants) -> None:
    asyncio.run(catch_up_all(api.database_url, viewers_of(tenants)))


def test_a_loan_goes_from_application_to_disbursement_through_the_api(
    api: Api, platform: Platform, tenants: Tenants
) -> None:
    company = a_company(platform, "542107651")

    def apply(amount: int) -> dict[str, Any]:
        return api.mutate(
            "cci",
            f'applyForLoan(companyId: "{company}", amountCents: {amount}, termMonths: 84, '
            'purpose: "Vision", on: "2026-01-12")',
        )

    too_much = apply(50_000_001)
    applied = apply(30_000_000)
    loan = applied["id"]
    by_cci = api.mutate("cci", f'grantGuarantee(loanId: "{loan}", on: "2026-02-02")')
    granted = api.mutate("bpifrance", f'grantGuarantee(loanId: "{loan}", on: "2026-02-02")')
    disbursed = api.mutate(
        "bpifrance", f'disburseLoan(loanId: "{loan}", amountCents: 29000000, on: "2026-03-02")'
    )
    catch_up(api, tenants)

    assert too_much["__typename"] == "Problem"
    assert too_much["code"] == "AMOUNT_OUT_OF_RANGE"
    assert applied["__typename"] == "Done"
    assert (by_cci["__typename"], by_cci["code"]) == ("Problem", "FORBIDDEN")
    assert granted["__typename"] == disbursed["__typename"] == "Done"
    query = (
        "{ loans(status: DISBURSED) { totalCount edges { node { id status amountCents "
        "disbursedCents guaranteeShareBasisPoints grantedOn appliedThrough "
        "company { siren } } } } }"
    )
    (node,) = [e["node"] for e in api.run("cci", query)["loans"]["edges"]]
    assert node == {
        "id": loan,
        "status": "DISBURSED",
        "amountCents": 30_000_000,
        "disbursedCents": 29_000_000,
        "guaranteeShareBasisPoints": 7000,
        "grantedOn": "2026-02-02",
        "appliedThrough": "cci",
        "company": {"siren": "542107651"},
    }
    assert api.run("bpifrance", query)["loans"]["totalCount"] == 1
    assert api.run("french-tech", query)["loans"]["totalCount"] == 0
    figures = api.run("french-tech", "{ loanFigures { status loans amountCents disbursedCents } }")
    assert figures["loanFigures"] == [
        {"status": "DISBURSED", "loans": 1, "amountCents": 30_000_000, "disbursedCents": 29_000_000}
    ]


def test_a_network_outside_the_loans_profile_cannot_apply(api: Api, platform: Platform) -> None:
    company = a_company(platform, "542107651")

    refused = api.mutate(
        "inria",
        f'applyForLoan(companyId: "{company}", amountCents: 100, termMonths: 12, '
        'purpose: "Vision", on: "2026-01-12")',
    )

    assert (refused["__typename"], refused["code"]) == ("Problem", "FORBIDDEN")


def test_a_cohort_is_run_through_the_api(api: Api, platform: Platform, tenants: Tenants) -> None:
    first, second, third = (a_company(platform, s) for s in ("542107651", "356000000", "552100018"))
    unseen = a_company(platform, "732829320")
    for company in (first, second, third):  # CCI sends them to Bpifrance's programme
        api.done(
            "cci",
            f'shareCompany(companyId: "{company}", toNetwork: "bpifrance", purpose: OTHER, '
            'reason: "the acceleration programme", consentReference: "accord")',
        )

    by_cci = api.mutate("cci", 'openCohort(name: "Promo", startsOn: "2026-01-15")')
    opened = api.mutate(
        # Four months: the graduation on 2026-07-01 comes after the programme's length.
        "bpifrance",
        'openCohort(name: "Promo", startsOn: "2026-01-15", capacity: 2, months: 4)',
    )
    cohort = opened["id"]

    def admit(company: str) -> dict[str, Any]:
        return api.mutate(
            "bpifrance",
            f'admitToCohort(cohortId: "{cohort}", companyId: "{company}", on: "2026-01-20")',
        )

    not_referred = admit(unseen)
    admitted = [admit(first), admit(second)]
    full = admit(third)
    milestone = api.mutate(
        "bpifrance",
        f'recordMilestone(cohortId: "{cohort}", companyId: "{first}", milestone: "Pilot", '
        'on: "2026-03-01")',
    )
    graduated = api.mutate(
        "bpifrance",
        f'graduateFromCohort(cohortId: "{cohort}", companyId: "{first}", on: "2026-07-01")',
    )
    exited = api.mutate(
        "bpifrance",
        f'exitCohort(cohortId: "{cohort}", companyId: "{second}", on: "2026-04-01", '
        'reason: "sold")',
    )
    stranger = api.mutate(
        "bpifrance",
        f'graduateFromCohort(cohortId: "{cohort}", companyId: "{third}", on: "2026-07-01")',
    )
    catch_up(api, tenants)

    assert (by_cci["__typename"], by_cci["code"]) == ("Problem", "FORBIDDEN")
    assert (not_referred["__typename"], not_referred["code"]) == ("Problem", "NOT_FOUND")
    assert [a["__typename"] for a in admitted] == ["Done", "Done"]
    assert (full["__typename"], full["code"]) == ("Problem", "CAPACITY_REACHED")
    assert milestone["__typename"] == graduated["__typename"] == exited["__typename"] == "Done"
    assert (stranger["__typename"], stranger["code"]) == ("Problem", "NOT_REGISTERED")
    query = (
        "{ cohorts { totalCount edges { node { id name capacity months endsOn admittedCount "
        "activeCount graduatedCount exitedCount admissions { companySiren status "
        "milestones { milestone on } exitReason } } } } }"
    )
    (node,) = [e["node"] for e in api.run("bpifrance", query)["cohorts"]["edges"]]
    assert node["id"] == cohort
    assert (node["capacity"], node["months"], node["endsOn"]) == (2, 4, "2026-05-15")
    counts = (node[k] for k in ("admittedCount", "activeCount", "graduatedCount", "exitedCount"))
    assert tuple(counts) == (2, 0, 1, 1)
    assert node["admissions"] == [
        {
            "companySiren": "542107651",
            "status": "GRADUATED",
            "milestones": [{"milestone": "Pilot", "on": "2026-03-01"}],
            "exitReason": None,
        },
        {"companySiren": "356000000", "status": "EXITED", "milestones": [], "exitReason": "sold"},
    ]
    assert api.run("cci", query)["cohorts"]["totalCount"] == 0
    figures = api.run("cci", "{ accelerationFigures { region companies graduatedDay exitedDay } }")
    rows = figures["accelerationFigures"]
    assert {r["region"] for r in rows} == {"53"}
    assert sum(r["companies"] for r in rows) == 2
    ends = {(r["graduatedDay"] is not None, r["exitedDay"] is not None) for r in rows}
    assert ends == {(True, False), (False, True)}


def test_loans_page_after_page_in_the_order_applied(
    api: Api, platform: Platform, tenants: Tenants
) -> None:
    """A list sorted by a recorded time pages on with the cursor it returned."""
    company = a_company(platform, "542107651")
    for amount in (10_000_000, 15_000_000, 20_000_000):  # 450,000 euros in all: within the cap
        api.done(
            "cci",
            f'applyForLoan(companyId: "{company}", amountCents: {amount}, termMonths: 84, '
            'purpose: "Vision", on: "2026-01-12")',
        )
    catch_up(api, tenants)
    amounts: list[int] = []
    after = "null"
    while True:
        page = api.run(
            "cci",
            f"{{ loans(first: 2, after: {after}) {{ totalCount "
            "pageInfo { hasNextPage endCursor } edges { node { amountCents } } } }",
        )["loans"]
        assert page["totalCount"] == 3
        amounts += [e["node"]["amountCents"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = f'"{page["pageInfo"]["endCursor"]}"'

    assert amounts == [10_000_000, 15_000_000, 20_000_000]


def test_a_cursor_made_up_by_hand_is_refused_with_its_code(api: Api) -> None:
    forged = base64.urlsafe_b64encode(b'["not a time", "not an id"]').decode()

    result = api.execute("cci", f'{{ loans(first: 2, after: "{forged}") {{ totalCount }} }}')

    assert result.errors is not None
    assert (result.errors[0].extensions or {}).get("code") == "INVALID_VALUE"
