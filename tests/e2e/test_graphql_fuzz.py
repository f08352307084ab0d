"""The served schema, fuzzed: every query and every mutation, with arguments hypothesis-graphql
draws from the schema (valid ones, and ones with a single violation each), sent over real HTTP
to `osezia serve` with real access tokens, over a small demo history in PostgreSQL. Whatever a
client sends, the answer is never a 5xx and never carries INTERNAL_ERROR.

`make test` runs a few hundred cases; OSEZIA_FUZZ_EXAMPLES sets how many in all, e.g.
`OSEZIA_FUZZ_EXAMPLES=5000 .venv/bin/pytest tests/e2e/test_graphql_fuzz.py`.
"""

from __future__ import annotations

import math
import os
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import graphql
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, mutations, nodes, queries

from osezia.graphql.schema import schema as local_schema
from osezia.store.settings import Database
from osezia.tenants.clients.application import Clients
from tests.e2e.conftest import OSEZIA, command_env

EXAMPLES = int(os.environ.get("OSEZIA_FUZZ_EXAMPLES", "300"))
# The root fields as this code defines them; the first test checks the server serves these.
_DEFINED = graphql.build_schema(str(local_schema))
QUERIES = sorted(_DEFINED.query_type.fields) if _DEFINED.query_type else []
MUTATIONS = sorted(_DEFINED.mutation_type.fields) if _DEFINED.mutation_type else []
ROOT_FIELDS = [("query", name) for name in QUERIES] + [("mutation", name) for name in MUTATIONS]
# Half the cases are valid operations, a few for each root field; the other half break one
# rule each (a missing or null required argument, a wrong type, an Int out of range, an unknown
# enum value, a missing input field), anywhere in queries, then in mutations.
PER_ROOT_FIELD = math.ceil(EXAMPLES / 2 / len(ROOT_FIELDS))
PER_KIND_BROKEN = math.ceil(EXAMPLES / 4)
CALLERS = [("operator", "admin"), ("bpifrance", "manager"), ("cci", "officer")]
TOKEN_LIFETIME = 600  # seconds before a fresh token is asked for (they live 900)


@dataclass
class Caller:
    """A machine client of a network, with an access token renewed before it expires."""

    api: str
    client_id: str
    secret: str
    token: str = ""
    issued: float = field(default=-math.inf)

    def authorization(self) -> dict[str, str]:
        if time.monotonic() - self.issued > TOKEN_LIFETIME:
            response = httpx.post(
                f"{self.api}/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.secret),
                timeout=10,
            )
            assert response.status_code == 200, response.text
            self.token, self.issued = response.json()["access_token"], time.monotonic()
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class Run:
    """What the fuzz sent, and how the server answered it: printed at the end (pytest -s)."""

    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)

    def record(self, body: dict[str, Any]) -> None:
        self.cases += 1
        errors = body.get("errors") or []
        codes = {e.get("extensions", {}).get("code") or "VALIDATION" for e in errors}
        if body.get("data"):
            codes |= {
                value["code"] if isinstance(value, dict) and "code" in value else "DATA"
                for value in body["data"].values()
            }
        self.outcomes.update(codes)


RUN = Run()


@pytest.fixture(scope="module", autouse=True)
def summary() -> Iterator[None]:
    yield
    print(f"\nfuzz: {RUN.cases} cases; answers: {dict(RUN.outcomes.most_common())}")


@pytest.fixture(scope="module")
def history(server: str, database_url: str) -> str:
    """A small demo history of the whole plan, in every network's read models."""
    env = command_env(DATABASE_URL=database_url)
    subprocess.run([*OSEZIA, "demo", "--companies", "40"], env=env, check=True, capture_output=True)
    return server


@pytest.fixture(scope="module")
def callers(history: str, database_url: str) -> list[Caller]:
    with Clients(env=Database.from_url(database_url).eventsourcing_env(pool_size=1)) as clients:
        made = []
        for tenant, role in CALLERS:
            client_id, secret = clients.create_client(tenant, role=role, name="fuzz")
            assert secret is not None
            made.append(Caller(history, client_id, secret))
    return made


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def served(history: str, callers: list[Caller], http: httpx.Client) -> graphql.GraphQLSchema:
    """The schema as the server describes it, once its read models hold the demo history."""
    operator = callers[0]
    deadline = time.monotonic() + 60
    while (
        not (answer(http, history, operator, "{ companies { totalCount } }")["data"] or {})
        .get("companies", {})
        .get("totalCount")
    ):
        assert time.monotonic() < deadline, "the demo history never reached the read models"
        time.sleep(0.2)
    introspection = answer(http, history, operator, graphql.get_introspection_query())
    return graphql.build_client_schema(introspection["data"])


