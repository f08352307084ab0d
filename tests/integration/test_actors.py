"""Every event appended to the log records who decided it and through which network, and
nothing that reads the log back (aggregates, projections) is changed by it."""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
from datetime import date
from typing import Any
from uuid import UUID

import orjson
import psycopg
import pytest

from osezia.demo import build_demo
from osezia.domain import actors
from osezia.domain.actors import META, Actor, NoActor, acting
from osezia.domain.application import CommandReceipt, PlatformApplication
from osezia.domain.budget.model import Envelope
from osezia.domain.decisions import decisions_of
from osezia.domain.platform import Platform
from osezia.graphql.commands import actor_of
from osezia.graphql.principal import Principal
from osezia.graphql.schema import Mutation, schema
from osezia.projections.connections import create_pool
from osezia.store.bulk import append_events
from osezia.tenants.application import Tenants
from osezia.tenants.clients.application import Clients
from tests.conftest import truncate_history
from tests.integration.api_support import OUTCOME, context
from tests.integration.projection_support import build_all, snapshot, viewers_of

DAY = date(2026, 1, 5)


def stored_meta(database_url: str) -> list[tuple[str, dict[str, Any] | None]]:
    """Each event's topic and reserved key, in log order, as PostgreSQL holds them."""
    with psycopg.connect(database_url) as conn:
        rows = conn.execute("SELECT topic, state FROM osezia_events ORDER BY notification_id")
        return [(topic, orjson.loads(state).get(META)) for topic, state in rows]


def applications(platform: Platform, tenants: Tenants, store_env: dict[str, str]) -> dict[str, Any]:
    apps: dict[str, Any] = {
        name: app for name, app in vars(platform).items() if isinstance(app, PlatformApplication)
    }
    apps["tenants"] = tenants
    apps["clients"] = Clients(env=store_env, share_with=platform.companies)
    return apps


def test_every_application_records_the_actor_of_what_it_saves(
    database_url: str, platform: Platform, tenants: Tenants, store_env: dict[str, str]
) -> None:
    apps = applications(platform, tenants, store_env)
    before = len(stored_meta(database_url))

    for name, app in apps.items():
        with acting(Actor(f"client-{name}", "cci", "client")):
            app.save(CommandReceipt("cci", f"key-{name}", "test", "print", None))

    saved = stored_meta(database_url)[before:]
    assert len(apps) > 12
    assert [meta for _, meta in saved] == [
        {"actor": f"client-{name}", "via": "cci", "kind": "client"} for name in apps
    ]


