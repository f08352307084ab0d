"""Rectification (RGPD art. 16) of a diagnostic's expert through the API: a network that does not
see the diagnostic finds nothing and appends nothing; the network that assigns experts corrects
it; the lists show the corrected text, the same after a rebuild, and the text recorded before is
found nowhere in the database."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any
from uuid import UUID

from osezia.domain.commands import Command
from osezia.domain.personal import ERASED
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.projections.connections import create_pool
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.integration.api_support import OUTCOME, Api
from tests.integration.privacy_support import dump_of, head, places_holding
from tests.integration.projection_support import build_all, catch_up_all, snapshot, viewers_of

MISSPELT, CORRECTED = "Anselme Varenguebeq", "Anselme Varenguebec"
EXPERTS = "{ diagnostics { edges { node { id expert status } } } }"


def a_diagnostic_with_its_expert(platform: Platform) -> UUID:
    """Requested by CCI; its eligibility checked and its expert assigned by Bpifrance."""
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
    platform.diagnostics.assign_expert("bpifrance", diagnostic, expert=MISSPELT)
    return diagnostic


def as_a_network_granted_the_correction(
    database_url: str, platform: Platform, tenant: str, call: str
) -> dict[str, Any]:
    """One mutation by ``tenant``, its profile granted what Bpifrance's is about experts (as an
    administrator may): so that only what the network sees can refuse it."""
    _, profile = DEFAULT_TENANTS[tenant]
    granted = Profile(
        commands=profile.commands | {Command.ASSIGN_EXPERT, Command.CORRECT_DIAGNOSTIC_EXPERT},
        sees_all=profile.sees_all,
        region=profile.region,
        roles=profile.roles,
    )

    async def execute() -> dict[str, Any]:
        pool = await create_pool(database_url, max_size=2)
        try:
            result = await schema.execute(
                f"mutation {{ m: {call} {OUTCOME} }}",
                context_value=Context(
                    tenant=tenant,
                    platform=platform,
                    pool=pool,
                    role="admin",
                    scopes=frozenset({"read", "write", "approve", "admin"}),
                    profile=granted,
                ),
            )
        finally:
            await pool.close()
        assert result.errors is None, result.errors
        assert result.data is not None
        return dict(result.data["m"])

    return asyncio.run(execute())


def correction(diagnostic: UUID, expert: str) -> str:
    return f'correctDiagnosticExpert(diagnosticId: "{diagnostic}", expert: "{expert}")'


def test_the_network_that_assigns_experts_corrects_one_and_the_old_text_is_found_nowhere(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    api = Api(database_url, platform)
    viewers = viewers_of(tenants)
    diagnostic = a_diagnostic_with_its_expert(platform)
    asyncio.run(build_all(database_url, viewers))

    # A network that holds the command but does not see the diagnostic finds nothing, worded
    # as for an id that does not exist; one without the command is forbidden it. Neither
    # appends anything.
    before = head(database_url)
    intruder = as_a_network_granted_the_correction(
        database_url, platform, "french-tech", correction(diagnostic, "X")
    )
    assert intruder == {
        "__typename": "Problem",
        "code": "NOT_FOUND",
        "message": f"no diagnostic with id {diagnostic}",
    }
    assert api.mutate("cci", correction(diagnostic, "X"))["code"] == "FORBIDDEN"
    assert head(database_url) == before
    assert platform.diagnostics.get_diagnostic("cci", diagnostic).expert == MISSPELT

    corrected = api.run(
        "bpifrance",
        f"mutation {{ m: {correction(diagnostic, CORRECTED)} {{ __typename "
        "... on Done { id consistencyToken } ... on Problem { code message } } }",
    )["m"]
    assert corrected["__typename"] == "Done"
    assert corrected["id"] is None
    assert int(corrected["consistencyToken"]) == head(database_url) > before
    again = api.mutate("bpifrance", correction(diagnostic, CORRECTED))
    assert (again["code"], head(database_url)) == ("INVALID_VALUE", before + 1)
    asyncio.run(catch_up_all(database_url, viewers))

    listed = api.run("cci", EXPERTS)
    assert [e["node"] for e in listed["diagnostics"]["edges"]] == [
        {"id": str(diagnostic), "expert": CORRECTED, "status": "EXPERT_ASSIGNED"}
    ]
    exported = api.run(
        "cci",
        f'mutation {{ e: exportPerson(id: "{diagnostic}") {{ ... on PersonalDataExport '
        "{ document } } }",
    )
    (record,) = json.loads(exported["e"]["document"])["records"]
    assert [(e["event"], e["fields"]) for e in record["events"]] == [
        ("Diagnostic.ExpertAssigned", {"expert": ERASED}),
        ("Diagnostic.ExpertCorrected", {"expert": CORRECTED}),
    ]

    # Caught up or rebuilt from the log, every target's rows are the same.
    incremental = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}
    asyncio.run(build_all(database_url, viewers))
    rebuilt = {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}
    assert rebuilt == incremental
    assert api.run("cci", EXPERTS) == listed
    assert api.run("bpifrance", EXPERTS) == listed
    assert places_holding(dump_of(database_url), "Varenguebeq") == []
