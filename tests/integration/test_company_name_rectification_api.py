"""Rectification (RGPD art. 16) of a company's legal name through the API: a network that does
not see the company finds nothing, one without the command is forbidden it, one referred the
company does not follow it, and none of them appends anything; a follower corrects it for every
network; the lists, the records that copied the name, the exports and the CSV show the corrected
name, the same after a rebuild, the figures stay, and the name recorded before is found nowhere
in the database."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import UUID

from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.projections.companies import TABLE as COMPANIES
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.privacy_support import dump_of, head, places_holding
from tests.integration.projection_support import build_all, catch_up_all, snapshot, viewers_of
from tests.integration.test_privacy_api import FIGURES, export, exported_csv

MISSPELT, CORRECTED = "Zélie Marchendaux", "Zélie Marchandeau"
SIREN = "552100554"
NAMES = (
    f'{{ company(siren: "{SIREN}") {{ legalName siren legalCategory }} '
    "diagnostics { edges { node { companyName } } } loans { edges { node { companyName } } } }"
)


def register(api: Api, tenant: str, name: str, category: str = "1000") -> str:
    return api.done(
        tenant,
        f'registerCompany(input: {{siren: "{SIREN}", legalName: "{name}", region: "53", '
        f'departement: "35", naf: "16.23Z", size: {{staffBand: "12"}}, '
        f'legalCategory: "{category}"}})',
    )


def correction(company: str, name: str) -> str:
    return f'correctCompanyName(companyId: "{company}", legalName: "{name}")'


def names_seen(api: Api, tenant: str) -> dict[str, Any]:
    data = api.run(tenant, NAMES)
    return {
        "company": data["company"],
        "diagnostics": [e["node"]["companyName"] for e in data["diagnostics"]["edges"]],
        "loans": [e["node"]["companyName"] for e in data["loans"]["edges"]],
    }


def test_a_follower_corrects_a_sole_traders_name_and_the_old_one_is_found_nowhere(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    company = register(api, "cci", MISSPELT)
    register(api, "bpifrance", MISSPELT)
    company_id = UUID(company)
    platform.diagnostics.request_diagnostic("cci", company_id=company_id)
    platform.referrals.share_company(
        "cci",
        company_id,
        to_tenant="inria",
        purpose="OTHER",
        reason="suivi",
        consent_reference="accord 1",
    )
    asyncio.run(build_all(database_url, viewers))
    figures = api.run("operator", FIGURES)
    # Applied after the read models were built: caught up in the same batch as the correction.
    api.done(
        "cci",
        f'applyForLoan(companyId: "{company}", amountCents: 30000000, termMonths: 84, '
        'purpose: "Vision", on: "2026-01-12")',
    )

    # A network that holds the command but does not see the company finds nothing, worded as
    # for an id that does not exist; one without the command is forbidden it; one referred the
    # company keeps no record of it to correct. None appends anything.
    before = head(database_url)
    assert api.mutate("french-tech", correction(company, "X")) == {
        "__typename": "Problem",
        "code": "NOT_FOUND",
        "message": f"no company with id {company}",
    }
    assert api.mutate("operator", correction(company, "X"))["code"] == "FORBIDDEN"
    assert api.mutate("inria", correction(company, "X"))["code"] == "NOT_REGISTERED"
    assert head(database_url) == before

    corrected = api.run(
        "bpifrance",
        f"mutation {{ m: {correction(company, CORRECTED)} {{ __typename "
        "... on Done { id consistencyToken } ... on Problem { code message } } }",
    )["m"]
    assert corrected["__typename"] == "Done"
    assert corrected["id"] is None
    assert int(corrected["consistencyToken"]) == head(database_url) == before + 1
    again = api.mutate("cci", correction(company, CORRECTED))
    assert (again["code"], head(database_url)) == ("INVALID_VALUE", before + 1)
    asyncio.run(catch_up_all(database_url, viewers))

    # Every follower's rows take the corrected name, and so do the records that copied it.
    seen = {network: names_seen(api, network) for network in ("cci", "bpifrance")}
    assert seen["cci"] == {
        "company": {"legalName": CORRECTED, "siren": SIREN, "legalCategory": "1000"},
        "diagnostics": [CORRECTED],
        "loans": [CORRECTED],
    }
    assert seen["bpifrance"]["company"] == seen["cci"]["company"]
    exported = export(api, "cci", company)
    names = [
        (e["event"], e["fields"]["legal_name"])
        for e in exported["records"][0]["events"]
        if "legal_name" in e["fields"]
    ]
    assert names == [
        ("Company.Registered", ERASED),
        ("Company.LegalNameCorrected", CORRECTED),
    ]
    # The correction is a public fact every follower's record takes: Bpifrance, which did not
    # register the company first, exports it with the events it recorded itself.
    theirs = export(api, "bpifrance", company)
    assert [
        (e["event"], e["fields"].get("legal_name")) for e in theirs["records"][0]["events"]
    ] == [
        ("Company.Followed", ERASED),
        ("Company.SizeAssessed", None),
        ("Company.LegalNameCorrected", CORRECTED),
    ]
    assert exported["rows"]["companies"][0]["legal_name"] == CORRECTED
    assert exported["rows"]["diagnostics"][0]["company_name"] == CORRECTED
    csv = exported_csv(database_url, "cci", COMPANIES)
    assert CORRECTED in csv
    assert places_holding(csv.encode(), "Marchendaux") == []
    assert api.run("operator", FIGURES) == figures

    # Caught up or rebuilt from the log, every target's rows are the same.
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}
    asyncio.run(build_all(database_url, viewers))
    rebuilt = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}
    assert rebuilt == incremental
    assert {network: names_seen(api, network) for network in seen} == seen
    assert api.run("operator", FIGURES) == figures
    assert places_holding(dump_of(database_url), "Marchendaux") == []


def test_a_personne_morales_name_is_corrected_in_its_rows_and_its_records_copies(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    company = register(api, "cci", "Fonderie Martn", category="5710")
    platform.diagnostics.request_diagnostic("cci", company_id=UUID(company))
    asyncio.run(build_all(database_url, viewers))

    assert api.mutate("cci", correction(company, "Fonderie Martin"))["__typename"] == "Done"
    asyncio.run(catch_up_all(database_url, viewers))

    seen = names_seen(api, "cci")
    assert seen == {
        "company": {"legalName": "Fonderie Martin", "siren": SIREN, "legalCategory": "5710"},
        "diagnostics": ["Fonderie Martin"],
        "loans": [],
    }
    # Its name is no person's: the company's history keeps the name before, readable.
    assert [
        e.legal_name
        for e in platform.companies.repository.event_store.get(UUID(company))
        if hasattr(e, "legal_name")
    ] == ["Fonderie Martn", "Fonderie Martin"]
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}
    asyncio.run(build_all(database_url, viewers))
    assert {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers} == incremental
    assert names_seen(api, "cci") == seen
