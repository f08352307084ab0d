"""An enrolment's typed row from the read model to the API: the trainings' page and the
figures (their SQL in osezia/projections/trainings.py) and node(id:) show what the projection
wrote, filtered and paged as before."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

from osezia.domain.identifiers import normalise_siren
from osezia.domain.platform import Platform
from osezia.projections.asof import today
from osezia.projections.connections import connect
from osezia.projections.trainings import (
    READ_COLUMNS,
    TABLE,
    TrainingCount,
    TrainingRow,
    enrolments_page,
    training_counts,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of

FIELDS = (
    "id learnerRef audience region companyId trainingCode trainingTitle status enrolledOn "
    "completedOn"
)


def enrol(platform: Platform, ref: str, audience: str, region: str, siren: str | None) -> UUID:
    return platform.trainings.enrol_learner(
        "operator",
        learner_ref=ref,
        training_code="IA-101",
        training_title="L'IA pour les PME",
        audience=audience,
        region=region,
        siren=siren,
        on=date(2025, 10, 1),
    )


def shown(row: TrainingRow) -> dict[str, Any]:
    """What the API shows of a typed enrolment."""
    return {
        "id": str(row.id),
        "learnerRef": row.learner_ref,
        "audience": row.audience,
        "region": row.region,
        "companyId": None if row.company_id is None else str(row.company_id),
        "trainingCode": row.training_code,
        "trainingTitle": row.training_title,
        "status": row.status,
        "enrolledOn": row.enrolled_on.isoformat(),
        "completedOn": None if row.completed_on is None else row.completed_on.isoformat(),
    }


def test_the_trainings_node_and_figures_show_the_typed_rows(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    employee = enrol(platform, "LRN-1", "EMPLOYEE", "53", "542107651")
    leader = enrol(platform, "LRN-2", "LEADER", "11", None)
    platform.trainings.complete_training("operator", employee, on=date(2025, 10, 20))
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = {
        row["id"]: TrainingRow.from_row(row)
        for row in asyncio.run(snapshot(database_url, "operator"))["trainings"]
    }
    api = Api(database_url, platform)

    def trainings(arguments: str) -> dict[str, Any]:
        query = f"{{ trainings({arguments}) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
        query += f"edges {{ node {{ {FIELDS} }} }} }} }}"
        return dict(api.run("operator", query)["trainings"])

    first = trainings("first: 1")
    second = trainings(f'first: 1, after: "{first["pageInfo"]["endCursor"]}"')
    completed = trainings("status: COMPLETED")
    leaders = trainings('audience: LEADER, region: "11"')
    node = api.run("operator", f'{{ node(id: "{employee}") {{ ... on Training {{ {FIELDS} }} }} }}')
    figures = api.run("cci", "{ trainingFigures { audience region enrolled completed } }")

    assert written[employee].status == "COMPLETED"
    assert written[employee].completed_on == date(2025, 10, 20)
    assert written[employee].company_id is not None
    assert written[leader].company_id is None
    # By recorded time: the employee enrolled first.
    assert [e["node"] for e in first["edges"]] == [shown(written[employee])]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    assert [e["node"] for e in second["edges"]] == [shown(written[leader])]
    assert [e["node"]["id"] for e in completed["edges"]] == [str(employee)]
    assert [e["node"]["id"] for e in leaders["edges"]] == [str(leader)]
    assert node["node"] == shown(written[employee])
    assert figures["trainingFigures"] == [
        {"audience": "EMPLOYEE", "region": "53", "enrolled": 1, "completed": 1},
        {"audience": "LEADER", "region": "11", "enrolled": 1, "completed": 0},
    ]


def test_the_readers_give_the_rows_the_projection_wrote(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    enrol(platform, "LRN-1", "APPRENTICE", "53", normalise_siren("542 107 651"))
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "operator"))["trainings"]

    async def read() -> tuple[list[TrainingRow], list[TrainingRow], list[TrainingCount]]:
        conn = await connect(database_url)
        try:
            pages = [
                await enrolments_page(
                    conn,
                    "operator",
                    audience="APPRENTICE",
                    status=status,
                    region="53",
                    first=5,
                    after=None,
                )
                for status in ("ENROLLED", "COMPLETED")
            ]
            counts = await training_counts(conn, "cci", today())
        finally:
            await conn.close()
        enrolled, completed = (p.rows for p in pages)
        return enrolled, completed, counts

    enrolled, completed, counts = asyncio.run(read())

    assert enrolled == [TrainingRow.from_row(written[0])]
    assert completed == []
    assert counts == [TrainingCount("APPRENTICE", "53", enrolled=1, completed=0)]


def test_a_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
