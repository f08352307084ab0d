"""The trainings read model, its figures as of a date, and the Académie's GraphQL API."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from typing import Any

import pytest

from osezia.domain.platform import Platform
from osezia.domain.trainings.model import Enrolment
from osezia.projections.connections import connect
from osezia.projections.names import stable_schema
from osezia.store.bulk import append_aggregates
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, catch_up_all, viewers_of


def an_enrolment(ref: str, audience: str = "APPRENTICE", region: str = "53") -> Enrolment:
    return Enrolment(
        tenant="operator",
        learner_ref=ref,
        training_code="IA-101",
        training_title="L'IA pour les PME",
        audience=audience,
        region=region,
        company_id=None,
        company_siren=None,
        on=date(2025, 10, 1),
    )


def ask(database_url: str, platform: Platform, tenant: str, document: str) -> dict[str, Any]:
    return Api(database_url, platform).run(tenant, document)


async def rows(database_url: str, schema_name: str, view: str) -> list[dict[str, Any]]:
    conn = await connect(database_url)
    try:
        return [dict(r) for r in await conn.fetch(f'SELECT * FROM "{schema_name}".{view}')]
    finally:
        await conn.close()


@pytest.fixture
def built(database_url: str, tenants: Tenants) -> None:
    asyncio.run(build_all(database_url, viewers_of(tenants)))


def catch_up(database_url: str, tenants: Tenants) -> None:
    asyncio.run(catch_up_all(database_url, viewers_of(tenants)))


def test_only_the_recording_network_and_the_platform_hold_an_enrolment(
    database_url: str, platform: Platform, tenants: Tenants, built: None
) -> None:
    enrolment_id = platform.trainings.enrol_learner(
        "operator",
        learner_ref="LRN-1",
        training_code="IA-101",
        training_title="IA",
        audience="EMPLOYEE",
        region="53",
        siren="542107651",
        on=date(2025, 10, 1),
    )
    platform.trainings.complete_training("operator", enrolment_id, on=date(2025, 10, 20))

    catch_up(database_url, tenants)

    (row,) = asyncio.run(rows(database_url, "tenant_operator", "trainings"))
    assert row["status"] == "COMPLETED"
    assert row["completed_on"] == date(2025, 10, 20)
    assert row["enrolled_at"] <= row["completed_at"] == row["updated_at"]
    assert len(asyncio.run(rows(database_url, "platform", "trainings"))) == 1
    for tenant in ("cci", "bpifrance", "french-tech", "inria"):
        assert asyncio.run(rows(database_url, stable_schema(tenant), "trainings")) == []


def test_every_network_reads_the_figures_without_a_learner_or_a_company(
    database_url: str, platform: Platform, tenants: Tenants, built: None
) -> None:
    done = an_enrolment("LRN-1")
    done.complete(date(2026, 1, 10), today=date(2026, 3, 1))
    # 22:30 UTC on 1 October is 2 October in Paris: the recorded day is Paris's.
    evening = datetime(2025, 10, 1, 22, 30, tzinfo=UTC)
    completion = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    append_aggregates(
        platform.trainings,
        [done, an_enrolment("LRN-2"), an_enrolment("LRN-3", "LEADER", "11")],
        [evening, completion, evening, evening],
    )

    catch_up(database_url, tenants)

    figures = asyncio.run(rows(database_url, "tenant_cci", "figures_trainings"))
    assert sorted(figures, key=lambda r: (r["audience"], str(r["completed_day"]))) == [
        {
            "audience": "APPRENTICE",
            "region": "53",
            "enrolled_day": date(2025, 10, 2),
            "completed_day": date(2026, 1, 10),
            "completed_year": 2026,
            "learners": 1,
        },
        {
            "audience": "APPRENTICE",
            "region": "53",
            "enrolled_day": date(2025, 10, 2),
            "completed_day": None,
            "completed_year": None,
            "learners": 1,
        },
        {
            "audience": "LEADER",
            "region": "11",
            "enrolled_day": date(2025, 10, 2),
            "completed_day": None,
            "completed_year": None,
            "learners": 1,
        },
    ]


def test_training_figures_count_what_was_recorded_by_the_end_of_the_day_in_paris(
    database_url: str, platform: Platform, tenants: Tenants, built: None
) -> None:
    done = an_enrolment("LRN-1")
    done.complete(date(2026, 1, 10), today=date(2026, 3, 1))
    evening = datetime(2025, 10, 1, 22, 30, tzinfo=UTC)
    append_aggregates(
        platform.trainings,
        [done, an_enrolment("LRN-2")],
        [evening, datetime(2026, 1, 10, 9, 0, tzinfo=UTC), evening],
    )
    catch_up(database_url, tenants)
    query = "{{ trainingFigures{0} {{ audience region enrolled completed }} }}"

    def figures(as_of: str) -> list[dict[str, Any]]:
        answer = ask(database_url, platform, "cci", query.format(as_of))
        return list(answer["trainingFigures"])

    assert figures('(asOf: "2025-10-01")') == []
    apprentices = {"audience": "APPRENTICE", "region": "53"}
    assert figures('(asOf: "2025-10-02")') == [{**apprentices, "enrolled": 2, "completed": 0}]
    assert figures('(asOf: "2026-01-10")') == [{**apprentices, "enrolled": 2, "completed": 1}]
    assert figures("") == [{**apprentices, "enrolled": 2, "completed": 1}]


def test_enrolments_are_made_completed_and_listed_through_the_api(
    database_url: str, platform: Platform, tenants: Tenants, built: None
) -> None:
    enrol = (
        'mutation {{ enrolLearner(learnerRef: "{0}", trainingCode: "IA-101", '
        'trainingTitle: "IA", audience: {1}, region: "53", enrolledOn: "2025-10-01") '
        "{{ __typename ... on Done {{ id }} ... on Problem {{ code message }} }} }}"
    )
    first = ask(database_url, platform, "operator", enrol.format("LRN-1", "APPRENTICE"))
    ask(database_url, platform, "operator", enrol.format("LRN-2", "LEADER"))
    training_id = first["enrolLearner"]["id"]
    completed = ask(
        database_url,
        platform,
        "operator",
        f'mutation {{ completeTraining(trainingId: "{training_id}", on: "2025-10-15") '
        "{ __typename } }",
    )
    refused = ask(database_url, platform, "cci", enrol.format("LRN-3", "LEADER"))
    catch_up(database_url, tenants)

    listed = ask(
        database_url,
        platform,
        "operator",
        "{ trainings(audience: APPRENTICE, status: COMPLETED) "
        "{ totalCount edges { node { id learnerRef status completedOn } } } }",
    )
    seen_by_cci = ask(database_url, platform, "cci", "{ trainings { totalCount } }")

    assert completed["completeTraining"]["__typename"] == "Done"
    assert refused["enrolLearner"]["code"] == "FORBIDDEN"
    assert listed["trainings"]["totalCount"] == 1
    assert listed["trainings"]["edges"][0]["node"] == {
        "id": training_id,
        "learnerRef": "LRN-1",
        "status": "COMPLETED",
        "completedOn": "2025-10-15",
    }
    assert seen_by_cci["trainings"]["totalCount"] == 0
