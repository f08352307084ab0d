"""Closed sets through the API: a value outside one is refused with the values it allows,
instead of a filter that silently matches nothing or a record no solution ever matches."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from graphql import GraphQLError
from strawberry.types import ExecutionResult

from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.domain.solutions.usecases import UseCaseCategory
from osezia.graphql.schema import build_schema
from osezia.tenants.application import Tenants
from tests.integration.api_support import OUTCOME, Api
from tests.integration.projection_support import build_all, viewers_of
from tests.integration.test_calls_api import award, gate, mutate, opened, query

__all__ = ["opened"]  # the fixture: an open call and a CCI company's application to it

ALLOWED = ", ".join(UseCaseCategory)


def a_diagnostic(platform: Platform) -> str:
    company = platform.companies.register_company(
        "cci",
        siren="542107651",
        legal_name="Fonderie de l'Ouest",
        region="53",
        departement="35",
        naf="24.51Z",
        size=SizeFacts(headcount_uta=Decimal(80)),
    )
    return str(platform.diagnostics.request_diagnostic("cci", company_id=company))


def identify(diagnostic: str, code: str) -> str:
    return (
        f'mutation {{ m: identifyUseCases(diagnosticId: "{diagnostic}", '
        f'useCases: [{{code: {code}, title: "Maintenance des fours"}}]) {OUTCOME} }}'
    )


def messages(result: ExecutionResult) -> list[str]:
    assert result.errors, result.data
    return [e.message for e in result.errors]


def test_a_use_case_code_the_catalogue_does_not_know_is_refused_naming_the_allowed_ones(
    database_url: str, platform: Platform
) -> None:
    api = Api(database_url, platform)
    diagnostic = a_diagnostic(platform)

    refused = api.execute("cci", identify(diagnostic, "MAINTENANCE_PREDICTIVE"))
    quoted = api.execute("cci", identify(diagnostic, '"PREDICTIVE_MAINTENANCE"'))
    spelt_right = api.execute("cci", identify(diagnostic, "PREDICTIVE_MAINTENANCE"))

    assert refused.data is None
    assert messages(refused) == [
        "Value 'MAINTENANCE_PREDICTIVE' does not exist in 'UseCaseCode' enum. "
        f"Did you mean one of {ALLOWED}?"
    ]
    assert "PREDICTIVE_MAINTENANCE" in ALLOWED
    # A string is no enum value: the message says which one it may have meant.
    assert "Did you mean the enum value 'PREDICTIVE_MAINTENANCE'?" in messages(quoted)[0]
    # The catalogue's spelling reaches the diagnostic, which answers with its own rule.
    assert spelt_right.errors is None
    assert spelt_right.data is not None
    assert spelt_right.data["m"]["__typename"] in {"Done", "Problem"}


def test_a_filter_on_a_value_outside_its_set_is_refused_instead_of_matching_nothing(
    database_url: str, platform: Platform
) -> None:
    api = Api(database_url, platform)

    literal = api.execute("cci", "{ solutions(category: MAINTENANCE_PREDICTIVE) { totalCount } }")
    far = api.execute("cci", "{ companies(adoptionStage: EN_PRODUCTION) { totalCount } }")
    close = api.execute("cci", "{ companies(adoptionStage: PILOTE) { totalCount } }")

    assert literal.data is None
    assert f"Did you mean one of {ALLOWED}?" in messages(literal)[0]
    assert messages(far)[0].endswith(
        "Did you mean one of NONE, AWARE, TRAINED, DIAGNOSED, PILOTING, ADOPTED?"
    )
    # A value spelt close to one is suggested that one alone, as graphql-core does.
    assert messages(close)[0].endswith("Did you mean the enum value 'PILOTING'?")


def run(document: str, variables: dict[str, Any], *, production: bool) -> ExecutionResult:
    served = build_schema(production=production)
    # The value is refused before any resolver runs: no context is needed.
    return asyncio.run(served.execute(document, variable_values=variables))


def test_a_variable_outside_its_set_is_an_invalid_value_and_production_names_no_value() -> None:
    document = "query ($c: UseCaseCode) { solutions(category: $c) { totalCount } }"

    development = run(document, {"c": "MAINTENANCE_PREDICTIVE"}, production=False)
    production = run(document, {"c": "MAINTENANCE_PREDICTIVE"}, production=True)

    for result in (development, production):
        assert result.errors is not None
        [error] = result.errors
        assert isinstance(error, GraphQLError)
        assert (error.extensions or {}).get("code") == "INVALID_VALUE"
    assert development.errors is not None
    assert production.errors is not None
    assert f"Did you mean one of {ALLOWED}?" in development.errors[0].message
    assert production.errors[0].message == (
        "Variable '$c' has invalid value: Value 'MAINTENANCE_PREDICTIVE' does not exist in "
        "'UseCaseCode' enum."
    )


def test_production_refuses_a_literal_outside_its_set_without_naming_the_allowed_values() -> None:
    literal = "{ solutions(category: MAINTENANCE_PREDICTIVE) { totalCount } }"

    refused = run(literal, {}, production=True)

    assert messages(refused) == [
        "Value 'MAINTENANCE_PREDICTIVE' does not exist in 'UseCaseCode' enum."
    ]


def test_an_application_shows_its_stage_and_is_found_by_it(
    database_url: str, platform: Platform, tenants: Tenants, opened: dict[str, str]
) -> None:
    application = opened["application"]
    for tenant, call in [
        ("inria", f'selectApplication(applicationId: "{application}")'),
        ("inria", award(application, 1, 15_000_000, 9)),
        ("inria", gate(application, 1, True)),
    ]:
        assert mutate(database_url, platform, tenant, call)["__typename"] == "Done", call
    asyncio.run(build_all(database_url, viewers_of(tenants)))

    found = query(
        database_url,
        platform,
        "inria",
        "{ passed: callApplications(stage: PHASE_PASSED) { edges { node { status stage } } } "
        "inPhase: callApplications(stage: IN_PHASE) { totalCount } }",
    )

    assert found["passed"]["edges"] == [
        {"node": {"status": "PHASE_1_PASSED", "stage": "PHASE_PASSED"}}
    ]
    assert found["inPhase"]["totalCount"] == 0
