"""Lists as of a day through GraphQL: the records and milestones recorded by the end of that day
in France, each shown as it stood then, consistently with the figures as of that day."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, catch_up_all, viewers_of
from tests.integration.test_progress import Clock
from tests.integration.test_progress import clock as clock  # a fixture

REQUESTED, DELIVERED, PAID = date(2026, 3, 2), date(2026, 3, 4), date(2026, 3, 9)
SIREN = "542107651"


@pytest.fixture
def api(database_url: str, platform: Platform, tenants: Tenants, clock: Clock) -> Api:
    """A CCI company, its diagnostic requested, reported and co-financed on three days, and
    INRIA's partnership with it proposed on the first and signed on the second."""
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    diagnostics = platform.diagnostics
    clock.on(REQUESTED)
    company = platform.companies.register_company(
        "cci",
        siren=SIREN,
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )
    found = diagnostics.request_diagnostic("cci", company_id=company)
    diagnostics.check_eligibility("cci", found)
    platform.referrals.share_company(
        "cci",
        company,
        to_tenant="inria",
        purpose="PARTNERSHIP",
        reason="recherche",
        consent_reference="accord",
    )
    partnership = platform.partnerships.propose_partnership(
        "inria", research_team="Inria Rennes", topic="Vision", company_id=company
    )
    clock.on(DELIVERED)
    diagnostics.assign_expert("cci", found, expert="Lumen")
    diagnostics.deliver_inventory("cci", found)
    diagnostics.identify_use_cases("cci", found, use_cases=[UseCase("TRI", "Tri")])
    diagnostics.prioritise_use_cases("cci", found, scores=[UseCaseScore("TRI", 4, 3)])
    diagnostics.deliver_report("cci", found, on=DELIVERED)
    platform.partnerships.sign_partnership("inria", partnership, on=DELIVERED)
    clock.on(PAID)
    diagnostics.pay_cofinancing("cci", found, price_cents=1_000_000)
    api = Api(database_url, platform)
    asyncio.run(catch_up_all(database_url, viewers_of(tenants)))
    return api


def diagnostic_as_of(api: Api, day: date) -> dict[str, Any]:
    query = (
        f'{{ diagnostics(asOf: "{day}") {{ edges {{ node {{ status useCases {{ code }} '
        "reportDeliveredOn cofinancingCents cofinancedAt } } } }"
    )
    (edge,) = api.run("cci", query)["diagnostics"]["edges"]
    node: dict[str, Any] = edge["node"]
    return node


def test_a_diagnostic_as_of_each_day_shows_its_status_and_milestones_then(api: Api) -> None:
    assert diagnostic_as_of(api, REQUESTED) == {
        "status": "ELIGIBLE",
        "useCases": [],
        "reportDeliveredOn": None,
        "cofinancingCents": None,
        "cofinancedAt": None,
    }
    delivered = diagnostic_as_of(api, PAID.replace(day=8))
    assert delivered["status"] == "REPORT_DELIVERED"
    assert delivered["useCases"] == [{"code": "TRI"}]
    assert delivered["reportDeliveredOn"] == str(DELIVERED)
    assert delivered["cofinancingCents"] is None
    assert diagnostic_as_of(api, PAID)["status"] == "COFINANCING_PAID"


def test_a_status_filter_as_of_a_day_reads_the_status_then(api: Api) -> None:
    def listed(status: str, day: date) -> int:
        query = f'{{ diagnostics(status: {status}, asOf: "{day}") {{ totalCount }} }}'
        total: int = api.run("cci", query)["diagnostics"]["totalCount"]
        return total

    assert (listed("ELIGIBLE", REQUESTED), listed("COFINANCING_PAID", REQUESTED)) == (1, 0)
    assert (listed("ELIGIBLE", PAID), listed("COFINANCING_PAID", PAID)) == (0, 1)


def test_nothing_is_listed_as_of_a_day_before_it_was_recorded(api: Api) -> None:
    day = date(2026, 3, 1)
    query = (
        f'{{ diagnostics(asOf: "{day}") {{ totalCount }} '
        f'partnerships(asOf: "{day}") {{ totalCount }} '
        f'company(siren: "{SIREN}", asOf: "{day}") {{ legalName }} }}'
    )

    answer = api.run("cci", query)

    assert answer == {
        "diagnostics": {"totalCount": 0},
        "partnerships": {"totalCount": 0},
        "company": None,
    }


def test_use_case_figures_count_a_cofinancing_from_the_day_it_was_recorded(api: Api) -> None:
    def counted(day: date) -> int:
        query = (
            f'{{ useCaseFigures(cofinancedFrom: "2026-03-01", asOf: "{day}") '
            "{ diagnostics useCases { code diagnostics } } }"
        )
        figures = api.run("cci", query)["useCaseFigures"]
        used = [{"code": "TRI", "diagnostics": 1}] if figures["diagnostics"] else []
        assert figures["useCases"] == used
        total: int = figures["diagnostics"]
        return total

    assert [counted(PAID.replace(day=8)), counted(PAID)] == [0, 1]


def test_a_partnership_as_of_the_day_before_its_signature_is_only_proposed(api: Api) -> None:
    query = (
        '{ before: partnerships(asOf: "2026-03-03") { edges { node { status signedOn } } } '
        'signedBefore: partnerships(signedFrom: "2026-03-01", asOf: "2026-03-03") '
        "{ totalCount } "
        'signed: partnerships(signedFrom: "2026-03-01", asOf: "2026-03-04") { totalCount } '
        'years: partnershipYears(asOf: "2026-03-03") { signed } }'
    )

    answer = api.run("inria", query)

    assert answer["before"]["edges"] == [{"node": {"status": "PROPOSED", "signedOn": None}}]
    assert answer["signedBefore"]["totalCount"] == 0
    assert answer["signed"]["totalCount"] == 1
    assert answer["years"] == []


def test_the_company_as_of_a_day_has_the_segment_it_had_then(api: Api) -> None:
    query = f'{{ company(siren: "{SIREN}", asOf: "{REQUESTED}") {{ legalName segment }} }}'

    answer = api.run("cci", query)

    assert answer["company"]["legalName"] == "Robotique de l'Ouest"
    assert answer["company"]["segment"] == "PME_ETI"


def test_diagnostics_filter_on_the_report_date_and_the_day_the_payment_was_recorded(
    api: Api,
) -> None:
    def listed(arguments: str) -> int:
        total: int = api.run("cci", f"{{ diagnostics({arguments}) {{ totalCount }} }}")[
            "diagnostics"
        ]["totalCount"]
        return total

    assert listed(f'reportDeliveredFrom: "{DELIVERED}"') == 1
    assert listed('reportDeliveredFrom: "2026-03-05"') == 0
    assert listed(f'reportDeliveredUntil: "{DELIVERED}"') == 1
    assert listed('reportDeliveredUntil: "2026-03-03"') == 0
    assert listed(f'cofinancedFrom: "{PAID}", cofinancedUntil: "{PAID}"') == 1
    assert listed('cofinancedUntil: "2026-03-08"') == 0
    assert listed('sizeCategory: PME, segment: PME_ETI, region: "53"') == 1
    assert listed("sizeCategory: ETI") == 0
