"""Each document is parsed and validated once, however often it is asked: the limit rules are
the same classes for every request, so strawberry's validation cache finds a document again."""

from __future__ import annotations

import asyncio
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from strawberry.extensions import AddValidationRules
from strawberry.extensions.validation_cache import _get_validate_cache

from osezia.graphql.limits import (
    KEPT_DOCUMENTS,
    MAX_COST,
    MAX_DEPTH,
    limits,
    operation_cost,
    parsed,
)
from osezia.graphql.schema import build_schema
from osezia.projections.paging import DEFAULT_PAGE
from osezia.web.cache import analyse

schema = build_schema(production=False)


def rules_of_a_request() -> tuple[type, ...]:
    added = [e() for e in limits()]
    return tuple(r for e in added if isinstance(e, AddValidationRules) for r in e.validation_rules)


def test_every_request_gets_the_same_rule_classes() -> None:
    first, second = rules_of_a_request(), rules_of_a_request()

    assert len(first) == 3  # depth, aliases, connection cost
    assert first == second
    assert all(a is b for a, b in zip(first, second, strict=True))


def test_a_document_is_parsed_once_and_validated_once() -> None:
    document = "query ParsedOnce { projectionStatus { position } }"
    validations: Any = _get_validate_cache(KEPT_DOCUMENTS)  # functools' lru_cache
    asyncio.run(schema.execute(document))
    before = validations.cache_info()

    asyncio.run(schema.execute(document))
    after = validations.cache_info()

    assert parsed(document) is parsed(document)
    assert after.hits == before.hits + 1
    assert after.misses == before.misses


def test_a_refused_document_is_refused_every_time_it_is_asked() -> None:
    fields = [f"f{n}" for n in range(MAX_DEPTH + 1)]
    too_deep = "{ diagnostics { " + " { ".join(fields) + " }" * MAX_DEPTH + " } }"

    for _ in range(3):
        result = asyncio.run(schema.execute(too_deep))
        assert result.errors
        assert any("exceeds maximum operation depth" in e.message for e in result.errors)


def test_a_document_that_does_not_parse_is_reported_by_strawberry() -> None:
    result = asyncio.run(schema.execute("query {"))

    assert parsed("query {") is None
    assert result.errors
    assert "Syntax Error" in result.errors[0].message


@given(outer=st.integers(1, 100), inner=st.integers(1, 100))
def test_a_page_inside_a_page_costs_their_product(outer: int, inner: int) -> None:
    document = (
        f"{{ a(first: {outer}) {{ edges {{ node {{ b(last: {inner}) {{ totalCount }} }} }} }} }}"
    )
    found = parsed(document)
    assert found is not None

    cost = operation_cost(found.definitions[0], found)  # type: ignore[arg-type]

    assert cost == 1 + min(outer + outer * inner, MAX_COST)


def test_the_cost_is_the_operation_that_runs_and_lists_without_a_page_count_the_default() -> None:
    document = "query Read { companies { totalCount } } query Other { a(first: 100) { edges } }"

    assert analyse(document, "Read").cost == 1 + DEFAULT_PAGE
    assert analyse(document, "Other").cost == 1 + 100
    assert analyse("{ projectionStatus { position } }", None).cost == 1
    # Validation refuses a dearer document: it costs no more than the limit.
    assert analyse("{ companies(first: 2147483648) { totalCount } }", None).cost == 1 + MAX_COST
