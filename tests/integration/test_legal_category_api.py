"""A company's catégorie juridique through the API: given at registration or recorded later,
read by every network that sees the company (1000: a sole trader); a malformed code is refused
with INVALID_LEGAL_CATEGORY and appends nothing."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.privacy_support import head
from tests.integration.projection_support import build_all, catch_up_all, viewers_of

READ = "legalCategory soleTrader legalName siren"


@pytest.fixture(autouse=True)
def read_models_live(database_url: str, tenants: Tenants) -> None:
    asyncio.run(build_all(database_url, viewers_of(tenants)))


def register(api: Api, tenant: str, siren: str, category: str | None = None) -> dict[str, Any]:
    given = "" if category is None else f', legalCategory: "{category}"'
    return api.mutate(
        tenant,
        f'registerCompany(input: {{siren: "{siren}", legalName: "Durand Menuiserie", '
        f'region: "53", departement: "35", naf: "16.23Z", size: {{staffBand: "01"}}{given}}})',
    )


def company(api: Api, database_url: str, tenants: Tenants, tenant: str, siren: str) -> Any:
    asyncio.run(catch_up_all(database_url, viewers_of(tenants)))
    return api.run(tenant, f'{{ company(siren: "{siren}") {{ {READ} }} }}')["company"]


def test_a_category_given_at_registration_tells_a_sole_trader(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    assert register(api, "cci", "552100554", "1000")["__typename"] == "Done"
    assert register(api, "cci", "632012100")["__typename"] == "Done"

    sole = company(api, database_url, tenants, "cci", "552100554")
    unknown = company(api, database_url, tenants, "cci", "632012100")

    assert (sole["legalCategory"], sole["soleTrader"]) == ("1000", True)
    assert (unknown["legalCategory"], unknown["soleTrader"]) == (None, None)


def test_a_category_recorded_later_reaches_every_network_that_sees_the_company(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    company_id = register(api, "cci", "552100554")["id"]
    assert register(api, "bpifrance", "552100554")["__typename"] == "Done"

    api.done("bpifrance", f'recordLegalCategory(companyId: "{company_id}", legalCategory: "5710")')

    for network in ("cci", "bpifrance", "operator"):
        seen = company(api, database_url, tenants, network, "552100554")
        assert (seen["legalCategory"], seen["soleTrader"]) == ("5710", False), network


def test_a_follower_registering_with_another_category_corrects_it_for_everyone(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    register(api, "cci", "552100554", "5499")
    assert company(api, database_url, tenants, "cci", "552100554")["legalCategory"] == "5499"

    register(api, "bpifrance", "552100554", "5710")

    for network in ("cci", "bpifrance"):
        assert company(api, database_url, tenants, network, "552100554")["legalCategory"] == "5710"


def test_a_follower_registering_without_a_category_keeps_the_one_recorded(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    register(api, "cci", "552100554", "1000")
    register(api, "bpifrance", "552100554")

    seen = company(api, database_url, tenants, "bpifrance", "552100554")

    assert (seen["legalCategory"], seen["soleTrader"]) == ("1000", True)


@pytest.mark.parametrize("category", ["100", "10000", "0100", "5A10", "", "٥٧١٠"])
def test_a_malformed_category_is_refused_and_appends_nothing(
    database_url: str, platform: Platform, tenants: Tenants, category: str
) -> None:
    api = Api(database_url, platform)
    company_id = register(api, "cci", "552100554")["id"]
    before = head(database_url)
    message = (
        f"catégorie juridique {category!r} must be INSEE's code of 4 digits, the first from 1 "
        "to 9, such as 1000 (entrepreneur individuel) or 5710 (SAS)"
    )

    registered = register(api, "cci", "632012100", category)
    recorded = api.mutate(
        "cci", f'recordLegalCategory(companyId: "{company_id}", legalCategory: "{category}")'
    )

    for answer in (registered, recorded):
        assert answer == {
            "__typename": "Problem",
            "code": "INVALID_LEGAL_CATEGORY",
            "message": message,
        }
    assert head(database_url) == before


def test_a_network_that_sees_the_company_through_a_referral_does_not_record_its_category(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    company_id = register(api, "cci", "552100554")["id"]
    api.done(
        "cci",
        f'shareCompany(companyId: "{company_id}", toNetwork: "bpifrance", purpose: OTHER, '
        'reason: "prêt", consentReference: "c-1")',
    )
    before = head(database_url)

    answer = api.mutate(
        "bpifrance", f'recordLegalCategory(companyId: "{company_id}", legalCategory: "1000")'
    )

    assert (answer["__typename"], answer["code"]) == ("Problem", "NOT_REGISTERED")
    assert head(database_url) == before
    assert company(api, database_url, tenants, "bpifrance", "552100554")["legalCategory"] is None
