"""NAF codes through the API: registerCompany accepts only INSEE's sous-classes of NAF rév. 2
and appends nothing for another code; a company shows its code's label, section and
nomenclature."""

from __future__ import annotations

import asyncio

import pytest

from osezia.domain.companies.model import Company
from osezia.domain.platform import Platform
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of

SIREN = "632012100"
REGISTER = (
    'registerCompany(input: {{siren: "{siren}", legalName: "Compagnie Générale", region: "84", '
    'departement: "69", naf: "{naf}", size: {{headcountUta: "12"}}}})'
)
NAF_FIELDS = "naf nafLabel nafSection nafNomenclature"


@pytest.mark.parametrize(
    ("naf", "message"),
    [
        ("99.99Z", "99.99Z is not a sous-classe of NAF rév. 2 (INSEE)"),
        ("6200z", "62.00Z is not a sous-classe of NAF rév. 2 (INSEE)"),
        ("62.0A", "NAF code '62.0A' must be 4 digits and a letter, such as 62.01Z"),
    ],
)
def test_registering_a_code_that_is_not_a_sous_classe_answers_invalid_naf_and_appends_nothing(
    platform: Platform, database_url: str, naf: str, message: str
) -> None:
    api = Api(database_url, platform)
    log = platform.companies.recorder
    before = log.max_notification_id()

    answer = api.mutate("cci", REGISTER.format(siren=SIREN, naf=naf))

    assert answer == {"__typename": "Problem", "code": "INVALID_NAF", "message": message}
    assert log.max_notification_id() == before


def test_a_company_shows_its_codes_label_section_and_nomenclature(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    api = Api(database_url, platform)
    api.done("cci", REGISTER.format(siren=SIREN, naf="6201z"))
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    shown = api_company(api)

    assert shown == {
        "naf": "62.01Z",
        "nafLabel": "Programmation informatique",
        "nafSection": "J",
        "nafNomenclature": "NAFRev2",
    }


def test_a_code_recorded_before_codes_were_checked_shows_its_section_and_no_label(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    # The model takes any code, as registrations did before the nomenclature was checked.
    platform.companies.save(
        Company(
            tenant="cci",
            siren=SIREN,
            legal_name="Compagnie Générale",
            region="84",
            departement="69",
            naf="62.00Z",
        )
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    shown = api_company(Api(database_url, platform))

    assert shown == {
        "naf": "62.00Z",
        "nafLabel": None,
        "nafSection": "J",
        "nafNomenclature": "NAFRev2",
    }


def api_company(api: Api) -> dict[str, object]:
    data = api.run("cci", f'{{ company(siren: "{SIREN}") {{ {NAF_FIELDS} }} }}')
    return dict(data["company"])
