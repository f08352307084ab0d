"""Pages written by PostgreSQL as JSON (graphql/prebuilt.py) answer exactly as the plain
execution: for random selection sets over the companies' connection and the dashboard's
figures (aliases, inline and named fragments, `@include`/`@skip`, `__typename`, cursors, page
info, fields it cannot compile) and random pages (forward, backward, filtered, as of a day),
the JSON of the data and the errors are the same both ways, for every network, over the demo's
plan."""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

import orjson
import psycopg
import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.types import ExecutionResult

from osezia.domain.platform import Platform
from osezia.graphql.context import Context
from osezia.graphql.prebuilt import plan_for
from osezia.graphql.schema import build_schema
from osezia.projections.connections import create_pool
from osezia.projections.figures import COMPANY_COUNT_COLUMNS
from osezia.projections.names import stable_schema
from osezia.tenants.profiles import DEFAULT_TENANTS
from tests.integration.api_support import context
from tests.integration.test_compiled_execution import Document, selection

_ERROR_ID = re.compile(r"\(id [0-9a-f]+\)")
EXAMPLES = int(os.environ.get("OSEZIA_PREBUILT_EXAMPLES", "40"))

SCHEMA = build_schema(production=False)
PAGE = (
    "query Page { companies(first: 50) { totalCount edges { node { siren legalName region "
    "departement naf segment adoptionStage sizeCategory } } } }"
)
DASHBOARD = "query Dashboard { companyFigures { region segment adoptionStage companies } }"


def _root_type(name: str) -> GraphQLObjectType:
    query = SCHEMA._schema.query_type
    assert query is not None
    named = get_named_type(query.fields[name].type)
    assert isinstance(named, GraphQLObjectType)
    return named


CONNECTION = _root_type("companies")
FIGURE = _root_type("companyFigures")


def prebuilt(ctx: Context) -> Context:
    ctx.prebuilt = {}
    return ctx


def shape(result: ExecutionResult) -> tuple[Any, list[tuple[str, Any]]]:
    """The data as the answer's JSON reads it, and the errors (an unexpected one's id, drawn
    for each, left out)."""
    data = orjson.loads(orjson.dumps(result.data))
    return data, [(_ERROR_ID.sub("(id)", e.message), e.path) for e in result.errors or []]


def fragments(value: Any) -> int:
    """How many values of the data are JSON written by PostgreSQL."""
    if isinstance(value, orjson.Fragment):
        return 1
    if isinstance(value, dict):
        return sum(fragments(v) for v in value.values())
    if isinstance(value, list):
        return sum(fragments(v) for v in value)
    return 0


@st.composite
def arguments(draw: st.DrawFn) -> str:
    """A page: forward or backward, of any size, narrowed or not, from a cursor or not (one
    taken from a first answer: ``$cursor``)."""
    parts = []
    if draw(st.booleans()):
        parts.append(f"first: {draw(st.integers(1, 8))}")
        if draw(st.booleans()):
            parts.append("after: $cursor")
    elif draw(st.booleans()):
        parts.append(f"last: {draw(st.integers(1, 8))}")
        if draw(st.booleans()):
            parts.append("before: $cursor")
    narrowing = draw(
        st.sampled_from(
            ["", "", "segment: PME", 'nameStartsWith: "a"', "adoptionStage: NONE", 'region: "84"']
        )
    )
    if narrowing:
        parts.append(narrowing)
    return f"({', '.join(parts)})" if parts else ""


@st.composite
def documents(draw: st.DrawFn) -> str:
    doc = Document()
    if draw(st.booleans()):
        as_of = draw(st.sampled_from(["", "", '(asOf: "2026-01-15")']))
        return doc.text(f"companyFigures{as_of} {draw(selection(FIGURE, doc, 1))}")
    selected = draw(selection(CONNECTION, doc, 3))
    text = doc.text(f"companies{draw(arguments())} {selected}")
    if "$cursor" in text:
        head, _, rest = text.partition("{")
        if head.strip() == "query Q":
            head = "query Q($cursor: String) "
        else:
            head = head.replace("query Q(", "query Q($cursor: String, ")
        text = head + "{" + rest
    return text


class Both:
    """A document executed the plain way and with prebuilt pages, over one pool."""

    def __init__(self, platform: Platform, database_url: str) -> None:
        self.platform = platform
        self.loop = asyncio.new_event_loop()
        self.pool = self.loop.run_until_complete(create_pool(database_url, max_size=2))

    def run(
        self, tenant: str, document: str, variables: dict[str, Any] | None = None
    ) -> tuple[ExecutionResult, ExecutionResult]:
        async def run() -> tuple[ExecutionResult, ExecutionResult]:
            plain = await SCHEMA.execute(
                document,
                variable_values=variables,
                context_value=context(self.platform, self.pool, tenant),
            )
            built = await SCHEMA.execute(
                document,
                variable_values=variables,
                context_value=prebuilt(context(self.platform, self.pool, tenant)),
            )
            return plain, built

        return self.loop.run_until_complete(run())

    def close(self) -> None:
        self.loop.run_until_complete(self.pool.close())
        self.loop.close()


@pytest.fixture
def both(demo: Platform, database_url: str) -> Any:
    runner = Both(demo, database_url)
    yield runner
    runner.close()