def test_an_event_appended_with_no_actor_is_refused_and_nothing_is_appended(
    database_url: str, platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(actors, "_process", [])  # this process's test actor, set aside
    before = stored_meta(database_url)

    with pytest.raises(NoActor):
        platform.budget.open_budget("operator")

    assert stored_meta(database_url) == before
    with acting(Actor("cli-operator", "operator", "client")):
        platform.budget.open_budget("operator")
    assert stored_meta(database_url)[-1][1] == {
        "actor": "cli-operator",
        "via": "operator",
        "kind": "client",
    }


def test_events_read_back_carry_no_actor_and_rebuild_the_aggregate(
    platform: Platform,
) -> None:
    with acting(Actor("sub-1", "operator", "person")):
        budget_id = platform.budget.open_budget("operator")
    with acting(Actor("sub-2", "bpifrance", "person")):
        platform.budget.commit_funds(
            "bpifrance", measure="CALLS", amount_cents=7, reference="C-1", on=DAY
        )

    events = list(platform.budget.events.get(budget_id))
    envelope = platform.budget.envelope()

    assert [META in vars(e) for e in events] == [False, False]
    assert not hasattr(envelope, META)
    assert envelope.committed[envelope.commitments["C-1"].measure] == 7


def test_the_decisions_of_the_budget_name_who_opened_it_and_who_committed_its_money(
    platform: Platform,
) -> None:
    with acting(Actor("cli-op", "operator", "client")):
        budget_id = platform.budget.open_budget("operator")
    with acting(Actor("sub-bpi", "bpifrance", "person")):
        platform.budget.commit_funds(
            "bpifrance", measure="CALLS", amount_cents=500, reference="BPI-1", on=DAY
        )

    opened, committed = decisions_of(platform.budget, budget_id)

    assert (opened.event, opened.actor) == (
        "Envelope.Opened",
        Actor("cli-op", "operator", "client"),
    )
    assert committed.event == "Envelope.FundsCommitted"
    assert committed.actor == Actor("sub-bpi", "bpifrance", "person")
    assert committed.details == {
        "measure": "CALLS",
        "amount_cents": 500,
        "reference": "BPI-1",
        "on": DAY,
    }
    assert decisions_of(platform.budget, UUID(int=1)) == []


def test_a_decision_recorded_before_actors_were_is_listed_without_one(
    database_url: str, platform: Platform
) -> None:
    with acting(Actor("cli-op", "operator", "client")):
        platform.budget.open_budget("operator")
    (opened,) = platform.budget.recorder.select_events(Envelope.create_id())
    older = dataclasses.replace(
        opened, originator_id=UUID(int=7), state=_without_meta(opened.state)
    )
    with psycopg.connect(database_url, autocommit=True) as conn:
        append_events(conn, [older])

    (decision,) = decisions_of(platform.budget, UUID(int=7))

    assert decision.event == "Envelope.Opened"
    assert (decision.actor, decision.via) == (None, None)
    assert decision.details == decisions_of(platform.budget, Envelope.create_id())[0].details


def test_a_mutation_records_its_verified_caller_and_network(
    database_url: str, platform: Platform, tenants: Tenants
) -> None:
    callers = [
        Principal("operator", "admin", frozenset({"admin"}), "cli-9", client_id="cli-9"),
        Principal("operator", "admin", frozenset({"admin"}), "idp|42"),
    ]

    async def mutate(principal: Principal, document: str) -> dict[str, Any]:
        pool = await create_pool(database_url, max_size=2)
        try:
            request = dataclasses.replace(
                context(platform, pool, principal.tenant), principal=principal
            )
            result = await schema.execute(document, context_value=request)
        finally:
            await pool.close()
        assert result.errors is None, result.errors
        assert result.data is not None
        return dict(result.data)

    asyncio.run(mutate(callers[0], f"mutation {{ openBudget {OUTCOME} }}"))
    asyncio.run(
        mutate(
            callers[1],
            "mutation { authoriseOverrun(measure: CALLS, amountCents: 1, "
            f'decisionReference: "Arrêté 3", on: "2026-01-05") {OUTCOME} }}',
        )
    )

    opened, authorised = decisions_of(platform.budget, Envelope.create_id())
    assert opened.actor == Actor("cli-9", "operator", "client")
    assert authorised.actor == Actor("idp|42", "operator", "person")


def test_the_actor_of_a_caller_is_its_client_its_subject_or_its_development_tenant() -> None:
    scopes = frozenset({"read"})

    client = actor_of(Principal("cci", "officer", scopes, "cli-1", client_id="cli-1"))
    person = actor_of(Principal("inria", "analyst", scopes, "5f1c-user"))
    developer = actor_of(Principal("cci", "admin", scopes, "x-osezia-tenant:cci"))

    assert client == Actor("cli-1", "cci", "client")
    assert person == Actor("5f1c-user", "inria", "person")
    assert developer == Actor("dev:cci", "cci", "developer")


def test_every_mutation_runs_its_command_through_run_command() -> None:
    # run_command is the one place that sets the API's actor (tested above): a mutation that
    # appended otherwise would be refused at run time for want of one.
    fields = Mutation.__strawberry_definition__.fields  # type: ignore[attr-defined]
    resolvers = {f.python_name: f.base_resolver.wrapped_func for f in fields}

    bypassing = [
        name for name, f in resolvers.items() if "run_command(" not in inspect.getsource(f)
    ]

    assert len(resolvers) > 50
    assert bypassing == []


def test_read_models_are_the_same_whether_or_not_events_record_an_actor(
    database_url: str, store_env: dict[str, str]
) -> None:
    history = build_demo(companies=40)
    assert all(orjson.loads(e.state)[META]["actor"] == "demo" for e in history.events)
    with_actors = _projected(database_url, store_env, history.events)

    stripped = [dataclasses.replace(e, state=_without_meta(e.state)) for e in history.events]
    without = _projected(database_url, store_env, stripped)

    assert with_actors.keys() == without.keys()
    assert sum(len(rows) for rows in with_actors["platform"].values()) > 100
    for target, tables in with_actors.items():
        assert tables == without[target], target


def _projected(
    database_url: str, store_env: dict[str, str], events: list[Any]
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every target's read models, rebuilt from the plan's tenants and these events alone."""
    truncate_history(database_url)
    tenants = Tenants(env=store_env)
    try:
        tenants.seed_defaults()
        with psycopg.connect(database_url, autocommit=True) as conn:
            append_events(conn, events)
        viewers = viewers_of(tenants)
    finally:
        tenants.close()
    asyncio.run(build_all(database_url, viewers))
    return {v.slug: asyncio.run(snapshot(database_url, v.slug)) for v in viewers}


def _without_meta(state: bytes) -> bytes:
    data = orjson.loads(state)
    del data[META]
    return orjson.dumps(data)
