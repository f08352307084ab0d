"""The catalogue's and the adoptions' typed rows from the read models to the API: the pages of
providers, solutions and adoptions (their SQL in osezia/projections/solutions_rows.py) and
node(id:) show what the projection wrote, filtered and paged as before."""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.projections.connections import connect
from osezia.projections.solutions import ADOPTIONS, PROVIDERS, SOLUTIONS
from osezia.projections.solutions_rows import (
    ADOPTION_COLUMNS,
    PROVIDER_COLUMNS,
    SOLUTION_COLUMNS,
    AdoptionRow,
    ProviderRow,
    SolutionRow,
    adoptions_page,
    solutions_page,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, snapshot, viewers_of

PROVIDER = "id siren name sovereignty sovereign listedBy listedAt"
SOLUTION = (
    "id providerId providerName providerSiren name description categories sovereignty "
    "sovereign turnkey status withdrawnReason listedBy listedAt withdrawnAt"
)
ADOPTION = (
    "id companyId companySiren companyName region segment solutionId solutionName categories "
    "sovereignty adoptedOn recordedBy recordedAt"
)
ON = date(2026, 3, 1)


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def provider_shown(row: ProviderRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "siren": row.siren,
        "name": row.name,
        "sovereignty": row.sovereignty,
        "sovereign": row.sovereignty in ("FR", "EU"),
        "listedBy": row.owner,
        "listedAt": iso(row.listed_at),
    }


def solution_shown(row: SolutionRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "providerId": str(row.provider_id),
        "providerName": row.provider_name,
        "providerSiren": row.provider_siren,
        "name": row.name,
        "description": row.description,
        "categories": list(row.categories),
        "sovereignty": row.sovereignty,
        "sovereign": row.sovereignty in ("FR", "EU"),
        "turnkey": row.turnkey,
        "status": row.status,
        "withdrawnReason": row.withdrawn_reason,
        "listedBy": row.owner,
        "listedAt": iso(row.listed_at),
        "withdrawnAt": iso(row.withdrawn_at),
    }


def adoption_shown(row: AdoptionRow) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "companyId": str(row.company_id),
        "companySiren": row.company_siren,
        "companyName": row.company_name,
        "region": row.region,
        "segment": row.segment,
        "solutionId": str(row.solution_id),
        "solutionName": row.solution_name,
        "categories": list(row.categories),
        "sovereignty": row.sovereignty,
        "adoptedOn": iso(row.adopted_on),
        "recordedBy": row.owner,
        "recordedAt": iso(row.adopted_at),
    }


def a_catalogue(platform: Platform) -> tuple[UUID, UUID, UUID, UUID, UUID]:
    """Two providers, two solutions (the French one withdrawn later) and a company."""
    s = platform.solutions
    fr = s.list_provider("cci", siren="732829320", name="Français", sovereignty="FR")
    other = s.list_provider("bpifrance", siren="356000000", name="Ailleurs", sovereignty="OTHER")
    support_fr = s.list_solution(
        "cci",
        provider_id=fr,
        name="Support FR",
        description="d",
        categories=["CUSTOMER_SERVICE", "HR"],
    )
    support_other = s.list_solution(
        "bpifrance",
        provider_id=other,
        name="Another support",
        description="d",
        categories=["CUSTOMER_SERVICE"],
        turnkey=False,
    )
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Confidentiel SA",
        region="11",
        departement="92",
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )
    return fr, other, support_fr, support_other, company


def page_of(api: Api, tenant: str, field: str, arguments: str, fields: str) -> dict[str, Any]:
    query = f"{{ {field}({arguments}) {{ totalCount pageInfo {{ hasNextPage endCursor }} "
    query += f"edges {{ node {{ {fields} }} }} }} }}"
    return dict(api.run(tenant, query)[field])


def nodes(found: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in found["edges"]]


