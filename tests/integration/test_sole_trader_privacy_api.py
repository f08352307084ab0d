"""A sole trader's rights through the API: a company whose catégorie juridique is 1000 names a
person, exported and erased by its id; its name then reads « effacé » in the company's rows, the
records that copy it, the exports and after a rebuild, while its SIREN, size, region and NAF
stay, and every figure. A personne morale, or a company whose category is unknown, is no one to
erase; a network that did not record the company finds no one."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.projections.companies import TABLE as COMPANIES
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.privacy_support import dump_of, head, places_holding
from tests.integration.projection_support import build_all, catch_up_all, viewers_of
from tests.integration.test_privacy_api import FIGURES, erase, export, exported_csv

NAME = "Zélie Marchandeau"
SIREN = "552100554"
COMPANY = "siren legalName legalCategory soleTrader region naf sizeCategory segment"


def register(api: Api, tenant: str, siren: str, name: str, category: str | None) -> str:
    given = "" if category is None else f', legalCategory: "{category}"'
    return api.done(
        tenant,
        f'registerCompany(input: {{siren: "{siren}", legalName: "{name}", region: "53", '
        f'departement: "35", naf: "16.23Z", size: {{staffBand: "12"}}{given}}})',
    )


def seen(api: Api, tenant: str) -> dict[str, Any]:
    company: dict[str, Any] = api.run(tenant, f'{{ company(siren: "{SIREN}") {{ {COMPANY} }} }}')[
        "company"
    ]
    return company


def test_a_sole_trader_is_exported_then_erased_and_only_their_name_goes(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    company = register(api, "cci", SIREN, NAME, "1000")
    register(api, "bpifrance", SIREN, NAME, None)
    loan = api.done(
        "cci",
        f'applyForLoan(companyId: "{company}", amountCents: 30000000, termMonths: 84, '
        'purpose: "Vision", on: "2026-01-12")',
    )
    asyncio.run(build_all(database_url, viewers))
    figures = api.run("operator", FIGURES)
    before_erasure = {network: seen(api, network) for network in ("cci", "bpifrance")}
    assert before_erasure["cci"]["legalName"] == NAME

    exported = export(api, "cci", company)
    assert (exported["subject"], exported["network"], exported["erased"]) == (
        "SOLE_TRADER",
        "cci",
        False,
    )
    assert [r["id"] for r in exported["records"]] == [company, loan]
    assert exported["records"][0]["events"][0]["fields"]["legal_name"] == NAME
    assert exported["rows"]["companies"][0]["legal_name"] == NAME
    assert exported["rows"]["loans"][0]["company_name"] == NAME

    # Bpifrance follows the company too: it exports what it recorded, not CCI's loan or record.
    theirs = export(api, "bpifrance", company)
    assert theirs["network"] == "bpifrance"
    assert [r["id"] for r in theirs["records"]] == [company]
    assert [e["event"] for e in theirs["records"][0]["events"]] == [
        "Company.Followed",
        "Company.SizeAssessed",
    ]

    # A network that did not record the company finds no one there; nothing is appended.
    before = head(database_url)
    assert erase(api, "french-tech", company)["code"] == "NOT_FOUND"
    assert export(api, "french-tech", company)["code"] == "NOT_FOUND"
    assert head(database_url) == before

    assert erase(api, "cci", company)["__typename"] == "Done"
    asyncio.run(catch_up_all(database_url, viewers))

    for network, was in before_erasure.items():
        assert seen(api, network) == {**was, "legalName": ERASED}, network
    loans = api.run("cci", "{ loans { edges { node { id companyName } } } }")
    assert [e["node"]["companyName"] for e in loans["loans"]["edges"]] == [ERASED]
    after = export(api, "cci", company)
    assert after["erased"] is True
    assert after["rows"]["companies"][0]["legal_name"] == ERASED
    assert after["rows"]["companies"][0]["siren"] == SIREN
    assert api.run("operator", FIGURES) == figures
    csv = exported_csv(database_url, "cci", COMPANIES)
    assert SIREN in csv
    assert places_holding(csv.encode(), "Marchandeau") == []

    # Erasing again changes nothing and appends nothing.
    before = head(database_url)
    assert erase(api, "bpifrance", company) == {"__typename": "Done", "id": None}
    assert head(database_url) == before

    asyncio.run(build_all(database_url, viewers))
    for network, was in before_erasure.items():
        assert seen(api, network) == {**was, "legalName": ERASED}, network
    assert api.run("operator", FIGURES) == figures
    assert places_holding(dump_of(database_url), "Marchandeau") == []


@pytest.mark.parametrize(
    ("category", "code", "message"),
    [
        (
            "5710",
            "NOT_A_PERSON",
            f"company {SIREN} is a personne morale (catégorie juridique 5710): its name is no "
            "person's, there is nobody to export or erase",
        ),
        (
            None,
            "LEGAL_CATEGORY_UNKNOWN",
            f"the catégorie juridique of company {SIREN} is not recorded: record it "
            "(recordLegalCategory) first; only an entrepreneur individuel (1000) is a person",
        ),
    ],
)
def test_a_company_that_is_not_known_as_a_sole_trader_is_no_one_to_erase(
    database_url: str,
    platform: Platform,
    tenants: Tenants,
    category: str | None,
    code: str,
    message: str,
) -> None:
    api = Api(database_url, platform)
    company = register(api, "cci", SIREN, "Menuiserie Durand SAS", category)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    before = head(database_url)

    for answer in (export(api, "cci", company), erase(api, "cci", company)):
        assert answer == {"__typename": "Problem", "code": code, "message": message}
    # The boundary comes first: a network that did not record it learns nothing of its category.
    assert erase(api, "french-tech", company)["code"] == "NOT_FOUND"
    assert head(database_url) == before
    assert seen(api, "cci")["legalName"] == "Menuiserie Durand SAS"
