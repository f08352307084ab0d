"""node(id:) finds what the caller sees and nothing else; related companies come through a
per-request loader, with the same visibility."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of


def register(platform: Platform, owner: str, siren: str) -> UUID:
    return platform.companies.register_company(
        owner,
        siren=siren,
        legal_name=f"Société {siren}",
        region="84",
        departement="69",
        naf="25.62B",
        size=SizeFacts(headcount_uta=Decimal(55)),
    )


def ask(database_url: str, platform: Platform, tenant: str, document: str) -> dict[str, Any]:
    return Api(database_url, platform).run(tenant, document)


def test_node_finds_a_record_the_caller_sees_and_nothing_for_another_network(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = register(platform, "cci", "542107651")
    diagnostic = platform.diagnostics.request_diagnostic("cci", company_id=company)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    query = '{ node(id: "%s") { __typename id ... on Diagnostic { companySiren } } }'

    own = ask(database_url, platform, "cci", query % diagnostic)
    pilot = ask(database_url, platform, "bpifrance", query % diagnostic)
    other = ask(database_url, platform, "french-tech", query % diagnostic)
    company_node = ask(database_url, platform, "cci", query % company)

    assert own["node"] == {
        "__typename": "Diagnostic",
        "id": str(diagnostic),
        "companySiren": "542107651",
    }
    assert pilot["node"]["id"] == str(diagnostic)
    assert other["node"] is None
    assert company_node["node"]["__typename"] == "Company"


def test_node_finds_records_of_the_plans_other_measures_as_each_network_sees_them(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    company = register(platform, "cci", "542107651")
    loan = platform.loans.apply_for_loan(
        "cci", company_id=company, amount_cents=10_000_000, term_months=60, purpose="IA",
        on=date(2026, 2, 2),
    )  # fmt: skip
    budget = platform.budget.open_budget("operator")
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    query = '{ node(id: "%s") { __typename id } }'

    assert ask(database_url, platform, "bpifrance", query % loan)["node"] == {
        "__typename": "Loan",
        "id": str(loan),
    }
    assert ask(database_url, platform, "french-tech", query % loan)["node"] is None
    # The budget is public: every network finds it.
    assert ask(database_url, platform, "inria", query % budget)["node"]["__typename"] == "Budget"


def test_a_diagnostics_company_shows_only_when_the_network_sees_the_company(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    shared = register(platform, "cci", "542107651")
    private = register(platform, "cci", "632012100")
    for company in (shared, private):
        platform.diagnostics.request_diagnostic("cci", company_id=company)
    platform.referrals.share_company(
        "cci",
        shared,
        to_tenant="bpifrance",
        purpose="DIAGNOSTIC",
        reason="diagnostic Data IA",
        consent_reference="accord 7",
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    answer = ask(
        database_url,
        platform,
        "bpifrance",
        "{ diagnostics { edges { node { companySiren company { siren } } } } }",
    )

    seen = {
        edge["node"]["companySiren"]: edge["node"]["company"]
        for edge in answer["diagnostics"]["edges"]
    }
    assert seen == {"542107651": {"siren": "542107651"}, "632012100": None}
