"""Every mutation and every query, tried by one network on another network's records, finds
nothing, answers NOT_FOUND, or FORBIDDEN when the command is outside its profile; a command that
names a company the caller neither follows nor was referred is NOT_FOUND, whatever it reads."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.companies.model import Company
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.schema import schema
from osezia.projections.connections import create_pool
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api, context, records_of
from tests.integration.projection_support import build_all, viewers_of

OWNER, INTRUDER = "bpifrance", "french-tech"


def records_of_the_owner(platform: Platform) -> dict[str, str]:
    company = platform.companies.register_company(
        OWNER,
        siren="542107651",
        legal_name="Confidentiel SA",
        region="11",
        departement="92",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )
    diagnostic = platform.diagnostics.request_diagnostic(OWNER, company_id=company)
    ambassador = platform.ambassadors.appoint_ambassador(
        OWNER,
        full_name="Camille Martin",
        kind="REGIONAL",
        network="BPIFRANCE",
        region="11",
        appointed_on=date(2025, 9, 1),
    )
    event = platform.events.schedule_event(
        OWNER,
        title="Rencontre",
        kind="MONTHLY_MEETUP",
        region="11",
        on=date(2026, 5, 1),
        capacity=9,
    )
    partnership = platform.partnerships.propose_partnership(
        OWNER, research_team="Équipe", topic="Vision", company_id=company
    )
    referral = platform.referrals.share_company(
        OWNER,
        company,
        to_tenant="cci",
        purpose="OTHER",
        reason="suivi",
        consent_reference="accord 1",
    )
    loan = platform.loans.apply_for_loan(
        OWNER,
        company_id=company,
        amount_cents=100,
        term_months=12,
        purpose="p",
        on=date(2026, 1, 1),
    )
    cohort = platform.acceleration.open_cohort(OWNER, name="Promo", starts_on=date(2026, 1, 1))
    platform.calls.today = lambda: date(2026, 1, 1)
    call = platform.calls.open_call(
        OWNER, code="PIONNIERS_IA", opens_on=date(2025, 9, 1), closes_on=date(2030, 12, 31)
    )
    application = platform.calls.submit_application(
        OWNER, call_id=call, company_id=company, project_title="Projet"
    )
    provider = platform.solutions.list_provider(
        OWNER, siren="732829320", name="F", sovereignty="FR"
    )
    solution = platform.solutions.list_solution(
        OWNER, provider_id=provider, name="S", description="d", categories=["HR"]
    )
    training = platform.trainings.enrol_learner(
        OWNER,
        learner_ref="L1",
        training_code="T1",
        training_title="IA",
        audience="EMPLOYEE",
        region="11",
        on=date(2026, 1, 1),
    )
    return {
        "loan": str(loan),
        "cohort": str(cohort),
        "application": str(application),
        "solution": str(solution),
        "training": str(training),
        "company": str(company),
        "diagnostic": str(diagnostic),
        "ambassador": str(ambassador),
        "event": str(event),
        "partnership": str(partnership),
        "referral": str(referral),
        "call": str(call),
    }


# One call of every mutation, aimed at the owner's records.
MUTATIONS = {
    "registerCompany": None,  # creates: nothing of the owner's to reach
    "reassessSize": 'reassessSize(companyId: "{company}", size: {{staffBand: "12"}})',
    "addEstablishment": 'addEstablishment(companyId: "{company}", siret: "54210765100015", departement: "92")',
    "advanceAdoption": 'advanceAdoption(companyId: "{company}", stage: AWARE, on: "2026-01-01")',
    "recordLegalCategory": 'recordLegalCategory(companyId: "{company}", legalCategory: "1000")',
    "correctCompanyName": 'correctCompanyName(companyId: "{company}", legalName: "x")',
    "shareCompany": 'shareCompany(companyId: "{company}", toNetwork: "inria", purpose: OTHER, reason: "r", consentReference: "c")',
    "revokeReferral": 'revokeReferral(referralId: "{referral}", reason: "r")',
    "requestDiagnostic": 'requestDiagnostic(companyId: "{company}")',
    "checkEligibility": 'checkEligibility(diagnosticId: "{diagnostic}")',
    "assignExpert": 'assignExpert(diagnosticId: "{diagnostic}", expert: "x")',
    "logExpertDays": 'logExpertDays(diagnosticId: "{diagnostic}", days: 1)',
    "deliverInventory": 'deliverInventory(diagnosticId: "{diagnostic}")',
    "identifyUseCases": 'identifyUseCases(diagnosticId: "{diagnostic}", useCases: [{{code: CUSTOMER_SERVICE, title: "a"}}])',
    "prioritiseUseCases": 'prioritiseUseCases(diagnosticId: "{diagnostic}", scores: [{{code: CUSTOMER_SERVICE, value: 1, feasibility: 1}}])',
    "deliverReport": 'deliverReport(diagnosticId: "{diagnostic}", on: "2026-01-01")',
    "payCofinancing": 'payCofinancing(diagnosticId: "{diagnostic}", priceCents: 100)',
    "cancelDiagnostic": 'cancelDiagnostic(diagnosticId: "{diagnostic}", reason: "r")',
    "correctDiagnosticExpert": 'correctDiagnosticExpert(diagnosticId: "{diagnostic}", expert: "x")',
    "appointAmbassador": None,
    "recordIntervention": 'recordIntervention(ambassadorId: "{ambassador}", on: "2026-01-01", audience: 3, format: WEBINAR)',
    "withdrawAmbassador": 'withdrawAmbassador(ambassadorId: "{ambassador}", reason: "r", on: "2026-01-01")',
    "correctAmbassadorName": 'correctAmbassadorName(ambassadorId: "{ambassador}", fullName: "x")',
    "scheduleEvent": None,
    "registerCompanyToEvent": 'registerCompanyToEvent(eventId: "{event}", companyId: "{company}")',
    "registerProviderToEvent": 'registerProviderToEvent(eventId: "{event}", siren: "632012100", name: "n")',
    "bookMeeting": 'bookMeeting(eventId: "{event}", companyId: "{company}", providerSiren: "632012100")',
    "recordAttendance": 'recordAttendance(eventId: "{event}", on: "2026-05-01", providerSiren: "632012100")',
    "holdEvent": 'holdEvent(eventId: "{event}", on: "2026-05-01")',
    "cancelEvent": 'cancelEvent(eventId: "{event}", reason: "r")',
    "proposePartnership": 'proposePartnership(companyId: "{company}", researchTeam: "t", topic: "v")',
    "signPartnership": 'signPartnership(partnershipId: "{partnership}", on: "2026-01-01")',
    "startPartnership": 'startPartnership(partnershipId: "{partnership}", on: "2026-01-01")',
    "completePartnership": 'completePartnership(partnershipId: "{partnership}", on: "2026-01-01")',
    "abandonPartnership": 'abandonPartnership(partnershipId: "{partnership}", reason: "r")',
    "enrolLearner": None,
    "completeTraining": 'completeTraining(trainingId: "{training}", on: "2026-02-01")',
    "applyForLoan": 'applyForLoan(companyId: "{company}", amountCents: 100, termMonths: 12, purpose: "p", on: "2026-01-01")',
    "grantGuarantee": 'grantGuarantee(loanId: "{loan}", on: "2026-02-01")',
    "refuseGuarantee": 'refuseGuarantee(loanId: "{loan}", on: "2026-02-01", reason: "r")',
    "disburseLoan": 'disburseLoan(loanId: "{loan}", amountCents: 1, on: "2026-02-01")',
    "openCohort": None,
    "admitToCohort": 'admitToCohort(cohortId: "{cohort}", companyId: "{company}", on: "2026-01-02")',
    "recordMilestone": 'recordMilestone(cohortId: "{cohort}", companyId: "{company}", milestone: "m", on: "2026-01-02")',
    "graduateFromCohort": 'graduateFromCohort(cohortId: "{cohort}", companyId: "{company}", on: "2026-01-02")',
    "exitCohort": 'exitCohort(cohortId: "{cohort}", companyId: "{company}", on: "2026-01-02", reason: "r")',
    "openCall": None,
    "submitApplication": 'submitApplication(callId: "{call}", companyId: "{company}", projectTitle: "P")',
    "selectApplication": 'selectApplication(applicationId: "{application}")',
    "rejectApplication": 'rejectApplication(applicationId: "{application}", reason: "r")',
    "awardPhase": 'awardPhase(applicationId: "{application}", phase: 1, amountCents: 15000000, months: 9, on: "2026-01-01")',
    "evaluateGate": 'evaluateGate(applicationId: "{application}", phase: 1, passed: true, on: "2026-01-01", comment: "c")',
    "listProvider": None,
    "listSolution": None,  # the catalogue is public
    "withdrawSolution": 'withdrawSolution(solutionId: "{solution}", reason: "r")',
    "recordAdoption": 'recordAdoption(companyId: "{company}", solutionId: "{solution}", on: "2026-01-01")',
    "openBudget": "openBudget",
    "commitFunds": 'commitFunds(measure: CALLS, amountCents: 1, reference: "r", on: "2026-01-01")',
    "payFunds": 'payFunds(measure: CALLS, reference: "r", amountCents: 1, on: "2026-01-01")',
    "authoriseOverrun": 'authoriseOverrun(measure: CALLS, amountCents: 1, decisionReference: "d", on: "2026-01-01")',
    "exportPerson": 'exportPerson(id: "{ambassador}")',
    "erasePerson": 'erasePerson(id: "{ambassador}", reason: "r")',
    "recordSurveyMeasurement": 'recordSurveyMeasurement(survey: INSEE_TIC, measures: "m", population: "p", year: 2024, valueBasisPoints: 1000, sourceUrl: "https://www.insee.fr/")',
}

QUERIES = {
    "company": '{ company(siren: "542107651") { siren } }',
    "companies": "{ companies { totalCount } }",
    "diagnostics": "{ diagnostics { totalCount } }",
    "partnerships": "{ partnerships { totalCount } }",
    "partnershipYears": "{ partnershipYears { year } }",
    "referrals": "{ referrals(direction: RECEIVED) { totalCount } s: referrals(direction: SENT) { totalCount } }",
    "loans": "{ loans { totalCount } }",
    "cohorts": "{ cohorts { totalCount } }",
    "callApplications": "{ callApplications { totalCount } }",
    "adoptions": "{ adoptions { totalCount } }",
    "trainings": "{ trainings { totalCount } }",
}


# Mutations about a person: the intruder's profile holds them, so only NOT_FOUND is right.
PERSONAL = frozenset({"exportPerson", "erasePerson", "correctAmbassadorName", "correctCompanyName"})


def test_every_mutation_is_covered_by_this_test() -> None:
    result = schema.execute_sync("{ __schema { mutationType { fields { name } } } }")
    assert result.data is not None
    fields = {f["name"] for f in result.data["__schema"]["mutationType"]["fields"]}
    assert fields == set(MUTATIONS)


@pytest.mark.parametrize("mutation", [m for m, call in MUTATIONS.items() if call])
def test_a_network_cannot_change_another_networks_record(
    database_url: str, platform: Platform, tenants: Tenants, mutation: str
) -> None:
    ids = records_of_the_owner(platform)
    before = platform.companies.recorder.max_notification_id()
    call = MUTATIONS[mutation]
    assert call is not None
    document = f"mutation {{ {call.format(**ids)} {{ __typename ... on Problem {{ code }} }} }}"

    async def run() -> dict[str, Any]:
        pool = await create_pool(database_url, max_size=2)
        try:
            result = await schema.execute(document, context_value=context(platform, pool, INTRUDER))
        finally:
            await pool.close()
        assert result.errors is None, result.errors
        assert result.data is not None
        return dict(result.data[mutation])

    answer = asyncio.run(run())

    assert answer["__typename"] == "Problem"
    # The intruder holds every scope and these commands: another network's person is absent.
    expected = {"NOT_FOUND"} if mutation in PERSONAL else {"NOT_FOUND", "FORBIDDEN"}
    assert answer["code"] in expected
    assert platform.companies.recorder.max_notification_id() == before
    # Nor were the owner's person's keys destroyed or replaced.
    ambassador: Ambassador = platform.ambassadors.repository.get(UUID(ids["ambassador"]))
    assert ambassador.full_name == "Camille Martin"
    company: Company = platform.companies.repository.get(UUID(ids["company"]))
    assert company.legal_name == "Confidentiel SA"


# Every mutation that names a company, sent by a network whose profile holds the command, on
# its own records (its event, cohort and solution, and the operator's call): only the company
# is not its own. The operator and Bpifrance read every record of some kinds: not a right to act.
def _call(mutation: str) -> str:
    call = MUTATIONS[mutation]
    assert call is not None
    return call


COMPANY_MUTATIONS: dict[str, tuple[str, str]] = {
    "reassessSize": ("cci", _call("reassessSize")),
    "addEstablishment": ("cci", _call("addEstablishment")),
    "advanceAdoption": ("cci", _call("advanceAdoption")),
    "recordLegalCategory": ("cci", _call("recordLegalCategory")),
    "correctCompanyName": ("cci", _call("correctCompanyName")),
    "shareCompany": (
        "inria",
        'shareCompany(companyId: "{company}", toNetwork: "cci", purpose: OTHER, reason: "r", consentReference: "c")',
    ),
    "requestDiagnostic": ("bpifrance", _call("requestDiagnostic")),
    "registerCompanyToEvent": ("operator", _call("registerCompanyToEvent")),
    "bookMeeting": ("operator", _call("bookMeeting")),
    "recordAttendance": (
        "operator",
        'recordAttendance(eventId: "{event}", on: "2026-05-01", companyId: "{company}")',
    ),
    "proposePartnership": ("inria", _call("proposePartnership")),
    "applyForLoan": ("bpifrance", _call("applyForLoan")),
    "admitToCohort": (
        "bpifrance",
        'admitToCohort(cohortId: "{cohort}", companyId: "{company}", on: "2026-02-01")',
    ),
    "submitApplication": ("inria", _call("submitApplication")),
    "recordAdoption": ("bpifrance", _call("recordAdoption")),
}


def test_every_mutation_naming_a_company_is_covered() -> None:
    result = schema.execute_sync("{ __schema { mutationType { fields { name args { name } } } } }")
    assert result.data is not None
    naming = {
        f["name"]
        for f in result.data["__schema"]["mutationType"]["fields"]
        if any(a["name"] == "companyId" for a in f["args"])
    }
    # A cohort's own commands name one of its members, which its admission checked.
    members = {"recordMilestone", "graduateFromCohort", "exitCohort"}
    assert naming - members == set(COMPANY_MUTATIONS)


@pytest.mark.parametrize("mutation", sorted(COMPANY_MUTATIONS))
def test_a_network_cannot_name_a_company_it_neither_follows_nor_was_referred(
    database_url: str, platform: Platform, tenants: Tenants, mutation: str
) -> None:
    actor, template = COMPANY_MUTATIONS[mutation]
    company = platform.companies.register_company(
        INTRUDER,
        siren="542107651",
        legal_name="Confidentiel SA",
        region="11",
        departement="92",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )
    platform.calls.today = lambda: date(2026, 1, 1)
    call = platform.calls.open_call(
        "operator", code="PIONNIERS_IA", opens_on=date(2025, 9, 1), closes_on=date(2030, 12, 31)
    )
    ids = {**records_of(platform, actor), "company": str(company), "call": str(call)}
    before = platform.companies.recorder.max_notification_id()

    answer = Api(database_url, platform).mutate(actor, template.format(**ids))

    assert answer == {
        "__typename": "Problem",
        "code": "NOT_FOUND",
        "message": f"no company with id {company}",
    }
    assert platform.companies.recorder.max_notification_id() == before


def test_no_query_returns_another_networks_records(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    records_of_the_owner(platform)
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    async def run(tenant: str) -> dict[str, Any]:
        pool = await create_pool(database_url, max_size=2)
        answers: dict[str, Any] = {}
        try:
            for name, document in QUERIES.items():
                result = await schema.execute(
                    document, context_value=context(platform, pool, tenant)
                )
                assert result.errors is None, result.errors
                answers[name] = result.data
        finally:
            await pool.close()
        return answers

    intruder, owner = asyncio.run(run(INTRUDER)), asyncio.run(run(OWNER))

    assert intruder["company"] == {"company": None}
    assert intruder["companies"]["companies"]["totalCount"] == 0
    assert intruder["diagnostics"]["diagnostics"]["totalCount"] == 0
    assert intruder["partnerships"]["partnerships"]["totalCount"] == 0
    assert intruder["referrals"]["referrals"]["totalCount"] == 0
    assert intruder["referrals"]["s"]["totalCount"] == 0
    for listed in ("loans", "cohorts", "callApplications", "trainings"):
        assert intruder[listed][listed]["totalCount"] == 0, listed
        assert owner[listed][listed]["totalCount"] == 1, listed
    assert intruder["adoptions"]["adoptions"]["totalCount"] == 0
    # The same queries as the owner do find the records: the filter is the tenant, not a bug.
    assert owner["company"] == {"company": {"siren": "542107651"}}
    assert owner["diagnostics"]["diagnostics"]["totalCount"] == 1
    assert owner["referrals"]["s"]["totalCount"] == 1
