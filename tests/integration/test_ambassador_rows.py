"""An ambassador's typed row from the read model to the API: the directory's page (its SQL in
osezia/projections/ambassadors.py) and node(id:) show every field the row holds, filtered and
paged as before."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any
from uuid import UUID

from osezia.domain.platform import Platform
from osezia.projections.ambassadors import (
    READ_COLUMNS,
    TABLE,
    AmbassadorRow,
    InterventionRow,
)
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of

REGION = "06"  # Mayotte: no other test appoints an ambassador there
FIELDS = (
    "id fullName kind planKind network region sectors appointedOn status withdrawnOn "
    "interventions { on audience format } audienceTotal profile"
)


def appoint(platform: Platform, full_name: str, kind: str, profile: str | None) -> UUID:
    return platform.ambassadors.appoint_ambassador(
        "cci",
        full_name=full_name,
        kind=kind,
        network="CCI",
        appointed_on=date(2025, 9, 1),
        region=REGION,
        sectors=("industrie", "santé"),
        profile=profile,
    )


def directory(api: Api, arguments: str) -> dict[str, Any]:
    query = f'{{ ambassadors(region: "{REGION}", {arguments}) {{ totalCount '
    query += f"pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {FIELDS} }} }} }} }}"
    return dict(api.run("cci", query)["ambassadors"])


def test_the_directory_and_node_show_an_ambassadors_typed_row(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    curie = appoint(platform, "Marie Curie", "REGIONAL", "SOUS_PREFET_REFERENT")
    pasteur = appoint(platform, "Louis Pasteur", "SECTORAL", None)
    platform.ambassadors.record_intervention(
        "cci", curie, on=date(2025, 10, 2), audience=40, format="WEBINAR"
    )
    platform.ambassadors.record_intervention(
        "cci", curie, on=date(2025, 11, 5), audience=12, format="WORKSHOP"
    )
    platform.ambassadors.withdraw_ambassador("cci", pasteur, reason="départ", on=date(2026, 1, 2))
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    api = Api(database_url, platform)

    first = directory(api, "first: 1")
    second = directory(api, f'first: 1, after: "{first["pageInfo"]["endCursor"]}"')
    active = directory(api, "activeOnly: true")
    sectoral = directory(api, "kind: SECTORAL")
    node = api.run("cci", f'{{ node(id: "{curie}") {{ ... on Ambassador {{ {FIELDS} }} }} }}')

    curie_seen = {
        "id": str(curie),
        "fullName": "Marie Curie",
        "kind": "REGIONAL",
        "planKind": "REGIONAL_AND_SECTORAL",
        "network": "CCI",
        "region": REGION,
        "sectors": ["industrie", "santé"],
        "appointedOn": "2025-09-01",
        "status": "ACTIVE",
        "withdrawnOn": None,
        "interventions": [
            {"on": "2025-10-02", "audience": 40, "format": "WEBINAR"},
            {"on": "2025-11-05", "audience": 12, "format": "WORKSHOP"},
        ],
        "audienceTotal": 52,
        "profile": "SOUS_PREFET_REFERENT",
    }
    pasteur_seen = {
        **curie_seen,
        "id": str(pasteur),
        "fullName": "Louis Pasteur",
        "kind": "SECTORAL",
        "status": "WITHDRAWN",
        "withdrawnOn": "2026-01-02",
        "interventions": [],
        "audienceTotal": 0,
        "profile": None,
    }
    # By name: Louis Pasteur, then Marie Curie.
    assert [e["node"] for e in first["edges"]] == [pasteur_seen]
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, True)
    assert [e["node"] for e in second["edges"]] == [curie_seen]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["id"] for e in active["edges"]] == [str(curie)]
    assert [e["node"]["id"] for e in sectoral["edges"]] == [str(pasteur)]
    assert node["node"] == curie_seen


def test_a_row_reads_only_columns_the_read_model_declares() -> None:
    assert set(READ_COLUMNS.split(", ")) <= set(TABLE.column_names)
    row = dict.fromkeys(TABLE.column_names) | {
        "sectors": ["industrie"],
        "interventions": [{"on": "2025-10-02", "audience": 3, "format": "WEBINAR"}],
    }
    typed = AmbassadorRow.from_row(row)
    assert typed.sectors == ("industrie",)
    assert typed.interventions == (InterventionRow(date(2025, 10, 2), 3, "WEBINAR"),)
