"""The `budget` query as of a day (Europe/Paris) and its movements a page at a time: each day's
envelope is a recount of the movements recorded by that day's end, within its ceilings."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.types import ExecutionResult

from osezia.domain.budget.model import Envelope, Measure
from osezia.domain.errors import DomainError
from osezia.domain.platform import Platform
from osezia.graphql.context import Context
from osezia.graphql.limits import MAX_COST
from osezia.graphql.schema import schema
from osezia.projections.access import as_tenant
from osezia.projections.asof import end_of, today
from osezia.projections.budget import movement_page
from osezia.projections.connections import connect, create_pool
from osezia.projections.names import stable_schema
from osezia.projections.paging import decode_cursor, encode_cursor
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, viewers_of
from tests.integration.test_progress import (
    Clock,
    clock,  # noqa: F401  (a fixture)
    profile_of,
    start_world,
    world,  # noqa: F401  (a fixture)
)

World = tuple[str, Platform, Tenants]

PARIS = ZoneInfo("Europe/Paris")
DAY0, DAY1, DAY2, DAY3 = date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)
ALLOCATIONS = {"DIAGNOSTICS": 3_000, "CALLS": 5_000}

MOVEMENT = "kind measure reference amountCents on recordedAt"
BUDGET = f"""
query ($asOf: Date) {{
  budget(asOf: $asOf) {{
    asOf totalCents overrunCents committedCents paidCents openedAt
    measures {{ measure allocatedCents overrunCents committedCents paidCents availableCents }}
    movements(first: 100) {{ totalCount edges {{ node {{ {MOVEMENT} }} }} }}
  }}
}}
"""


def execute(
    scene: World, document: str, variables: dict[str, Any] | None = None, tenant: str = "inria"
) -> ExecutionResult:
    """The document as one network's analyst (read scope only), on the read models as built."""
    database_url, platform, tenants = scene

    async def run() -> ExecutionResult:
        pool = await create_pool(database_url, max_size=2)
        try:
            context = Context(
                tenant=tenant,
                platform=platform,
                pool=pool,
                role="analyst",
                scopes=frozenset({"read"}),
                profile=profile_of(tenants, tenant),
            )
            return await schema.execute(document, variable_values=variables, context_value=context)
        finally:
            await pool.close()

    return asyncio.run(run())


def data(scene: World, document: str, variables: dict[str, Any] | None = None) -> Any:
    result = execute(scene, document, variables)
    assert result.errors is None, result.errors
    assert result.data is not None
    return result.data


def code_of(result: ExecutionResult) -> str:
    assert result.errors, result.data
    code: str = (result.errors[0].extensions or {})["code"]
    return code


def budget_as_of(scene: World, day: date | None) -> Any:
    return data(scene, BUDGET, {"asOf": None if day is None else day.isoformat()})["budget"]


def build(scene: World) -> None:
    database_url, _, tenants = scene
    asyncio.run(build_all(database_url, viewers_of(tenants)))


def recount(movements: list[dict[str, Any]], day: date) -> dict[str, Any]:
    """The envelope's totals summed again from the movements recorded by the end of ``day``."""
    cutoff = end_of(day)
    kept = [m for m in movements if datetime.fromisoformat(m["recordedAt"]) < cutoff]
    sums: dict[tuple[str, str], int] = defaultdict(int)
    for m in kept:
        sums[m["measure"], m["kind"]] += m["amountCents"]

    def total(kind: str) -> int:
        return sum(v for (_, k), v in sums.items() if k == kind)

    return {
        "overrunCents": total("OVERRUN"),
        "committedCents": total("COMMITMENT"),
        "paidCents": total("PAYMENT"),
        "measures": {
            measure: (
                sums[measure, "OVERRUN"],
                sums[measure, "COMMITMENT"],
                sums[measure, "PAYMENT"],
            )
            for measure in Measure
        },
        "movements": kept,
    }


