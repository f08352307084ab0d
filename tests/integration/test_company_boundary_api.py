# ruff: noqa: E501  (one GraphQL call per line reads better than a call cut in three)
"""A network acts only on the companies it sees: every mutation that names a company answers,
for a company the caller neither follows nor was referred, exactly what it answers for a SIREN
nobody registered, and appends nothing; a SIREN others follow registers as a first one would."""

from __future__ import annotations

import asyncio
import itertools
import os
import re
from datetime import date
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osezia.domain.companies.model import Company
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api, records_of
from tests.integration.projection_support import build_all, viewers_of
from tests.strategies import luhn_check_digit

NETWORKS = ("cci", "french-tech", "bpifrance", "inria")
EXAMPLES = int(os.environ.get("OSEZIA_BOUNDARY_EXAMPLES", "12"))

# Every mutation that names a company, aimed at {company}; the other records they name belong
# to the caller or are public, so that only the company can make them fail.
MUTATIONS = {
    "reassessSize": 'reassessSize(companyId: "{company}", size: {{staffBand: "12"}})',
    "addEstablishment": 'addEstablishment(companyId: "{company}", siret: "{siret}", departement: "92")',
    "advanceAdoption": 'advanceAdoption(companyId: "{company}", stage: AWARE, on: "2026-01-01")',
    "shareCompany": 'shareCompany(companyId: "{company}", toNetwork: "{other}", purpose: OTHER, reason: "r", consentReference: "c")',
    "requestDiagnostic": 'requestDiagnostic(companyId: "{company}")',
    "registerCompanyToEvent": 'registerCompanyToEvent(eventId: "{event}", companyId: "{company}")',
    "bookMeeting": 'bookMeeting(eventId: "{event}", companyId: "{company}", providerSiren: "632012100")',
    "recordAttendance": 'recordAttendance(eventId: "{event}", on: "2026-05-01", companyId: "{company}")',
    "proposePartnership": 'proposePartnership(companyId: "{company}", researchTeam: "t", topic: "v")',
    "applyForLoan": 'applyForLoan(companyId: "{company}", amountCents: 100, termMonths: 12, purpose: "p", on: "2026-01-01")',
    "admitToCohort": 'admitToCohort(cohortId: "{cohort}", companyId: "{company}", on: "2026-02-01")',
    "submitApplication": 'submitApplication(callId: "{call}", companyId: "{company}", projectTitle: "P")',
    "recordAdoption": 'recordAdoption(companyId: "{company}", solutionId: "{solution}", on: "2026-03-01")',
}

_sirens = itertools.count(10_000_000)


def new_siren() -> str:
    payload = f"{next(_sirens):08d}"
    return payload + luhn_check_digit(payload)


def register(platform: Platform, tenant: str, siren: str, headcount: int) -> str:
    return str(
        platform.companies.register_company(
            tenant,
            siren=siren,
            legal_name=f"Société {siren}",
            region="11",
            departement="92",
            naf="62.01Z",
            size=SizeFacts(headcount_uta=Decimal(headcount)),
        )
    )


def normalised(answer: dict[str, str], company_id: str) -> tuple[str, str, str]:
    """An answer with the company's id and SIREN-like numbers taken out: what may differ."""
    message = answer.get("message", "").replace(company_id, "<id>")
    return answer["__typename"], answer.get("code", ""), re.sub(r"\d{9}", "<siren>", message)


def test_an_unseen_company_and_an_unknown_one_answer_alike_and_append_nothing(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    api = Api(database_url, platform)
    platform.calls.today = lambda: date(2026, 1, 1)
    call = str(
        platform.calls.open_call(
            "operator", code="PIONNIERS_IA", opens_on=date(2025, 9, 1), closes_on=date(2030, 1, 1)
        )
    )
    records = {n: records_of(platform, n, provider_siren=new_siren()) for n in NETWORKS}
    log = platform.companies.recorder

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        actor=st.sampled_from(NETWORKS),
        followers=st.sets(st.sampled_from(NETWORKS), min_size=1, max_size=3),
        referred=st.sets(st.sampled_from(NETWORKS), max_size=2),
        headcount=st.sampled_from([3, 80, 400, 6000]),
    )
    def check(actor: str, followers: set[str], referred: set[str], headcount: int) -> None:
        followers, referred = followers - {actor}, referred - {actor}
        if not followers:
            followers = {next(n for n in NETWORKS if n != actor)}
        siren = new_siren()
        company = ""
        for network in sorted(followers):
            company = register(platform, network, siren, headcount)
        referrer = sorted(followers)[0]
        for receiver in sorted(referred - followers):
            platform.referrals.share_company(
                referrer,
                Company.create_id(siren),
                to_tenant=receiver,
                purpose="OTHER",
                reason="suivi",
                consent_reference="accord",
            )
        unknown = str(Company.create_id(new_siren()))
        other = next(n for n in NETWORKS if n != actor)
        for name, template in MUTATIONS.items():
            answers = []
            for company_id in (company, unknown):
                call_text = template.format(
                    company=company_id,
                    siret=siren + "00015",
                    other=other,
                    call=call,
                    cohort=records[actor].get("cohort", unknown),
                    **{k: v for k, v in records[actor].items() if k != "cohort"},
                )
                before = log.max_notification_id()
                answer = api.mutate(actor, call_text)
                assert log.max_notification_id() == before, (name, answer)
                answers.append(normalised(answer, company_id))
            assert answers[0] == answers[1], (name, actor, answers)
            assert answers[0][0] == "Problem", (name, answers)
            assert answers[0][1] in {"NOT_FOUND", "FORBIDDEN"}, (name, answers)

    check()


