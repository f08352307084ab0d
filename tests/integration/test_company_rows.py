"""A company's typed row from the read model to the API: the list's page, company(siren:) (as
it stands and as of a cutoff) and node(id:) read it with the SQL beside the read model
(osezia/projections/companies.py) and show what the projection wrote, filtered and paged as
before."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.companies import (
    HISTORY_COLUMNS,
    TABLE,
    CompanyRow,
    companies_by_id,
    company_by_siren,
)
from osezia.projections.company_pages import CompanyFilters, company_rows_page
from osezia.projections.connections import connect
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of

FIELDS = (
    "id siren legalName owner region departement naf nafSection sizeCategory sizeBasis "
    "segment adoptionStage adoptionChangedOn sharedWithUs"
)


def register(platform: Platform, siren: str, legal_name: str, headcount: str) -> UUID:
    return platform.companies.register_company(
        "cci",
        siren=siren,
        legal_name=legal_name,
        region="84",
        departement="69",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(headcount)),
    )


def shown(row: dict[str, Any], *, shared: bool) -> dict[str, Any]:
    """What the API shows of a row the projection wrote."""
    changed = row["adoption_changed_on"]
    return {
        "id": str(row["id"]),
        "siren": row["siren"],
        "legalName": row["legal_name"],
        "owner": row["owner"],
        "region": row["region"],
        "departement": row["departement"],
        "naf": row["naf"],
        "nafSection": row["naf_section"],
        "sizeCategory": row["size_category"],
        "sizeBasis": row["size_basis"],
        "segment": row["segment"],
        "adoptionStage": row["adoption_stage"],
        "adoptionChangedOn": None if changed is None else changed.isoformat(),
        "sharedWithUs": shared,
    }


def test_the_list_company_and_node_show_a_companys_typed_row(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    bretagne = register(platform, "632012100", "Bretagne Logiciels", "3")
    alpes = register(platform, "552100554", "Alpes Données", "12")
    platform.companies.advance_adoption("cci", alpes, stage="AWARE", on=date(2026, 1, 5))
    platform.referrals.share_company(
        "cci",
        alpes,
        to_tenant="bpifrance",
        purpose="OTHER",
        reason="suivi",
        consent_reference="accord 1",
    )
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = {row["id"]: row for row in asyncio.run(snapshot(database_url, "cci"))["companies"]}
    api = Api(database_url, platform)

    def companies(tenant: str, arguments: str) -> dict[str, Any]:
        query = f"{{ companies({arguments}) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
        query += f"edges {{ node {{ {FIELDS} }} }} }} }}"
        return dict(api.run(tenant, query)["companies"])

    first = companies("cci", "first: 1")
    second = companies("cci", f'first: 1, after: "{first["pageInfo"]["endCursor"]}"')
    by_name = companies("cci", 'nameStartsWith: "alpes"')
    aware = companies("cci", "adoptionStage: AWARE")
    referred = companies("bpifrance", "first: 5")
    by_siren = api.run("cci", f'{{ company(siren: "632 012 100") {{ {FIELDS} }} }}')
    node = api.run("cci", f'{{ node(id: "{alpes}") {{ ... on Company {{ {FIELDS} }} }} }}')

    alpes_seen = shown(written[alpes], shared=False)
    bretagne_seen = shown(written[bretagne], shared=False)
    assert (alpes_seen["adoptionStage"], alpes_seen["adoptionChangedOn"]) == ("AWARE", "2026-01-05")
    assert (alpes_seen["segment"], bretagne_seen["segment"]) == ("PME_ETI", "TPE")
    # In SIREN order: 552…, then 632….
    assert [e["node"] for e in first["edges"]] == [alpes_seen]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    assert [e["node"] for e in second["edges"]] == [bretagne_seen]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["id"] for e in by_name["edges"]] == [str(alpes)]
    assert [e["node"]["id"] for e in aware["edges"]] == [str(alpes)]
    assert [e["node"] for e in referred["edges"]] == [{**alpes_seen, "sharedWithUs": True}]
    assert by_siren["company"] == bretagne_seen
    assert node["node"] == alpes_seen


def test_the_readers_give_the_rows_the_projection_wrote_and_as_of_a_cutoff(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    alpes = register(platform, "552100554", "Alpes Données", "12")
    platform.companies.advance_adoption("cci", alpes, stage="AWARE", on=date(2026, 1, 5))
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "cci"))["companies"][0]
    adopted_at = datetime.fromisoformat(written["adoption_history"][0]["at"])

    async def read() -> tuple[Any, ...]:
        conn = await connect(database_url)
        try:
            return (
                await company_by_siren(conn, "cci", "552100554"),
                await company_by_siren(conn, "cci", "552100554", adopted_at),
                await company_by_siren(conn, "cci", "552100554", written["registered_at"]),
                await company_rows_page(
                    conn,
                    "cci",
                    CompanyFilters(region="84", segment="PME_ETI", naf_section="J"),
                    first=5,
                    after=None,
                ),
                await companies_by_id(conn, "cci", [alpes]),
            )
        finally:
            await conn.close()

    now, before_adoption, before_registration, page, by_id = asyncio.run(read())

    expected = CompanyRow.from_row(written)
    assert now == expected
    assert now is not None
    assert now.adoption_changed_on == date(2026, 1, 5)
    # Before the stage changed, the company was where it began: no stage, no day.
    assert before_adoption == CompanyRow.from_row(
        {**written, "adoption_stage": "NONE", "adoption_changed_on": None}
    )
    assert before_registration is None  # registered at that instant: not before it
    assert page.rows == [expected]
    assert by_id == {alpes: expected}


def test_a_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(HISTORY_COLUMNS.split(", ")) <= set(TABLE.column_names)
    row = dict.fromkeys(TABLE.column_names) | {"shared_via": ["cci"], "adoption_stage": "NONE"}
    assert CompanyRow.from_row(row).shared is True
    assert CompanyRow.from_row(row | {"shared_via": []}).shared is False