def answered(budget: dict[str, Any]) -> dict[str, Any]:
    """The same shape, from an answer of the `budget` query."""
    return {
        "overrunCents": budget["overrunCents"],
        "committedCents": budget["committedCents"],
        "paidCents": budget["paidCents"],
        "measures": {
            m["measure"]: (m["overrunCents"], m["committedCents"], m["paidCents"])
            for m in budget["measures"]
        },
        "movements": [e["node"] for e in budget["movements"]["edges"]],
    }


def a_history(platform: Platform, timer: Clock) -> None:
    """Commitments, payments and an overrun over three days. Times are UTC: Paris is an hour
    ahead, so what is recorded at 23:30 UTC on DAY1 counts for DAY2 in France."""
    b = platform.budget
    timer.on(DAY1, 9)
    b.open_budget("operator", total_cents=10_000, allocations=ALLOCATIONS)
    timer.on(DAY1, 11)
    b.commit_funds("bpifrance", measure="DIAGNOSTICS", amount_cents=2_500, reference="C1", on=DAY1)
    timer.on(DAY1, 22, 30)  # 23:30 in Paris: still DAY1
    b.commit_funds("bpifrance", measure="CALLS", amount_cents=4_000, reference="K1", on=DAY1)
    timer.on(DAY1, 23, 30)  # 00:30 in Paris: DAY2
    b.pay_funds("bpifrance", measure="DIAGNOSTICS", reference="C1", amount_cents=1_000, on=DAY1)
    timer.on(DAY2, 10)
    b.authorise_overrun(
        "operator", measure="DIAGNOSTICS", amount_cents=1_000, decision_reference="A7", on=DAY2
    )
    timer.on(DAY2, 11)
    b.commit_funds("bpifrance", measure="DIAGNOSTICS", amount_cents=1_200, reference="C2", on=DAY2)
    timer.on(DAY3, 9)
    b.pay_funds("bpifrance", measure="CALLS", reference="K1", amount_cents=4_000, on=DAY3)
    b.pay_funds("bpifrance", measure="DIAGNOSTICS", reference="C2", amount_cents=200, on=DAY3)


