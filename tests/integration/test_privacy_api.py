"""A person's rights through the API: a network exports and erases the people it recorded, and
after the erasure their name is found nowhere: not in the database (text or bytea), the API,
the exports, nor after a rebuild; every figure stays the same."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.ambassadors import TABLE as AMBASSADORS
from osezia.projections.connections import create_pool
from osezia.projections.trainings import TABLE as TRAININGS
from osezia.tenants.application import Tenants
from osezia.web.exports import csv_chunks, read_batch
from tests.integration.api_support import Api
from tests.integration.privacy_support import dump_of, head, places_holding
from tests.integration.projection_support import build_all, catch_up_all, viewers_of

NAME = "Zéphyrine Quatremain"
# What the person's data is found by, in any form: the name, its distinctive part, and what the
# withdrawal reason says about them.
WORDS = ("Quatremain", "Zéphyrine", "rejoint sa famille")
FIGURES = (
    "{ progress { targets { code measured numerator denominator } "
    "regions { region companies adopting diagnostics trained ambassadors } } }"
)


def export(api: Api, tenant: str, record_id: str) -> dict[str, Any]:
    data = api.run(
        tenant,
        f'mutation {{ e: exportPerson(id: "{record_id}") {{ __typename '
        "... on PersonalDataExport { document } ... on Problem { code message } } }",
    )
    answer = dict(data["e"])
    if answer["__typename"] == "Problem":
        return answer
    document: dict[str, Any] = json.loads(answer["document"])
    return document


def erase(api: Api, tenant: str, record_id: str) -> dict[str, Any]:
    return api.mutate(tenant, f'erasePerson(id: "{record_id}", reason: "RGPD art. 17(1)(a)")')


def exported_csv(database_url: str, tenant: str, table: Any) -> str:
    async def read() -> str:
        pool = await create_pool(database_url, max_size=2)
        try:
            first = await read_batch(pool, tenant, table, None, 100)
            chunks = [c async for c in csv_chunks(pool, tenant, table, ",", first, 100)]
        finally:
            await pool.close()
        return b"".join(chunks).decode()

    return asyncio.run(read())


def appoint_and_withdraw(api: Api) -> str:
    ambassador = api.done(
        "cci",
        f'appointAmbassador(fullName: "{NAME}", kind: REGIONAL, network: CCI, '
        f'appointedOn: "2025-09-01", region: "53", sectors: ["industrie"])',
    )
    api.done(
        "cci",
        f'recordIntervention(ambassadorId: "{ambassador}", on: "2025-10-02", audience: 140, '
        "format: CONFERENCE)",
    )
    api.done(
        "cci",
        f'withdrawAmbassador(ambassadorId: "{ambassador}", reason: "a rejoint sa famille", '
        'on: "2025-11-03")',
    )
    return ambassador


def test_a_network_exports_then_erases_its_ambassador_and_the_name_is_gone_everywhere(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    ambassador = appoint_and_withdraw(api)
    other = api.done(
        "cci",
        'appointAmbassador(fullName: "Berthe Morisot", kind: GRAND_PUBLIC, network: CCI, '
        'appointedOn: "2025-09-01")',
    )
    asyncio.run(build_all(database_url, viewers))
    figures = api.run("operator", FIGURES)

    exported = export(api, "cci", ambassador)
    assert exported["subject"] == "AMBASSADOR"
    assert exported["network"] == "cci"
    (record,) = exported["records"]
    assert record["events"][0]["fields"]["full_name"] == NAME
    assert record["events"][2]["fields"]["reason"] == "a rejoint sa famille"
    assert [e["event"] for e in record["events"]] == [
        "Ambassador.Appointed",
        "Ambassador.InterventionRecorded",
        "Ambassador.Withdrawn",
    ]
    assert exported["rows"]["ambassadors"][0]["full_name"] == NAME

    # Another network's person is not found, as an id that does not exist; nothing appended.
    before = head(database_url)
    refused = erase(api, "french-tech", ambassador)
    absent = erase(api, "french-tech", str(uuid4()))
    assert (refused["__typename"], refused["code"]) == ("Problem", "NOT_FOUND")
    assert refused["message"] == f"no person with id {ambassador}"
    assert absent["message"].replace(absent["message"][-36:], ambassador) == refused["message"]
    assert export(api, "french-tech", ambassador)["code"] == "NOT_FOUND"
    assert head(database_url) == before

    assert erase(api, "cci", ambassador)["__typename"] == "Done"
    asyncio.run(catch_up_all(database_url, viewers))

    listed = api.run("cci", "{ ambassadors { edges { node { id fullName status } } } }")
    names = {e["node"]["id"]: e["node"]["fullName"] for e in listed["ambassadors"]["edges"]}
    assert names == {ambassador: ERASED, other: "Berthe Morisot"}
    after = export(api, "cci", ambassador)
    assert after["erased"] is True
    assert after["records"][0]["events"][0]["fields"]["full_name"] == ERASED
    assert after["records"][0]["events"][2]["fields"]["reason"] == ERASED
    assert after["rows"]["ambassadors"][0]["full_name"] == ERASED
    assert after["records"][0]["events"][1]["fields"]["audience"] == 140  # facts stay
    assert api.run("operator", FIGURES) == figures
    csv = exported_csv(database_url, "cci", AMBASSADORS)
    assert ERASED in csv
    assert "Berthe Morisot" in csv
    assert places_holding(csv.encode(), *WORDS) == []
    assert places_holding(dump_of(database_url), *WORDS) == []

    # Erasing again changes nothing and appends nothing.
    before = head(database_url)
    again = erase(api, "cci", ambassador)
    assert again == {"__typename": "Done", "id": None}
    assert head(database_url) == before

    asyncio.run(build_all(database_url, viewers))
    rebuilt = api.run("operator", "{ ambassadors { edges { node { id fullName } } } }")
    assert {e["node"]["fullName"] for e in rebuilt["ambassadors"]["edges"]} == {
        ERASED,
        "Berthe Morisot",
    }
    assert api.run("operator", FIGURES) == figures
    assert places_holding(dump_of(database_url), *WORDS) == []


def enrol(platform: Platform, ref: str, code: str, audience: str = "EMPLOYEE") -> UUID:
    return platform.trainings.enrol_learner(
        "operator",
        learner_ref=ref,
        training_code=code,
        training_title="IA au travail",
        audience=audience,
        region="53",
        on=date(2025, 10, 1),
    )


def test_learners_are_erased_with_every_enrolment_and_are_still_counted_apart(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    first, second = enrol(platform, "LRN-4471", "IA-101"), enrol(platform, "LRN-4471", "IA-102")
    other = enrol(platform, "LRN-5000", "IA-101")
    kept = enrol(platform, "LRN-9000", "IA-101", audience="LEADER")
    for done in (first, second, other, kept):
        platform.trainings.complete_training("operator", done, on=date(2025, 10, 20))
    asyncio.run(build_all(database_url, viewers))
    figures = api.run("operator", FIGURES)

    exported = export(api, "operator", str(second))
    assert exported["subject"] == "LEARNER"
    assert {r["id"] for r in exported["records"]} == {str(first), str(second)}
    assert erase(api, "cci", str(first))["code"] == "NOT_FOUND"
    assert erase(api, "operator", str(second))["__typename"] == "Done"
    assert erase(api, "operator", str(other))["__typename"] == "Done"
    asyncio.run(catch_up_all(database_url, viewers))

    listed = api.run("operator", "{ trainings { edges { node { id learnerRef } } } }")
    refs = {e["node"]["id"]: e["node"]["learnerRef"] for e in listed["trainings"]["edges"]}
    assert refs[str(kept)] == "LRN-9000"
    assert all(refs[str(e)].startswith(ERASED) for e in (first, second, other))
    # One person still, and two people apart: the people trained are counted as before.
    assert refs[str(first)] == refs[str(second)] != refs[str(other)]
    assert api.run("operator", FIGURES) == figures
    asyncio.run(build_all(database_url, viewers))
    assert api.run("operator", FIGURES) == figures
    assert "LRN-4471" not in exported_csv(database_url, "operator", TRAININGS)
    assert places_holding(dump_of(database_url), "LRN-4471", "LRN-5000") == []


def test_a_diagnostics_expert_is_erased_by_the_network_that_requested_it(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    diagnostic = _diagnostic_with_expert(platform, "Anselme Varenguebec")
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    assert erase(api, "french-tech", str(diagnostic))["code"] == "NOT_FOUND"
    # The diagnostic is about its company: the expert's export holds what names them only.
    exported = export(api, "cci", str(diagnostic))
    (record,) = exported["records"]
    assert [(e["event"], e["fields"]) for e in record["events"]] == [
        ("Diagnostic.ExpertAssigned", {"expert": "Anselme Varenguebec"})
    ]
    # Of the diagnostic's row, its id and its expert only: not its company's name or days.
    assert exported["rows"]["diagnostics"] == [
        {"id": str(diagnostic), "expert": "Anselme Varenguebec"}
    ]

    assert erase(api, "cci", str(diagnostic))["__typename"] == "Done"
    asyncio.run(catch_up_all(database_url, viewers_of(tenants)))

    listed = api.run("cci", "{ diagnostics { edges { node { expert } } } }")
    assert [e["node"]["expert"] for e in listed["diagnostics"]["edges"]] == [ERASED]
    assert places_holding(dump_of(database_url), "Varenguebec") == []


def _diagnostic_with_expert(platform: Platform, expert: str) -> UUID:
    company = platform.companies.register_company(
        "cci",
        siren="552100554",
        legal_name="Fonderie Martin",
        region="53",
        departement="35",
        naf="2451Z",
        size=SizeFacts(headcount_uta=Decimal(40), turnover_cents=500_000_000),
    )
    diagnostic = platform.diagnostics.request_diagnostic("cci", company_id=company)
    platform.diagnostics.check_eligibility("bpifrance", diagnostic)
    platform.diagnostics.assign_expert("bpifrance", diagnostic, expert=expert)
    return diagnostic


def test_a_corrected_name_replaces_the_old_one_which_is_then_found_nowhere(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    ambassador = api.done(
        "cci",
        'appointAmbassador(fullName: "Clothilde Vernouillet", kind: GRAND_PUBLIC, '
        'network: CCI, appointedOn: "2025-09-01")',
    )
    asyncio.run(build_all(database_url, viewers))

    other = api.mutate(
        "french-tech", f'correctAmbassadorName(ambassadorId: "{ambassador}", fullName: "X")'
    )
    corrected = api.mutate(
        "cci",
        f'correctAmbassadorName(ambassadorId: "{ambassador}", fullName: "Clotilde Vernouillet")',
    )
    asyncio.run(catch_up_all(database_url, viewers))

    assert other["code"] == "NOT_FOUND"
    assert corrected["__typename"] == "Done"
    listed = api.run("cci", "{ ambassadors { edges { node { fullName } } } }")
    assert [e["node"]["fullName"] for e in listed["ambassadors"]["edges"]] == [
        "Clotilde Vernouillet"
    ]
    (record,) = export(api, "cci", ambassador)["records"]
    assert [(e["event"], e["fields"]["full_name"]) for e in record["events"]] == [
        ("Ambassador.Appointed", ERASED),
        ("Ambassador.NameCorrected", "Clotilde Vernouillet"),
    ]
    asyncio.run(build_all(database_url, viewers))
    rebuilt = api.run("cci", "{ ambassadors { edges { node { fullName } } } }")
    assert rebuilt == listed
    assert places_holding(dump_of(database_url), "Clothilde") == []
