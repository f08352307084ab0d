"""A cohort's typed row from the read model to the API: the list's page (its SQL in
osezia/projections/acceleration.py) and node(id:) show what the projection wrote, admissions and
milestones included, filtered and paged as before; the figures read their counts beside it."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.acceleration import (
    READ_COLUMNS,
    TABLE,
    AdmissionRow,
    CohortRow,
    MilestoneRow,
    cohorts_page,
)
from osezia.projections.connections import connect
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of

ADMISSION = (
    "companyId companySiren companyName region segment status admittedOn admittedAt "
    "milestones { milestone on at } graduatedOn graduatedAt exitedOn exitedAt exitReason"
)
FIELDS = (
    "id runBy name startsOn endsOn capacity months admittedCount activeCount graduatedCount "
    f"exitedCount openedAt admissions {{ {ADMISSION} }}"
)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def shown(row: CohortRow) -> dict[str, Any]:
    """What the API shows of a typed cohort row."""
    return {
        "id": str(row.id),
        "runBy": row.owner,
        "name": row.name,
        "startsOn": iso(row.starts_on),
        "endsOn": iso(row.ends_on),
        "capacity": row.capacity,
        "months": row.months,
        "admittedCount": row.admitted_count,
        "activeCount": row.active_count,
        "graduatedCount": row.graduated_count,
        "exitedCount": row.exited_count,
        "openedAt": iso(row.opened_at),
        "admissions": [
            {
                "companyId": str(a.company_id),
                "companySiren": a.company_siren,
                "companyName": a.company_name,
                "region": a.region,
                "segment": a.segment,
                "status": a.status,
                "admittedOn": iso(a.admitted_on),
                "admittedAt": iso(a.admitted_at),
                "milestones": [
                    {"milestone": m.milestone, "on": iso(m.on), "at": iso(m.at)}
                    for m in a.milestones
                ],
                "graduatedOn": iso(a.graduated_on),
                "graduatedAt": iso(a.graduated_at),
                "exitedOn": iso(a.exited_on),
                "exitedAt": iso(a.exited_at),
                "exitReason": a.exit_reason,
            }
            for a in row.admissions
        ],
    }


def company(platform: Platform, siren: str) -> UUID:
    """A company CCI registers and refers to Bpifrance, which runs the programme."""
    registered = platform.companies.register_company(
        "cci",
        siren=siren,
        legal_name=f"Entreprise {siren}",
        region="53",
        departement="35",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(120)),
    )
    platform.referrals.share_company(
        "cci",
        registered,
        to_tenant="bpifrance",
        purpose="OTHER",
        reason="the acceleration programme",
        consent_reference=f"consent-{siren}",
    )
    return registered


def test_the_list_and_node_show_a_cohorts_typed_row(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    a = platform.acceleration
    rennes, paris = company(platform, "542107651"), company(platform, "732829320")
    spring = a.open_cohort("bpifrance", name="Printemps", starts_on=date(2026, 1, 15), months=4)
    autumn = a.open_cohort("bpifrance", name="Automne", starts_on=date(2026, 9, 1), months=4)
    for admitted in (rennes, paris):
        a.admit_to_cohort("bpifrance", spring, company_id=admitted, on=date(2026, 1, 20))
    a.record_milestone(
        "bpifrance", spring, company_id=rennes, milestone="Pilot", on=date(2026, 4, 1)
    )
    a.graduate_from_cohort("bpifrance", spring, company_id=rennes, on=date(2026, 5, 20))
    a.exit_cohort("bpifrance", spring, company_id=paris, on=date(2026, 5, 1), reason="sold")
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = {
        row["id"]: CohortRow.from_row(row)
        for row in asyncio.run(snapshot(database_url, "bpifrance"))["cohorts"]
    }
    api = Api(database_url, platform)

    def cohorts(arguments: str) -> dict[str, Any]:
        query = f"{{ cohorts({arguments}) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
        query += f"edges {{ node {{ {FIELDS} }} }} }} }}"
        return dict(api.run("bpifrance", query)["cohorts"])

    first = cohorts("first: 1")
    second = cohorts(f'first: 1, after: "{first["pageInfo"]["endCursor"]}"')
    graduated = cohorts('graduatedFrom: "2026-05-01", graduatedUntil: "2026-05-31"')
    node = api.run("bpifrance", f'{{ node(id: "{spring}") {{ ... on Cohort {{ {FIELDS} }} }} }}')

    spring_row = written[spring]
    assert spring_row.admissions == (
        AdmissionRow(
            company_id=rennes,
            company_siren="542107651",
            company_name="Entreprise 542107651",
            region="53",
            segment="PME_ETI",
            status="GRADUATED",
            admitted_on=date(2026, 1, 20),
            admitted_at=spring_row.admissions[0].admitted_at,
            milestones=(
                MilestoneRow("Pilot", date(2026, 4, 1), spring_row.admissions[0].milestones[0].at),
            ),
            graduated_on=date(2026, 5, 20),
            graduated_at=spring_row.admissions[0].graduated_at,
            exited_on=None,
            exited_at=None,
            exit_reason=None,
        ),
        AdmissionRow(
            company_id=paris,
            company_siren="732829320",
            company_name="Entreprise 732829320",
            region="53",
            segment="PME_ETI",
            status="EXITED",
            admitted_on=date(2026, 1, 20),
            admitted_at=spring_row.admissions[1].admitted_at,
            milestones=(),
            graduated_on=None,
            graduated_at=None,
            exited_on=date(2026, 5, 1),
            exited_at=spring_row.admissions[1].exited_at,
            exit_reason="sold",
        ),
    )
    assert (spring_row.graduated_count, spring_row.exited_count, spring_row.active_count) == (
        1,
        1,
        0,
    )
    # First opened first: the spring cohort, then the autumn one.
    assert [e["node"] for e in first["edges"]] == [shown(spring_row)]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    assert [e["node"] for e in second["edges"]] == [shown(written[autumn])]
    assert [e["node"]["id"] for e in graduated["edges"]] == [str(spring)]
    assert node["node"] == shown(spring_row)


def test_the_page_reader_gives_the_rows_the_projection_wrote(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    a = platform.acceleration
    rennes = company(platform, "542107651")
    spring = a.open_cohort("bpifrance", name="Printemps", starts_on=date(2026, 1, 15), months=4)
    a.admit_to_cohort("bpifrance", spring, company_id=rennes, on=date(2026, 1, 20))
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "bpifrance"))["cohorts"]

    async def read(admitted_from: date) -> list[CohortRow]:
        conn = await connect(database_url)
        try:
            found = await cohorts_page(
                conn,
                "bpifrance",
                admitted_from=admitted_from,
                admitted_until=None,
                graduated_from=None,
                graduated_until=None,
                first=5,
                after=None,
            )
        finally:
            await conn.close()
        return found.rows

    assert asyncio.run(read(date(2026, 1, 20))) == [CohortRow.from_row(written[0])]
    assert asyncio.run(read(date(2026, 1, 21))) == []


def test_a_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
