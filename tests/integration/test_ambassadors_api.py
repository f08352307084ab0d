"""Ambassadors through the API: the plan's two kinds and who each ambassador is."""

from __future__ import annotations

import asyncio
from typing import Any

from osezia.domain.platform import Platform
from osezia.tenants.application import Tenants
from tests.integration.api_support import Api
from tests.integration.projection_support import build_all, viewers_of


def appoint(api: Api, kind: str, profile: str, region: str = "53") -> dict[str, Any]:
    return api.mutate(
        "cci",
        f'appointAmbassador(fullName: "Marie Curie", kind: {kind}, network: CCI, '
        f'appointedOn: "2025-09-01", region: "{region}", sectors: ["industrie"], '
        f"profile: {profile})",
    )


def test_an_ambassador_shows_the_plans_kind_and_who_they_are(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    appointed = appoint(api, "REGIONAL", "SOUS_PREFET_REFERENT")
    refused = appoint(api, "REGIONAL", "ATHLETE")
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    listed = api.run("cci", "{ ambassadors { edges { node { kind planKind profile } } } }")

    assert appointed["__typename"] == "Done"
    assert (refused["__typename"], refused["code"]) == ("Problem", "INVALID_VALUE")
    assert "profile ATHLETE is not one of a REGIONAL ambassador's" in str(refused["message"])
    assert [e["node"] for e in listed["ambassadors"]["edges"]] == [
        {"kind": "REGIONAL", "planKind": "REGIONAL_AND_SECTORAL", "profile": "SOUS_PREFET_REFERENT"}
    ]
