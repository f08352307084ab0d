"""Calls for projects through the API: opened, applied to, decided phase by phase, each network
answered with the rule its command broke, and reads limited to what each network sees."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of

ON = date(2025, 11, 3)
K = 100_000  # one thousand euros, in cents


def mutate(database_url: str, platform: Platform, tenant: str, call: str) -> dict[str, Any]:
    return Api(database_url, platform).mutate(tenant, call)


def query(database_url: str, platform: Platform, tenant: str, document: str) -> dict[str, Any]:
    return Api(database_url, platform).run(tenant, document)


@pytest.fixture
def opened(database_url: str, platform: Platform, tenants: Tenants) -> dict[str, str]:
    """Pionniers de l'IA, open, and a CCI company's application to it."""
    platform.calls.today = lambda: ON
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Robotique de l'Ouest",
        region="53",
        departement="35",
        naf="28.99B",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )
    call = mutate(
        database_url,
        platform,
        "operator",
        'openCall(code: "PIONNIERS_IA", opensOn: "2025-09-18", closesOn: "2026-03-31")',
    )
    assert call["__typename"] == "Done"
    application = mutate(
        database_url,
        platform,
        "cci",
        f'submitApplication(callId: "{call["id"]}", companyId: "{company}", '
        'projectTitle: "Cobotique", consortiumSirens: ["732829320"])',
    )
    assert application["__typename"] == "Done"
    return {"call": call["id"], "application": application["id"]}


def award(application: str, phase: int, cents: int, months: int) -> str:
    return (
        f'awardPhase(applicationId: "{application}", phase: {phase}, amountCents: {cents}, '
        f'months: {months}, on: "2025-11-03")'
    )


def gate(application: str, phase: int, passed: bool) -> str:
    flag = "true" if passed else "false"
    return (
        f'evaluateGate(applicationId: "{application}", phase: {phase}, passed: {flag}, '
        'on: "2025-11-03", comment: "revue")'
    )


def test_an_application_goes_through_its_phases_and_the_calls_count_it(
    database_url: str, platform: Platform, tenants: Tenants, opened: dict[str, str]
) -> None:
    application = opened["application"]
    steps = [
        ("inria", f'selectApplication(applicationId: "{application}")'),
        ("inria", award(application, 1, 150 * K, 9)),
        ("inria", gate(application, 1, True)),
        ("bpifrance", award(application, 2, 600 * K, 12)),
    ]
    for tenant, call in steps:
        assert mutate(database_url, platform, tenant, call)["__typename"] == "Done", call
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    calls = query(
        database_url,
        platform,
        "french-tech",
        "{ calls { code selectionTarget figures { applications selected awardedCents } "
        "phases { number minCents maxCents minMonths maxMonths contractor } } }",
    )
    applications = query(
        database_url,
        platform,
        "inria",
        '{ callApplications(callCode: "PIONNIERS_IA", status: "IN_PHASE_2") { totalCount '
        "edges { node { status currentPhase awardedCents consortiumSirens submittedThrough "
        "phases { phase amountCents awardedBy gatePassed } } } } }",
    )

    assert calls["calls"] == [
        {
            "code": "PIONNIERS_IA",
            "selectionTarget": None,
            "figures": {"applications": 1, "selected": 1, "awardedCents": 750 * K},
            "phases": [
                {
                    "number": 1,
                    "minCents": 100 * K,
                    "maxCents": 200 * K,
                    "minMonths": 6,
                    "maxMonths": 12,
                    "contractor": "inria",
                },
                {
                    "number": 2,
                    "minCents": 400 * K,
                    "maxCents": 800 * K,
                    "minMonths": 6,
                    "maxMonths": 18,
                    "contractor": "bpifrance",
                },
                {
                    "number": 3,
                    "minCents": 3000 * K,
                    "maxCents": 8000 * K,
                    "minMonths": 12,
                    "maxMonths": 36,
                    "contractor": "bpifrance",
                },
            ],
        }
    ]
    (edge,) = applications["callApplications"]["edges"]
    assert edge["node"] == {
        "status": "IN_PHASE_2",
        "currentPhase": 2,
        "awardedCents": 750 * K,
        "consortiumSirens": ["732829320"],
        "submittedThrough": "cci",
        "phases": [
            {"phase": 1, "amountCents": 150 * K, "awardedBy": "inria", "gatePassed": True},
            {"phase": 2, "amountCents": 600 * K, "awardedBy": "bpifrance", "gatePassed": None},
        ],
    }


def test_each_broken_rule_is_answered_with_its_code(
    database_url: str, platform: Platform, tenants: Tenants, opened: dict[str, str]
) -> None:
    application = opened["application"]
    before_selection = [
        ("inria", award(application, 1, 150 * K, 9), "GATE_NOT_PASSED"),
        ("cci", f'selectApplication(applicationId: "{application}")', "FORBIDDEN"),
        (
            "bpifrance",
            'openCall(code: "PIONNIERS_IA", opensOn: "2025-09-18", closesOn: "2026-03-31")',
            "ALREADY_EXISTS",
        ),
    ]
    for tenant, call, code in before_selection:
        assert mutate(database_url, platform, tenant, call)["code"] == code, call
    assert mutate(
        database_url, platform, "inria", f'selectApplication(applicationId: "{application}")'
    ) == {"__typename": "Done", "id": None}

    refused = [
        ("bpifrance", award(application, 1, 150 * K, 9), "NOT_CONTRACTOR"),
        ("inria", award(application, 1, 250 * K, 9), "AMOUNT_OUT_OF_RANGE"),
        ("inria", award(application, 1, 150 * K, 13), "AMOUNT_OUT_OF_RANGE"),
        ("bpifrance", award(application, 2, 600 * K, 12), "GATE_NOT_PASSED"),
        ("inria", gate(application, 1, True), "INVALID_TRANSITION"),
    ]
    for tenant, call, code in refused:
        assert mutate(database_url, platform, tenant, call)["code"] == code, call


def test_a_network_reads_only_its_own_applications_and_every_call(
    database_url: str, platform: Platform, tenants: Tenants, opened: dict[str, str]
) -> None:
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    document = "{ calls { code figures { applications } } callApplications { totalCount } }"

    counts = {
        tenant: query(database_url, platform, tenant, document)
        for tenant in ("cci", "french-tech", "inria", "bpifrance")
    }

    for answer in counts.values():
        assert answer["calls"] == [{"code": "PIONNIERS_IA", "figures": {"applications": 1}}]
    assert {t: a["callApplications"]["totalCount"] for t, a in counts.items()} == {
        "cci": 1,
        "french-tech": 0,
        "inria": 1,
        "bpifrance": 1,
    }


def test_a_network_cannot_decide_on_an_application_it_neither_filed_nor_contracts(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    platform.calls.today = lambda: ON
    company = platform.companies.register_company(
        "bpifrance",
        siren="542107651",
        legal_name="Confidentiel SA",
        region="11",
        departement="92",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )
    call = platform.calls.open_call(
        "bpifrance", code="IA_GENERATIVE", opens_on=date(2025, 9, 1), closes_on=date(2026, 3, 31)
    )
    application = platform.calls.submit_application(
        "bpifrance", call_id=call, company_id=company, project_title="Assistant"
    )
    decisions = [
        f'selectApplication(applicationId: "{application}")',
        f'rejectApplication(applicationId: "{application}", reason: "r")',
        award(str(application), 1, 500 * K, 12),
        gate(str(application), 1, True),
    ]
    before = platform.companies.recorder.max_notification_id()

    # French Tech may not decide at all; INRIA may, but contracts no phase of this call.
    for tenant, code in (("french-tech", "FORBIDDEN"), ("inria", "NOT_FOUND")):
        for call_text in decisions:
            assert mutate(database_url, platform, tenant, call_text)["code"] == code, call_text
    assert platform.companies.recorder.max_notification_id() == before


def test_applications_name_a_priority_sector_and_the_calls_figures_count_by_sector(
    database_url: str, platform: Platform, tenants: Tenants, opened: dict[str, str]
) -> None:
    company = platform.companies.register_company(
        "cci",
        siren="356000000",
        legal_name="Énergie de l'Ouest",
        region="53",
        departement="29",
        naf="35.11Z",
        size=SizeFacts(headcount_uta=Decimal(60)),
    )
    submitted = mutate(
        database_url,
        platform,
        "cci",
        f'submitApplication(callId: "{opened["call"]}", companyId: "{company}", '
        'projectTitle: "Réseau prédictif", prioritySector: ENERGY)',
    )
    unknown = Api(database_url, platform).execute(
        "cci",
        f'mutation {{ submitApplication(callId: "{opened["call"]}", companyId: "{company}", '
        'projectTitle: "x", prioritySector: SPACE) { __typename } }',
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    answer = query(
        database_url,
        platform,
        "operator",
        "{ callApplications { edges { node { projectTitle prioritySector } } } "
        "calls { figures { applications bySector { sector applications selected } } } }",
    )

    assert submitted["__typename"] == "Done"
    assert unknown.errors is not None
    assert "SPACE" in unknown.errors[0].message
    sectors = {
        e["node"]["projectTitle"]: e["node"]["prioritySector"]
        for e in answer["callApplications"]["edges"]
    }
    assert sectors == {"Cobotique": None, "Réseau prédictif": "ENERGY"}
    (figures,) = [c["figures"] for c in answer["calls"]]
    assert figures["applications"] == 2
    assert figures["bySector"] == [
        {"sector": "ENERGY", "applications": 1, "selected": 0},
        {"sector": None, "applications": 1, "selected": 0},
    ]