def test_the_pages_and_node_show_the_catalogues_typed_rows(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    fr, other, support_fr, support_other, company = a_catalogue(platform)
    adoption = platform.solutions.record_adoption(
        "cci", company_id=company, solution_id=support_fr, on=ON
    )
    platform.solutions.withdraw_solution("cci", support_fr, reason="arrêtée")
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "cci"))
    providers = {r["id"]: ProviderRow.from_row(r) for r in written["providers"]}
    solutions = {r["id"]: SolutionRow.from_row(r) for r in written["solutions"]}
    (adopted,) = [AdoptionRow.from_row(r) for r in written["adoptions"]]
    api = Api(database_url, platform)

    first = page_of(api, "inria", "providers", "first: 1", PROVIDER)
    second = page_of(
        api, "inria", "providers", f'first: 1, after: "{first["pageInfo"]["endCursor"]}"', PROVIDER
    )
    french = page_of(api, "inria", "providers", "sovereignty: FR", PROVIDER)
    active = page_of(api, "inria", "solutions", "first: 20", SOLUTION)
    every = page_of(api, "inria", "solutions", "includeWithdrawn: true", SOLUTION)
    sovereign = page_of(
        api, "inria", "solutions", "includeWithdrawn: true, sovereignOnly: true", SOLUTION
    )
    adoptions = page_of(api, "cci", "adoptions", f'solutionId: "{support_fr}"', ADOPTION)
    elsewhere = page_of(api, "cci", "adoptions", 'region: "53"', ADOPTION)

    def node(tenant: str, id_: UUID, fields: str) -> dict[str, Any]:
        query = f'{{ node(id: "{id_}") {{ {fields} }} }}'
        return dict(api.run(tenant, query)["node"])

    assert solutions[support_fr].categories == ("CUSTOMER_SERVICE", "HR")
    assert (solutions[support_fr].status, solutions[support_fr].withdrawn_reason) == (
        "WITHDRAWN",
        "arrêtée",
    )
    assert (adopted.company_id, adopted.solution_id, adopted.adopted_on) == (
        company,
        support_fr,
        ON,
    )
    # By name: « Ailleurs », then « Français ».
    assert nodes(first) == [provider_shown(providers[other])]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    assert nodes(second) == [provider_shown(providers[fr])]
    assert [n["id"] for n in nodes(french)] == [str(fr)]
    assert nodes(active) == [solution_shown(solutions[support_other])]
    assert nodes(every) == [solution_shown(solutions[i]) for i in (support_other, support_fr)]
    assert [n["id"] for n in nodes(sovereign)] == [str(support_fr)]
    assert nodes(adoptions) == [adoption_shown(adopted)]
    assert nodes(elsewhere) == []
    assert node("inria", fr, f"... on Provider {{ {PROVIDER} }}") == provider_shown(providers[fr])
    assert node("inria", support_fr, f"... on Solution {{ {SOLUTION} }}") == solution_shown(
        solutions[support_fr]
    )
    assert node("cci", adoption, f"... on Adoption {{ {ADOPTION} }}") == adoption_shown(adopted)


def test_the_page_readers_give_the_rows_the_projection_wrote(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    _, _, support_fr, _, company = a_catalogue(platform)
    platform.solutions.record_adoption("cci", company_id=company, solution_id=support_fr, on=ON)
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    written = asyncio.run(snapshot(database_url, "cci"))

    async def read() -> tuple[list[SolutionRow], list[AdoptionRow]]:
        conn = await connect(database_url)
        try:
            solutions = await solutions_page(
                conn,
                "cci",
                category="HR",
                sovereign_only=True,
                include_withdrawn=False,
                first=5,
                after=None,
            )
            adoptions = await adoptions_page(
                conn,
                "cci",
                region="11",
                solution_id=support_fr,
                sovereignty="FR",
                first=5,
                after=None,
            )
        finally:
            await conn.close()
        return (
            solutions.rows,
            adoptions.rows,
        )

    solutions, adoptions = asyncio.run(read())

    by_id = {r["id"]: SolutionRow.from_row(r) for r in written["solutions"]}
    assert solutions == [by_id[support_fr]]
    assert adoptions == [AdoptionRow.from_row(r) for r in written["adoptions"]]


def test_rows_read_only_columns_the_read_models_declare() -> None:
    for columns, table in (
        (PROVIDER_COLUMNS, PROVIDERS),
        (SOLUTION_COLUMNS, SOLUTIONS),
        (ADOPTION_COLUMNS, ADOPTIONS),
    ):
        assert set(columns.split(", ")) <= set(table.column_names)