def test_the_budget_as_of_each_day_is_a_recount_of_the_movements_recorded_by_its_end(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    a_history(platform, clock)
    build(world)

    days = {day: budget_as_of(world, day) for day in (DAY0, DAY1, DAY2, DAY3)}
    now = budget_as_of(world, None)

    assert days[DAY0] is None  # not open yet
    every = answered(now)["movements"]
    assert [(m["kind"], m["reference"]) for m in every] == [
        ("COMMITMENT", "C1"),
        ("COMMITMENT", "K1"),
        ("PAYMENT", "C1"),
        ("OVERRUN", "A7"),
        ("COMMITMENT", "C2"),
        ("PAYMENT", "K1"),
        ("PAYMENT", "C2"),
    ]
    for day in (DAY1, DAY2, DAY3):
        assert days[day]["asOf"] == day.isoformat()
        assert answered(days[day]) == recount(every, day), day
        assert days[day]["movements"]["totalCount"] == len(recount(every, day)["movements"])
    # Written out: DAY1 ends at 23:00 UTC, so the payment recorded at 23:30 UTC is DAY2's.
    one, two, three = days[DAY1], days[DAY2], days[DAY3]
    assert (one["committedCents"], one["paidCents"], one["overrunCents"]) == (6_500, 0, 0)
    assert (two["committedCents"], two["paidCents"], two["overrunCents"]) == (7_700, 1_000, 1_000)
    assert (three["committedCents"], three["paidCents"], three["overrunCents"]) == (
        7_700,
        5_200,
        1_000,
    )
    diagnostics_one = next(m for m in one["measures"] if m["measure"] == "DIAGNOSTICS")
    assert diagnostics_one == {
        "measure": "DIAGNOSTICS",
        "allocatedCents": 3_000,
        "overrunCents": 0,
        "committedCents": 2_500,
        "paidCents": 0,
        "availableCents": 500,
    }
    diagnostics_two = next(m for m in two["measures"] if m["measure"] == "DIAGNOSTICS")
    assert (diagnostics_two["overrunCents"], diagnostics_two["availableCents"]) == (1_000, 300)
    # The last day over, the envelope as it stands, and the envelope found by its id agree.
    assert now["asOf"] is None
    assert {**three, "asOf": None} == now
    node = data(
        world,
        "query ($id: ID!) { node(id: $id) { ... on Budget { asOf committedCents paidCents "
        f"overrunCents movements(first: 100) {{ edges {{ node {{ {MOVEMENT} }} }} }} }} }} }}",
        {"id": data(world, "{ budget { id } }")["budget"]["id"]},
    )["node"]
    assert node == {
        "asOf": None,
        "committedCents": 7_700,
        "paidCents": 5_200,
        "overrunCents": 1_000,
        "movements": {"edges": now["movements"]["edges"]},
    }
    assert three["openedAt"] == datetime(2026, 3, 2, 9, tzinfo=UTC).isoformat()


def test_the_budget_as_of_a_day_still_to_come_is_refused_with_its_code(
    world: World,  # noqa: F811
) -> None:
    _, platform, _ = world
    platform.budget.open_budget("operator")
    build(world)

    result = execute(world, BUDGET, {"asOf": (today() + timedelta(days=1)).isoformat()})
    as_of_today = budget_as_of(world, today())

    assert code_of(result) == "INVALID_DATE"
    assert as_of_today["asOf"] == today().isoformat()  # today so far is answered
    assert as_of_today["totalCents"] == 20_000_000_000


def test_the_budget_is_null_as_of_the_day_before_it_was_opened(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    clock.on(DAY1, 22, 59)  # 23:59 in Paris
    platform.budget.open_budget("operator")
    build(world)

    assert budget_as_of(world, DAY0) is None
    assert budget_as_of(world, DAY1)["totalCents"] == 20_000_000_000


PAGE = """
query ($asOf: Date, $measure: Measure, $kind: MovementKind, $first: Int!, $after: String) {
  budget(asOf: $asOf) {
    movements(measure: $measure, kind: $kind, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { kind measure reference } }
    }
  }
}
"""


def pages(scene: World, first: int, **filters: Any) -> tuple[list[tuple[str, ...]], list[int]]:
    """Every page of the movements in turn: the movements, and each page's totalCount."""
    found: list[tuple[str, ...]] = []
    totals: list[int] = []
    after = None
    while True:
        variables = {"first": first, "after": after, **filters}
        page = data(scene, PAGE, variables)["budget"]["movements"]
        found += [(e["node"]["kind"], e["node"]["reference"]) for e in page["edges"]]
        totals.append(page["totalCount"])
        assert len(page["edges"]) <= first
        if not page["pageInfo"]["hasNextPage"]:
            return found, totals
        assert len(page["edges"]) == first
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]


def test_movements_are_paged_in_the_order_recorded_by_measure_kind_and_day(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    a_history(platform, clock)
    build(world)

    every, totals = pages(world, 3)
    calls, _ = pages(world, 1, measure="CALLS")
    payments, _ = pages(world, 2, kind="PAYMENT")
    diagnostic_payments, _ = pages(world, 100, measure="DIAGNOSTICS", kind="PAYMENT")
    by_day_one, day_totals = pages(world, 1, asOf=DAY1.isoformat())
    by_day_two, _ = pages(world, 2, asOf=DAY2.isoformat(), kind="COMMITMENT")

    assert every == [
        ("COMMITMENT", "C1"),
        ("COMMITMENT", "K1"),
        ("PAYMENT", "C1"),
        ("OVERRUN", "A7"),
        ("COMMITMENT", "C2"),
        ("PAYMENT", "K1"),
        ("PAYMENT", "C2"),
    ]
    assert totals == [7, 7, 7]
    assert calls == [("COMMITMENT", "K1"), ("PAYMENT", "K1")]
    assert payments == [("PAYMENT", "C1"), ("PAYMENT", "K1"), ("PAYMENT", "C2")]
    assert diagnostic_payments == [("PAYMENT", "C1"), ("PAYMENT", "C2")]
    assert by_day_one == [("COMMITMENT", "C1"), ("COMMITMENT", "K1")]  # not the 23:30 UTC one
    assert day_totals == [2, 2]
    assert by_day_two == [("COMMITMENT", "C1"), ("COMMITMENT", "K1"), ("COMMITMENT", "C2")]


def test_a_movement_cursor_stays_valid_across_days_and_foreign_cursors_are_refused(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    a_history(platform, clock)
    build(world)
    first = data(world, PAGE, {"first": 2, "asOf": DAY1.isoformat()})["budget"]["movements"]

    # A movement's position is its key: the cursor goes on from there as of any later day.
    later = data(world, PAGE, {"first": 2, "after": first["pageInfo"]["endCursor"]})
    assert first["pageInfo"]["hasNextPage"] is False
    nodes = [e["node"]["reference"] for e in later["budget"]["movements"]["edges"]]
    assert nodes == ["C1", "A7"]
    # Not a cursor at all, and one of the right shape naming another record.
    # And this budget's, with a position that is no whole number, or beyond every movement.
    budget_id = decode_cursor(first["pageInfo"]["endCursor"])[1]
    made_up = [encode_cursor(position, budget_id) for position in ("²", "9" * 25, "99")]
    for cursor in (
        "nope",
        "WyIxIiwiMDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAwIl0=",
        *made_up,
    ):
        refused = execute(world, PAGE, {"first": 2, "after": cursor})
        assert code_of(refused) == "INVALID_VALUE", cursor
    for wrong in ({"first": 101}, {"first": 0}, {"first": 5, "kind": "PAYMENTS"}):
        assert code_of(execute(world, PAGE, {"first": 20, **wrong})) == "INVALID_VALUE", wrong
    assert code_of(execute(world, PAGE, {"first": 5, "measure": "NOPE"})) == "INVALID_VALUE"


def test_a_page_reads_no_further_than_the_movements_the_totals_were_read_from(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    database_url, platform, _ = world
    a_history(platform, clock)
    build(world)

    async def read() -> tuple[int, list[str]]:
        conn = await connect(database_url)
        try:
            schema_name = stable_schema("inria")
            budget_id = await conn.fetchval(f'SELECT id FROM "{schema_name}".budget')
            found = await movement_page(
                conn,
                "inria",
                str(budget_id),
                recorded=4,
                cutoff=None,
                measure=None,
                kind=None,
                first=100,
                after=encode_cursor(1, budget_id),
            )
        finally:
            await conn.close()
        return found.total, [m.reference for m in found.rows]

    total, references = asyncio.run(read())

    assert (total, references) == (4, ["K1", "C1", "A7"])


def test_movement_pages_count_towards_the_query_cost_like_other_connections() -> None:
    # Validation refuses the document before any resolver runs: no database is needed.
    page = "movements(first: 100) { totalCount }"
    within = " ".join(f"b{n}: budget {{ {page} }}" for n in range(MAX_COST // 100))
    beyond = within + f" extra: budget {{ {page} }}"
    loans = " ".join(f"l{n}: loans(first: 100) {{ totalCount }}" for n in range(MAX_COST // 100))
    default = "budget { movements { edges { cursor } } }"  # a page of 20 by default

    refused = asyncio.run(schema.execute("{ " + beyond + " }"))
    accepted = asyncio.run(schema.execute("{ " + within + " }"))
    loans_only = asyncio.run(schema.execute("{ " + loans + " }"))
    with_default = asyncio.run(schema.execute("{ " + loans + " " + default + " }"))

    def costly(result: ExecutionResult) -> bool:
        return any(
            (e.extensions or {}).get("code") == "QUERY_TOO_COSTLY" for e in result.errors or []
        )

    assert costly(refused)
    assert not costly(accepted)
    assert not costly(loans_only)  # 1000 rows: at the limit
    assert costly(with_default)  # 1020 rows


# One command: what, on which measure, an amount, a pick among the commitments made, and the
# minutes since the previous command (up to a day and a half, so that days pass, some empty).
steps = st.lists(
    st.tuples(
        st.sampled_from(("commit", "commit", "pay", "overrun")),
        st.sampled_from(("DIAGNOSTICS", "CALLS", "ACADEMIE")),  # ACADEMIE is allotted nothing
        st.integers(1, 2_500),
        st.integers(0, 50),
        st.integers(0, 36 * 60),
    ),
    min_size=1,
    max_size=30,
)


def envelope_as_it_stood(platform: Platform, day: date) -> Envelope | None:
    """The domain's envelope rebuilt from its events recorded by the end of ``day`` in France."""
    app = platform.budget
    events = [cast(Aggregate.Event, e) for e in app.events.get(Envelope.create_id())]
    versions = [e.originator_version for e in events if e.timestamp.astimezone(PARIS).date() <= day]
    if not versions:
        return None
    envelope: Envelope = app.repository.get(Envelope.create_id(), version=max(versions))
    return envelope


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=steps, opening_hour=st.integers(0, 23))
def test_the_budget_as_of_any_day_is_the_envelope_as_it_stood_and_within_its_ceilings(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    history: list[tuple[str, str, int, int, int]],
    opening_hour: int,
) -> None:
    database_url, platform, tenants = world
    start_world(database_url, platform, tenants)
    clock.on(date(2026, 3, 26), opening_hour)  # clocks go forward in France on the 29th
    b = platform.budget
    b.open_budget("operator", total_cents=10_000, allocations=ALLOCATIONS)
    references: list[str] = []
    for n, (action, measure, amount, pick, minutes) in enumerate(history):
        clock.now += timedelta(minutes=minutes)
        with contextlib.suppress(DomainError):  # refused commands are part of real histories
            on = clock.now.date()
            if action == "commit":
                b.commit_funds(
                    "bpifrance", measure=measure, amount_cents=amount, reference=f"C{n}", on=on
                )
                references.append(f"C{n}")
            elif action == "pay" and references:
                reference = references[pick % len(references)]
                committed = b.envelope().commitments[reference]
                b.pay_funds(
                    "bpifrance",
                    measure=committed.measure,
                    reference=reference,
                    amount_cents=amount,
                    on=on,
                )
            elif action == "overrun":
                b.authorise_overrun(
                    "operator",
                    measure=measure,
                    amount_cents=amount,
                    decision_reference=f"D{n}",
                    on=on,
                )
    build(world)
    opened = datetime(2026, 3, 26, opening_hour, tzinfo=UTC).astimezone(PARIS).date()
    last = clock.now.astimezone(PARIS).date()
    days = [opened - timedelta(days=1) + timedelta(days=n) for n in range((last - opened).days + 2)]

    now = budget_as_of(world, None)
    every = answered(now)["movements"]
    for day in days:
        answer = budget_as_of(world, day)
        stood = envelope_as_it_stood(platform, day)
        if stood is None:
            assert answer is None, day
            continue
        measures = {m["measure"]: m for m in answer["measures"]}
        assert {
            m: (x["overrunCents"], x["committedCents"], x["paidCents"]) for m, x in measures.items()
        } == {m.value: (stood.overruns[m], stood.committed[m], stood.paid[m]) for m in Measure}, day
        assert (answer["committedCents"], answer["paidCents"], answer["overrunCents"]) == (
            stood.committed_cents,
            stood.paid_cents,
            sum(stood.overruns.values()),
        )
        assert answered(answer) == recount(every, day), day
        # The ceilings held on every day.
        for m in measures.values():
            assert m["availableCents"] >= 0
            assert m["paidCents"] <= m["committedCents"]
        assert answer["committedCents"] <= answer["totalCents"] + answer["overrunCents"]

    # The row's stored totals are the sums of its movements.

    async def stored() -> dict[str, Any]:
        pool = await create_pool(database_url, max_size=1)
        try:
            async with as_tenant(pool, "inria") as conn:
                row = await conn.fetchrow(
                    "SELECT committed_cents, paid_cents, overruns "
                    f'FROM "{stable_schema("inria")}".budget'
                )
        finally:
            await pool.close()
        assert row is not None
        return dict(row)

    row = asyncio.run(stored())
    assert (now["committedCents"], now["paidCents"]) == (row["committed_cents"], row["paid_cents"])
    assert {m["measure"]: m["overrunCents"] for m in now["measures"]} == row["overruns"]
