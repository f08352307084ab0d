"""Compiled completion (graphql/execution.py) answers exactly as graphql-core's own: for random
selection sets over every list and record the API serves (aliases, inline and named fragments,
`@include`/`@skip`, `__typename`, nested objects, nulls), the data and the errors are the same
both ways, for every network, over the demo's plan."""

from __future__ import annotations

import asyncio
import itertools
import os
from typing import Any

from graphql import (
    GraphQLObjectType,
    GraphQLOutputType,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    is_non_null_type,
    is_object_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.types import ExecutionResult

from osezia.domain.platform import Platform
from osezia.graphql.execution import CompilingExecutor
from osezia.graphql.schema import build_schema
from osezia.projections.connections import create_pool
from osezia.tenants.profiles import DEFAULT_TENANTS
from tests.integration.api_support import context

EXAMPLES = int(os.environ.get("OSEZIA_COMPILED_EXAMPLES", "40"))

PLAIN = build_schema(production=False, executor=None)
COMPILED = build_schema(production=False)


def _query_type() -> GraphQLObjectType:
    query = COMPILED._schema.query_type
    assert query is not None
    return query


QUERY = _query_type()

# The bench's two documents (bench/graphql/compare.py).
DASHBOARD = "query Dashboard { companyFigures { region segment adoptionStage companies } }"
PAGE = (
    "query Page { companies(first: 50) { totalCount edges { node { siren legalName region "
    "departement naf segment adoptionStage sizeCategory } } } }"
)


# Root fields that need no argument: every list, connection and figure a network reads.
ROOTS = sorted(
    name
    for name, field in QUERY.fields.items()
    if not any(is_non_null_type(a.type) for a in field.args.values())
    and not is_leaf_type(get_named_type(field.type))
)


class Document:
    """A query being drawn: its fragments and the variables its directives use."""

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.variables: set[str] = set()
        self.names = itertools.count()

    def alias(self) -> str:
        return f"a{next(self.names)}"

    def directive(self, draw: st.DrawFn) -> str:
        """Nothing mostly, else a directive keeping or dropping what it is on."""
        kind, variable = draw(
            st.sampled_from(
                [
                    ("", ""),
                    ("", ""),
                    ("", ""),
                    ("include", "yes"),
                    ("skip", "no"),
                    ("include", "no"),
                    ("skip", "yes"),
                ]
            )
        )
        if not kind:
            return ""
        self.variables.add(variable)
        return f" @{kind}(if: ${variable})"

    def text(self, root: str) -> str:
        defaults = {"yes": "true", "no": "false"}
        declared = ", ".join(f"${v}: Boolean = {defaults[v]}" for v in sorted(self.variables))
        head = f"query Q({declared})" if declared else "query Q"
        return f"{head} {{ {root} }}\n" + "\n".join(self.fragments)


@st.composite
def selection(draw: st.DrawFn, type_: GraphQLOutputType, doc: Document, depth: int) -> str:
    """A selection set over `type_`: some of its fields (those needing no argument), aliased
    or not, under a directive or not, some in an inline or a named fragment, objects nested."""
    named = get_named_type(type_)
    if is_abstract_type(named) or depth == 0:
        return "{ __typename }"
    assert isinstance(named, GraphQLObjectType)
    names = sorted(
        n
        for n, f in named.fields.items()
        if not any(is_non_null_type(a.type) for a in f.args.values())
    )
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=6))
    if draw(st.booleans()):
        chosen.append("__typename")
    parts = []
    for name in chosen:
        part = (f"{doc.alias()}: " if draw(st.booleans()) else "") + name + doc.directive(draw)
        if name != "__typename" and not is_leaf_type(get_named_type(named.fields[name].type)):
            part += " " + draw(selection(named.fields[name].type, doc, depth - 1))
        how = draw(st.sampled_from(["bare", "bare", "inline", "named", "directed"]))
        if how == "inline":
            part = f"... on {named.name} {{ {part} }}"
        elif how == "named":
            fragment = f"F{next(doc.names)}"
            doc.fragments.append(f"fragment {fragment} on {named.name} {{ {part} }}")
            part = f"...{fragment}"
        elif how == "directed":
            part = f"...{doc.directive(draw) or ' @include(if: true)'} {{ {part} }}"
        parts.append(part)
    return "{ " + " ".join(parts) + " }"


@st.composite
def documents(draw: st.DrawFn) -> str:
    doc = Document()
    root = draw(st.sampled_from(ROOTS))
    selected = draw(selection(QUERY.fields[root].type, doc, 3))
    return doc.text(f"{root} {selected}")


def shape(result: ExecutionResult) -> tuple[Any, list[tuple[str, Any]]]:
    return result.data, [(e.message, e.path) for e in result.errors or []]


def test_random_selections_answer_alike_compiled_or_not(demo: Platform, database_url: str) -> None:
    loop = asyncio.new_event_loop()
    pool = loop.run_until_complete(create_pool(database_url, max_size=2))

    def both(tenant: str, document: str) -> tuple[ExecutionResult, ExecutionResult]:
        async def run() -> tuple[ExecutionResult, ExecutionResult]:
            plain = await PLAIN.execute(document, context_value=context(demo, pool, tenant))
            compiled = await COMPILED.execute(document, context_value=context(demo, pool, tenant))
            return plain, compiled

        return loop.run_until_complete(run())

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(document=documents())
    def check(document: str) -> None:
        for tenant in DEFAULT_TENANTS:
            plain, compiled = both(tenant, document)
            assert not any("Syntax" in e.message for e in plain.errors or []), document
            assert shape(compiled) == shape(plain), (tenant, document)

    try:
        # The bench's documents, with data: the lists they read are not empty.
        for document in (DASHBOARD, PAGE):
            plain, compiled = both("cci", document)
            assert plain.errors is None, plain.errors
            assert plain.data
            assert shape(compiled) == shape(plain)
        check()
    finally:
        loop.run_until_complete(pool.close())
        loop.close()


def test_the_bench_documents_are_compiled_whole(demo: Platform, database_url: str) -> None:
    """The compiled completion is not merely equal because it always gave up: the bench's two
    documents are completed by it from their root field down."""
    compiled: list[tuple[str, str]] = []

    class Recording(CompilingExecutor):
        def _compile(self, type_: GraphQLOutputType, fields: Any) -> Any:
            complete = super()._compile(type_, fields)
            compiled.append((str(type_), fields[0].node.name.value))
            return complete

    schema = build_schema(production=False, executor=Recording)

    async def run(document: str) -> ExecutionResult:
        pool = await create_pool(database_url, max_size=2)
        try:
            return await schema.execute(document, context_value=context(demo, pool, "cci"))
        finally:
            await pool.close()

    for document, root in ((DASHBOARD, "companyFigures"), (PAGE, "companies")):
        compiled.clear()
        result = asyncio.run(run(document))
        assert result.errors is None
        assert (str(QUERY.fields[root].type), root) in compiled, compiled
        assert is_object_type(get_named_type(QUERY.fields[root].type))
