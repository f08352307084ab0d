"""Milestone dates through GraphQL: each list filters on its milestones' dates with from/until,
both days included, and a cohort or an application matches when one of its admissions or
awards falls within both bounds (not one admission after `from` and another before `until`)."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal

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


def catch_up(api: Api, tenants: Tenants) -> None:
    asyncio.run(catch_up_all(api.database_url, viewers_of(tenants)))


def a_company(platform: Platform, siren: str) -> str:
    return str(
        platform.companies.register_company(
            "cci",
            siren=siren,
            legal_name=f"Entreprise {siren}",
            region="53",
            departement="35",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(120)),
        )
    )


def count(api: Api, tenant: str, field: str, arguments: str) -> int:
    total: int = api.run(tenant, f"{{ {field}({arguments}) {{ totalCount }} }}")[field][
        "totalCount"
    ]
    return total


def test_loans_filter_on_the_days_guarantees_were_granted_and_loans_disbursed(
    api: Api, platform: Platform, tenants: Tenants
) -> None:
    loans = []
    for siren, on in (("542107651", "2026-02-02"), ("356000000", "2026-03-10")):
        company = a_company(platform, siren)
        loan = api.done(
            "cci",
            f'applyForLoan(companyId: "{company}", amountCents: 30000000, termMonths: 84, '
            'purpose: "Vision", on: "2026-01-12")',
        )
        api.done("bpifrance", f'grantGuarantee(loanId: "{loan}", on: "{on}")')
        loans.append(loan)
    api.done(
        "bpifrance", f'disburseLoan(loanId: "{loans[0]}", amountCents: 29000000, on: "2026-03-31")'
    )
    catch_up(api, tenants)

    assert count(api, "cci", "loans", 'grantedFrom: "2026-02-02"') == 2
    assert count(api, "cci", "loans", 'grantedFrom: "2026-02-03"') == 1
    assert count(api, "cci", "loans", 'grantedUntil: "2026-03-09"') == 1
    assert count(api, "cci", "loans", 'grantedUntil: "2026-03-10"') == 2
    assert count(api, "cci", "loans", 'disbursedFrom: "2026-03-31"') == 1
    assert count(api, "cci", "loans", 'disbursedUntil: "2026-03-30"') == 0


def test_cohorts_filter_on_one_admission_within_both_bounds(
    api: Api, platform: Platform, tenants: Tenants
) -> None:
    companies = [a_company(platform, s) for s in ("542107651", "356000000")]
    for company in companies:
        api.done(
            "cci",
            f'shareCompany(companyId: "{company}", toNetwork: "bpifrance", purpose: OTHER, '
            'reason: "the acceleration programme", consentReference: "accord")',
        )
    cohort = api.done(
        "bpifrance", 'openCohort(name: "Promo", startsOn: "2026-01-15", capacity: 5, months: 4)'
    )
    for company, on in zip(companies, ("2026-01-20", "2026-02-10"), strict=True):
        api.done(
            "bpifrance",
            f'admitToCohort(cohortId: "{cohort}", companyId: "{company}", on: "{on}")',
        )
    api.done(
        "bpifrance",
        f'graduateFromCohort(cohortId: "{cohort}", companyId: "{companies[0]}", on: "2026-06-01")',
    )
    catch_up(api, tenants)

    assert count(api, "bpifrance", "cohorts", 'admittedFrom: "2026-02-10"') == 1
    assert count(api, "bpifrance", "cohorts", 'admittedUntil: "2026-01-20"') == 1
    both = 'admittedFrom: "2026-01-21", admittedUntil: "2026-02-09"'
    assert count(api, "bpifrance", "cohorts", both) == 0
    backwards = 'admittedFrom: "2026-02-10", admittedUntil: "2026-01-20"'
    assert count(api, "bpifrance", "cohorts", backwards) == 0
    assert count(api, "bpifrance", "cohorts", 'graduatedFrom: "2026-06-01"') == 1
    assert count(api, "bpifrance", "cohorts", 'graduatedUntil: "2026-05-31"') == 0


def test_applications_filter_on_the_days_their_phases_were_awarded(
    api: Api, platform: Platform, tenants: Tenants
) -> None:
    platform.calls.today = lambda: date(2025, 11, 3)
    company = a_company(platform, "542107651")
    call = api.done(
        "operator",
        'openCall(code: "PIONNIERS_IA", opensOn: "2025-09-18", closesOn: "2026-03-31")',
    )
    application = api.done(
        "cci",
        f'submitApplication(callId: "{call}", companyId: "{company}", '
        'projectTitle: "Cobotique", consortiumSirens: ["732829320"])',
    )
    api.done("inria", f'selectApplication(applicationId: "{application}")')
    api.done(
        "inria",
        f'awardPhase(applicationId: "{application}", phase: 1, amountCents: 15000000, '
        'months: 9, on: "2025-11-03")',
    )
    catch_up(api, tenants)

    field = "callApplications"
    assert count(api, "cci", field, 'awardedFrom: "2025-11-03"') == 1
    assert count(api, "cci", field, 'awardedFrom: "2025-11-04"') == 0
    assert count(api, "cci", field, 'awardedUntil: "2025-11-03"') == 1
    assert count(api, "cci", field, 'awardedUntil: "2025-11-02"') == 0