def test_random_selections_answer_alike_prebuilt_or_not(both: Both) -> None:
    # A cursor from the middle of each network's list, for pages that start after or end
    # before it.
    cursors = {}
    for tenant in DEFAULT_TENANTS:
        plain, _ = both.run(tenant, "{ companies(first: 7) { edges { cursor } } }")
        assert plain.data is not None
        edges = plain.data["companies"]["edges"]
        cursors[tenant] = edges[len(edges) // 2]["cursor"] if edges else None

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(document=documents())
    def check(document: str) -> None:
        for tenant in DEFAULT_TENANTS:
            variables = {"cursor": cursors[tenant]} if "$cursor" in document else None
            plain, built = both.run(tenant, document, variables)
            assert not any("Syntax" in e.message for e in plain.errors or []), document
            assert shape(built) == shape(plain), (tenant, document)

    check()


def test_the_bench_dashboard_is_written_by_postgresql(both: Both) -> None:
    """The dashboard's figures come as JSON written by PostgreSQL, one a row; as of a past
    day, the plain way; the same answers."""
    plain, built = both.run("cci", DASHBOARD)
    assert plain.errors is None
    assert plain.data
    assert plain.data["companyFigures"]
    assert fragments(built.data) == len(plain.data["companyFigures"])
    assert shape(built) == shape(plain)

    as_of = DASHBOARD.replace("companyFigures", 'companyFigures(asOf: "2026-01-15")')
    plain, built = both.run("cci", as_of)
    assert fragments(built.data) == 0
    assert shape(built) == shape(plain)


def test_the_figures_view_has_the_columns_its_list_declares(both: Both, database_url: str) -> None:
    """The JSON is written from the declared columns' types (COMPANY_COUNT_COLUMNS): they are
    the view's own, in every network's schema."""
    with psycopg.connect(database_url) as conn:
        for tenant in DEFAULT_TENANTS:
            found = conn.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = %s AND table_name = 'figures_companies' "
                "ORDER BY ordinal_position",
                (stable_schema(tenant),),
            ).fetchall()
            assert found == [(name, kind) for name, kind in COMPANY_COUNT_COLUMNS], tenant


def test_the_bench_page_is_written_by_postgresql(both: Both) -> None:
    """Not merely equal because it always ran plain: the bench's page comes as JSON written by
    PostgreSQL, one node a company; a field it cannot compile (a resolver of its own) makes
    the page plain, with the same answer."""
    plain, built = both.run("cci", PAGE)
    assert plain.errors is None
    assert built.errors is None
    assert plain.data
    assert plain.data["companies"]["edges"]
    assert fragments(built.data) == len(plain.data["companies"]["edges"])
    assert fragments(plain.data) == 0
    assert shape(built) == shape(plain)

    with_label = PAGE.replace("sizeCategory", "sizeCategory nafLabel")
    plain, built = both.run("cci", with_label)
    assert fragments(built.data) == 0
    assert shape(built) == shape(plain)


def test_a_row_the_plain_way_refuses_is_answered_the_plain_way(
    both: Both, database_url: str
) -> None:
    """A stored value the API's enum lacks: PostgreSQL writes no JSON for that row, and the
    page runs the plain way, which reports the error at its place."""
    plain, _ = both.run("cci", "{ companies(first: 3) { edges { node { siren } } } }")
    assert plain.data is not None
    siren = plain.data["companies"]["edges"][1]["node"]["siren"]
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(
            f'UPDATE "{stable_schema("cci")}".companies SET adoption_stage = %s WHERE siren = %s',
            ("NOT_A_STAGE", siren),
        )
    document = "{ companies(first: 3) { totalCount edges { node { siren adoptionStage } } } }"
    plain, built = both.run("cci", document)
    assert plain.errors, "the plain way reports the stored value"
    assert shape(built) == shape(plain)
    assert fragments(built.data) == 0


def test_every_field_of_a_company_is_prebuilt_but_those_with_resolvers(both: Both) -> None:
    """Each field of a company reads a declared column of a matching type, or is one of those
    with a resolver of their own: a new field is not left plain by mistake."""
    edge = get_named_type(CONNECTION.fields["edges"].type)
    assert isinstance(edge, GraphQLObjectType)
    node = get_named_type(edge.fields["node"].type)
    assert isinstance(node, GraphQLObjectType)
    plain_only = {"soleTrader", "nafLabel", "nafNomenclature"}
    assert plain_only < set(node.fields)
    for name, field in node.fields.items():
        assert is_leaf_type(get_named_type(field.type)), name
        document = f"{{ companies(first: 2) {{ edges {{ node {{ {name} }} }} }} }}"
        plain, built = both.run("cci", document)
        assert plain.errors is None, plain.errors
        assert shape(built) == shape(plain), name
        assert (fragments(built.data) > 0) == (name not in plain_only), name


def test_a_plan_is_compiled_once_a_document_and_again_for_other_switches(
    both: Both, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second request of a document uses the plan compiled for the first; the same
    document with another @include switch gets a plan of its own, and each answers as the
    plain way does."""
    compiled: list[str] = []

    def counting(*args: Any) -> Any:
        compiled.append("plan")
        return plan_for(*args)

    monkeypatch.setattr("osezia.graphql.execution.plan_for", counting)
    document = (
        "query Q($name: Boolean!) { companies(first: 3) "
        "{ edges { node { siren legalName @include(if: $name) } } } }"
    )
    for name, compilations in ((True, 1), (True, 1), (False, 2), (False, 2), (True, 2)):
        plain, built = both.run("cci", document, {"name": name})
        assert plain.errors is None, plain.errors
        assert shape(built) == shape(plain)
        assert fragments(built.data) == 3
        assert len(compiled) == compilations, (name, compiled)