def test_a_referred_network_may_act_on_the_company_and_a_follower_on_its_own_record(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    api = Api(database_url, platform)
    siren = new_siren()
    company = register(platform, "french-tech", siren, 80)
    refused = api.mutate("cci", f'requestDiagnostic(companyId: "{company}")')
    assert refused["code"] == "NOT_FOUND"

    platform.referrals.share_company(
        "french-tech",
        Company.create_id(siren),
        to_tenant="cci",
        purpose="DIAGNOSTIC",
        reason="diagnostic",
        consent_reference="accord",
    )
    assert api.mutate("cci", f'requestDiagnostic(companyId: "{company}")')["__typename"] == "Done"
    stage = api.mutate(
        "cci", f'advanceAdoption(companyId: "{company}", stage: AWARE, on: "2026-01-01")'
    )
    assert stage["code"] == "NOT_REGISTERED"


def test_registering_a_siren_others_follow_answers_as_a_first_registration_and_reveals_nothing(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    api = Api(database_url, platform)
    first, followed = new_siren(), new_siren()
    register(platform, "french-tech", followed, 6000)  # a GE, as French Tech recorded it
    call = (
        'registerCompany(input: {{siren: "{siren}", legalName: "Nom CCI", region: "53", '
        'departement: "35", naf: "62.01Z", size: {{headcountUta: "12"}}}})'
    )
    answers = [api.mutate("cci", call.format(siren=s)) for s in (first, followed)]

    assert [a["__typename"] for a in answers] == ["Done", "Done"]
    assert answers[1]["id"] == str(Company.create_id(followed))
    again = api.mutate("cci", call.format(siren=followed))
    assert again["code"] == "ALREADY_REGISTERED"
    assert "french-tech" not in again["message"]

    asyncio.run(build_all(database_url, viewers_of(tenants)))
    rows = api.run(
        "cci",
        "{ companies(first: 10) { totalCount edges { node { siren legalName region segment } } } }",
    )["companies"]
    seen = {e["node"]["siren"]: e["node"] for e in rows["edges"]}
    # CCI sees its own record of the followed company, not French Tech's.
    assert seen[followed] == {
        "siren": followed,
        "legalName": "Nom CCI",
        "region": "53",
        "segment": "PME_ETI",
    }
    figures = api.run("operator", "{ companyFigures { companies } }")["companyFigures"]
    assert sum(f["companies"] for f in figures) == 2  # each SIREN once, however many follow it


def test_a_referral_goes_only_to_a_live_network_and_its_revocation_ends_the_right_to_act(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    api = Api(database_url, platform)
    siren = new_siren()
    company = register(platform, "french-tech", siren, 80)
    tenants.suspend_tenant("inria", reason="audit")
    share = 'shareCompany(companyId: "{company}", toNetwork: "{to}", purpose: OTHER, reason: "r", consentReference: "c")'
    log = platform.companies.recorder
    for to in ("nowhere", "platform", "french-tech", "inria"):
        before = log.max_notification_id()
        answer = api.mutate("french-tech", share.format(company=company, to=to))
        assert answer["__typename"] == "Problem", (to, answer)
        assert log.max_notification_id() == before, to

    referral = api.done("french-tech", share.format(company=company, to="cci"))
    assert api.mutate("cci", f'requestDiagnostic(companyId: "{company}")')["__typename"] == "Done"
    api.done("french-tech", f'revokeReferral(referralId: "{referral}", reason: "fin")')
    after = api.mutate("cci", f'requestDiagnostic(companyId: "{company}")')
    assert after["code"] == "NOT_FOUND"


def test_a_network_referred_by_two_followers_sees_the_record_of_the_referral_left(
    platform: Platform, tenants: Tenants, database_url: str
) -> None:
    api = Api(database_url, platform)
    siren = new_siren()
    company = Company.create_id(siren)
    platform.companies.register_company(
        "cci",
        siren=siren,
        legal_name="Nom CCI",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(5)),
    )
    platform.companies.register_company(
        "french-tech",
        siren=siren,
        legal_name="Nom French Tech",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )
    first = platform.referrals.share_company(
        "cci", company, to_tenant="inria", purpose="PARTNERSHIP", reason="r", consent_reference="c"
    )
    platform.referrals.share_company(
        "french-tech",
        company,
        to_tenant="inria",
        purpose="PARTNERSHIP",
        reason="r",
        consent_reference="c",
    )
    platform.referrals.revoke_referral("cci", first, reason="fin")
    platform.companies.advance_adoption("cci", company, stage="ADOPTED", on=date(2026, 1, 5))

    asyncio.run(build_all(database_url, viewers_of(tenants)))
    nodes = api.run(
        "inria",
        "{ companies(first: 5) { edges { node { legalName owner segment adoptionStage } } } }",
    )["companies"]["edges"]

    # As the write side resolves it: the record of the referral left, French Tech's.
    assert platform.companies.get_company("inria", company).record("inria").legal_name == (
        "Nom French Tech"
    )
    assert [e["node"] for e in nodes] == [
        {
            "legalName": "Nom French Tech",
            "owner": "french-tech",
            "segment": "PME_ETI",
            "adoptionStage": "NONE",
        }
    ]