@pytest.fixture(scope="module")
def ids(
    served: graphql.GraphQLSchema, history: str, callers: list[Caller], http: httpx.Client
) -> list[str]:
    """Ids of records of the demo history, from every list the operator can read."""
    found: list[str] = []
    assert served.query_type is not None
    for name, root in served.query_type.fields.items():
        if any(graphql.is_required_argument(a) for a in root.args.values()):
            continue
        connection = graphql.get_named_type(root.type)
        if (
            not isinstance(connection, graphql.GraphQLObjectType)
            or "edges" not in connection.fields
        ):
            continue
        edge = graphql.get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, graphql.GraphQLObjectType)
        node = graphql.get_named_type(edge.fields["node"].type)
        if not isinstance(node, graphql.GraphQLObjectType) or "id" not in node.fields:
            continue
        answered = answer(
            http, history, callers[0], f"{{ {name} {{ edges {{ node {{ id }} }} }} }}"
        )
        if answered.get("data"):
            found += [edge["node"]["id"] for edge in answered["data"][name]["edges"]]
    assert found
    return found


def answer(http: httpx.Client, api: str, caller: Caller, document: str) -> dict[str, Any]:
    response = http.post(f"{api}/graphql", json={"query": document}, headers=caller.authorization())
    assert response.status_code < 500, f"{response.status_code} for\n{document}\n{response.text}"
    body: dict[str, Any] = response.json()
    return body


# --- values for our scalars, mostly valid, sometimes not -----------------------------------

TEXT = st.text(max_size=12)
DIGITS_ELSEWHERE = st.sampled_from(["١٢", "１２", "1_000", "1e400", "NaN", "Infinity", "-0", " 12"])


def dates() -> st.SearchStrategy[graphql.ValueNode]:
    valid = st.dates(date(2020, 1, 1), date(2031, 12, 31)).map(date.isoformat)
    invalid = st.sampled_from(["2026-02-30", "2026-13-01", "0000-01-01", "٢٠٢٦-٠١-٠١", "today"])
    return st.one_of(valid, valid, valid, invalid, TEXT, DIGITS_ELSEWHERE).map(nodes.String)


def datetimes() -> st.SearchStrategy[graphql.ValueNode]:
    valid = st.datetimes(datetime(2020, 1, 1), datetime(2031, 12, 31), timezones=st.just(UTC))
    return st.one_of(valid.map(datetime.isoformat), TEXT, DIGITS_ELSEWHERE).map(nodes.String)


def cents() -> st.SearchStrategy[graphql.ValueNode]:
    return st.one_of(
        st.integers(0, 10**9).map(nodes.Int),
        st.integers(0, 10**9).map(nodes.Int),
        st.integers(-(10**20), 10**20).map(nodes.Int),
        st.floats(allow_nan=False, allow_infinity=False).map(nodes.Float),
        st.one_of(st.integers(0, 10**6).map(str), DIGITS_ELSEWHERE).map(nodes.String),
    )


def identifiers(known: list[str]) -> st.SearchStrategy[graphql.ValueNode]:
    return st.one_of(st.sampled_from(known), st.sampled_from(known), st.uuids().map(str), TEXT).map(
        nodes.String
    )


# --- the fuzz ------------------------------------------------------------------------------


def test_the_fuzz_covers_every_root_field_the_server_serves(served: graphql.GraphQLSchema) -> None:
    assert served.query_type is not None
    assert served.mutation_type is not None
    assert sorted(served.query_type.fields) == QUERIES
    assert sorted(served.mutation_type.fields) == MUTATIONS


@pytest.mark.parametrize(("kind", "name"), ROOT_FIELDS, ids=[f"{k}-{n}" for k, n in ROOT_FIELDS])
def test_no_valid_operation_is_answered_with_a_server_error(
    served: graphql.GraphQLSchema,
    ids: list[str],
    callers: list[Caller],
    http: httpx.Client,
    history: str,
    kind: str,
    name: str,
) -> None:
    operations = queries if kind == "query" else mutations
    documents = operations(served, fields=[name], custom_scalars=scalars(ids))

    fuzz(documents, PER_ROOT_FIELD, callers, http, history)


@pytest.mark.parametrize("kind", ["query", "mutation"])
def test_no_operation_breaking_a_rule_is_answered_with_a_server_error(
    served: graphql.GraphQLSchema,
    ids: list[str],
    callers: list[Caller],
    http: httpx.Client,
    history: str,
    kind: str,
) -> None:
    operations = queries if kind == "query" else mutations
    documents = operations(served, custom_scalars=scalars(ids), mode=Mode.NEGATIVE)

    fuzz(documents, PER_KIND_BROKEN, callers, http, history)


def scalars(ids: list[str]) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    return {"Date": dates(), "DateTime": datetimes(), "Cents": cents(), "ID": identifiers(ids)}


def fuzz(
    documents: st.SearchStrategy[str],
    examples: int,
    callers: list[Caller],
    http: httpx.Client,
    api: str,
) -> None:
    """Send up to `examples` documents, each as one of the callers; fail on a 5xx (in answer)
    or an INTERNAL_ERROR."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(document=documents, caller=st.sampled_from(callers))
    def send(document: str, caller: Caller) -> None:
        body = answer(http, api, caller, document)
        RUN.record(body)
        errors = body.get("errors") or []
        internal = [e for e in errors if e.get("extensions", {}).get("code") == "INTERNAL_ERROR"]
        assert not internal, f"{internal} for\n{document}"

    send()
