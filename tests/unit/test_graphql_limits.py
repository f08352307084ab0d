"""Queries that ask for too much are refused before they run, with a message that says why."""

from __future__ import annotations

import asyncio

from osezia.graphql.limits import MAX_ALIASES, MAX_COST, MAX_DEPTH
from osezia.graphql.schema import build_schema

schema = build_schema(production=False)


def errors_of(document: str) -> list[str]:
    # Refused documents never reach a resolver: no database is needed to see the refusal.
    result = asyncio.run(schema.execute(document))
    return [error.message for error in result.errors or []]


def test_a_query_nested_deeper_than_the_limit_is_refused() -> None:
    # The schema itself is shallow; the limit guards against documents built to be deep.
    fields = [f"f{n}" for n in range(MAX_DEPTH + 1)]
    too_deep = "{ diagnostics { " + " { ".join(fields) + " }" * MAX_DEPTH + " } }"

    assert any("exceeds maximum operation depth" in m for m in errors_of(too_deep))


def test_a_query_with_too_many_aliases_is_refused() -> None:
    aliases = " ".join(f"a{n}: projectionStatus {{ position }}" for n in range(MAX_ALIASES + 1))

    assert any("aliases" in m for m in errors_of("{ " + aliases + " }"))


def test_a_query_with_too_many_tokens_is_refused() -> None:
    fields = " ".join(["position"] * 2100)

    assert any("token" in m.lower() for m in errors_of("{ projectionStatus { " + fields + " } }"))


def test_large_pages_are_refused_when_their_cost_passes_the_limit() -> None:
    pages = " ".join(f"p{n}: companies(first: 100) {{ totalCount }}" for n in range(12))

    messages = errors_of("{ " + pages + " }")

    assert any(f"the limit is {MAX_COST}" in m for m in messages), messages


def test_a_few_pages_within_the_cost_are_accepted_by_validation() -> None:
    pages = " ".join(f"p{n}: companies(first: 20) {{ totalCount }}" for n in range(3))

    assert not any("limit is" in m for m in errors_of("{ " + pages + " }"))


def test_production_refuses_introspection() -> None:
    production = build_schema(production=True)

    result = production.execute_sync("{ __schema { types { name } } }")

    assert result.errors
    assert "introspection" in result.errors[0].message.lower()
