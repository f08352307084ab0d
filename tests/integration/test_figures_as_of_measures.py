"""Loan, acceleration, call and training figures as of a day, through the API: what had been
recorded by the end of that day in France, equal to a recount of history, the same whenever
asked; a day not over yet is refused, and a past day waits for the read models to hold the log."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from eventsourcing.domain import Aggregate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry.types import ExecutionResult

from osezia.domain.acceleration.model import Cohort
from osezia.domain.application import PlatformApplication
from osezia.domain.calls.submissions import CallApplication
from osezia.domain.errors import DomainError, InvalidDate
from osezia.domain.identifiers import complete_siren
from osezia.domain.loans.model import Loan, LoanStatus
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.graphql.context import Context
from osezia.graphql.schema import schema
from osezia.projections.access import NotYetConsistent
from osezia.projections.asof import today
from osezia.projections.connections import create_pool
from osezia.tenants.application import Tenants
from tests.integration.projection_support import build_all, catch_up_all, viewers_of
from tests.integration.test_progress import (
    REGIONAL,
    Clock,
    clock,  # noqa: F401  (a fixture)
    profile_of,
    start_world,
    world,  # noqa: F401  (a fixture)
)

PARIS = ZoneInfo("Europe/Paris")
DAY0, DAY1, DAY2, DAY3, DAY4 = (date(2026, 3, 1) + timedelta(days=n) for n in range(5))
DAYS = (DAY0, DAY1, DAY2, DAY3)
M = 1_000_000  # ten thousand euros, in cents
K = 100_000  # one thousand euros, in cents

World = tuple[str, Platform, Tenants]

LOANS = """query ($asOf: Date) { loanFigures(asOf: $asOf) { region segment status appliedDay
  grantedDay disbursedDay refusedDay loans amountCents disbursedCents } }"""
ACCELERATION = """query ($asOf: Date) { accelerationFigures(asOf: $asOf) { region admittedDay
  graduatedDay exitedDay companies } }"""
CALLS = """query ($asOf: Date) { calls { code figures(asOf: $asOf) { applications selected
  awardedCents } } }"""
TRAININGS = """query ($asOf: Date) { trainingFigures(asOf: $asOf) { audience region enrolled
  completed } }"""


# --- Asking the API, and recounting history -----------------------------------------------


def ask(
    env: World, tenant: str, document: str, days: Sequence[date | None]
) -> list[ExecutionResult]:
    """The document asked as of each day (None: asOf omitted), by an analyst of the tenant."""
    database_url, platform, tenants = env
    profile = profile_of(tenants, tenant)

    async def run() -> list[ExecutionResult]:
        pool = await create_pool(database_url, max_size=2)
        try:
            context = Context(
                tenant=tenant,
                platform=platform,
                pool=pool,
                role="analyst",
                scopes=frozenset({"read"}),
                profile=profile,
            )
            return [
                await schema.execute(
                    document,
                    variable_values={"asOf": None if day is None else day.isoformat()},
                    context_value=context,
                )
                for day in days
            ]
        finally:
            await pool.close()

    return asyncio.run(run())


def figures(env: World, tenant: str, document: str, days: Sequence[date | None]) -> list[Any]:
    """The one field each answer holds, every answer without errors."""
    found = []
    for result in ask(env, tenant, document, days):
        assert result.errors is None, result.errors
        assert result.data is not None
        (value,) = result.data.values()
        found.append(value)
    return found


def build(env: World) -> None:
    database_url, _, tenants = env
    asyncio.run(build_all(database_url, viewers_of(tenants)))


def catch_up(env: World) -> None:
    database_url, _, tenants = env
    asyncio.run(catch_up_all(database_url, viewers_of(tenants)))


def recorded_day(event: Aggregate.Event) -> date:
    return event.timestamp.astimezone(PARIS).date()


def recorded_by(app: PlatformApplication, aggregate_id: UUID, day: date) -> list[Aggregate.Event]:
    """The aggregate's events recorded by the end of ``day`` in France, in order."""
    events = [cast(Aggregate.Event, e) for e in app.events.get(aggregate_id)]
    return [e for e in events if recorded_day(e) <= day]


def iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def as_set(rows: list[dict[str, Any]]) -> Counter[tuple[tuple[str, Any], ...]]:
    return Counter(tuple(sorted(r.items())) for r in rows)


def loans_recounted(
    platform: Platform, loans: Sequence[UUID], day: date, region: str | None = None
) -> list[dict[str, Any]]:
    """Loan figures counted again from each loan's events recorded by the end of ``day``, its
    status from the domain object rebuilt from them."""
    counted: dict[tuple[Any, ...], Counter[str]] = defaultdict(Counter)
    for loan_id in loans:
        events = recorded_by(platform.loans, loan_id, day)
        if not events:
            continue
        loan: Loan = platform.loans.repository.get(loan_id, version=events[-1].originator_version)
        if region is not None and loan.region != region:
            continue
        steps = {type(e): recorded_day(e) for e in events}
        key = (
            loan.region,
            loan.segment,
            str(loan.status),
            iso(steps[Loan.Applied]),
            iso(steps.get(Loan.GuaranteeGranted)),
            iso(steps.get(Loan.Disbursed)),
            iso(steps.get(Loan.GuaranteeRefused)),
        )
        counted[key].update(
            loans=1, amountCents=loan.amount_cents, disbursedCents=loan.disbursed_cents or 0
        )
    names = ("region", "segment", "status", "appliedDay", "grantedDay", "disbursedDay")
    return [
        {**dict(zip((*names, "refusedDay"), key, strict=True)), **totals}
        for key, totals in counted.items()
    ]


def acceleration_recounted(
    platform: Platform, cohorts: Sequence[UUID], day: date, region: str | None = None
) -> list[dict[str, Any]]:
    """Each company once, by its admission running or graduated at the end of ``day`` if it
    had one, else its first, from the cohorts' events recorded by then."""
    admissions: dict[UUID, list[tuple[Any, ...]]] = defaultdict(list)
    for cohort_id in cohorts:
        steps: dict[UUID, dict[type, Any]] = defaultdict(dict)
        for e in recorded_by(platform.acceleration, cohort_id, day):
            if isinstance(e, Cohort.Admitted | Cohort.Graduated | Cohort.Exited):
                steps[e.company_id][type(e)] = e
        for company, s in steps.items():
            admitted = s[Cohort.Admitted]
            if region is not None and admitted.region != region:
                continue
            graduated, exited = s.get(Cohort.Graduated), s.get(Cohort.Exited)
            admissions[company].append(
                (
                    exited is not None,
                    admitted.timestamp,
                    admitted.region,
                    recorded_day(admitted),
                    None if graduated is None else recorded_day(graduated),
                    None if exited is None else recorded_day(exited),
                )
            )
    counted: Counter[tuple[Any, ...]] = Counter()
    for found in admissions.values():
        *_, place, admitted_day, graduated_day, exited_day = min(found)
        counted[place, iso(admitted_day), iso(graduated_day), iso(exited_day)] += 1
    names = ("region", "admittedDay", "graduatedDay", "exitedDay")
    return [{**dict(zip(names, key, strict=True)), "companies": n} for key, n in counted.items()]


def call_recounted(
    platform: Platform, applications: Sequence[UUID], day: date, region: str | None = None
) -> dict[str, int]:
    """Applications submitted, selected and amounts awarded, recorded by the end of ``day``."""
    totals = {"applications": 0, "selected": 0, "awardedCents": 0}
    for application_id in applications:
        events = recorded_by(platform.calls, application_id, day)
        if not events:
            continue
        submitted = events[0]
        assert isinstance(submitted, CallApplication.Submitted)
        if region is not None and submitted.region != region:
            continue
        totals["applications"] += 1
        totals["selected"] += any(isinstance(e, CallApplication.Selected) for e in events)
        totals["awardedCents"] += sum(
            e.amount_cents for e in events if isinstance(e, CallApplication.PhaseAwarded)
        )
    return totals


SERIAL = iter(range(20_000_000, 99_999_999))


def a_company(platform: Platform, region: str, departement: str, uta: int = 120) -> UUID:
    return platform.companies.register_company(
        "cci",
        siren=complete_siren(f"{next(SERIAL):08d}"),
        legal_name="Société",
        region=region,
        departement=departement,
        naf="62.01Z",
        size=SizeFacts(headcount_uta=Decimal(uta)),
    )


def in_rennes(platform: Platform) -> UUID:
    return a_company(platform, "53", "35")


def in_paris(platform: Platform) -> UUID:
    return a_company(platform, "11", "75", uta=3000)


def refer_to_bpifrance(platform: Platform, company: UUID) -> None:
    """CCI sends its company to Bpifrance's acceleration programme, with its consent."""
    platform.referrals.share_company(
        "cci",
        company,
        to_tenant="bpifrance",
        purpose="OTHER",
        reason="the acceleration programme",
        consent_reference=f"consent-{company}",
    )


def apply(platform: Platform, company: UUID, cents: int) -> UUID:
    return platform.loans.apply_for_loan(
        "cci", company_id=company, amount_cents=cents, term_months=84, purpose="IA", on=DAY0
    )


# --- Loans ---------------------------------------------------------------------------------


def loan_row(
    region: str,
    status: str,
    applied: date,
    granted: date | None = None,
    disbursed: date | None = None,
    refused: date | None = None,
    *,
    cents: int,
    disbursed_cents: int = 0,
    loans: int = 1,
) -> dict[str, Any]:
    return {
        "region": region,
        "segment": "PME_ETI",
        "status": status,
        "appliedDay": iso(applied),
        "grantedDay": iso(granted),
        "disbursedDay": iso(disbursed),
        "refusedDay": iso(refused),
        "loans": loans,
        "amountCents": cents,
        "disbursedCents": disbursed_cents,
    }


def test_loan_figures_as_of_each_day_give_the_status_and_amounts_of_that_day(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    clock.on(DAY1)
    rennes, paris = in_rennes(platform), in_paris(platform)
    granted = apply(platform, rennes, 30 * M)
    refused = apply(platform, paris, 20 * M)
    clock.on(DAY2)
    platform.loans.grant_guarantee("bpifrance", granted, on=DAY2)
    platform.loans.refuse_guarantee("bpifrance", refused, on=DAY2, reason="risque")
    clock.on(DAY2, hour=23, minute=30)  # 00:30 on DAY3 in Paris: a DAY3 disbursement
    platform.loans.disburse_loan("bpifrance", granted, amount_cents=29 * M, on=DAY2)
    clock.on(DAY3)
    late = apply(platform, rennes, 10 * M)
    loans = [granted, refused, late]
    build(world)

    # French Tech applied for none of them, and reads the figures of all.
    answers = figures(world, "french-tech", LOANS, [*DAYS, None])

    by_day = dict(zip([*DAYS, None], answers, strict=True))
    assert by_day[DAY0] == []
    assert by_day[DAY1] == [
        loan_row("11", "APPLIED", DAY1, cents=20 * M),
        loan_row("53", "APPLIED", DAY1, cents=30 * M),
    ]
    assert by_day[DAY2] == [
        loan_row("11", "REFUSED", DAY1, refused=DAY2, cents=20 * M),
        loan_row("53", "GRANTED", DAY1, DAY2, cents=30 * M),
    ]
    assert by_day[DAY3] == [
        loan_row("11", "REFUSED", DAY1, refused=DAY2, cents=20 * M),
        loan_row("53", "APPLIED", DAY3, cents=10 * M),
        loan_row("53", "DISBURSED", DAY1, DAY2, DAY3, cents=30 * M, disbursed_cents=29 * M),
    ]
    assert by_day[None] == by_day[DAY3]  # today: everything recorded
    for day in DAYS:
        assert as_set(by_day[day]) == as_set(loans_recounted(platform, loans, day)), day
    regional = figures(world, REGIONAL, LOANS, [DAY2])[0]
    assert regional == [loan_row("53", "GRANTED", DAY1, DAY2, cents=30 * M)]

    # History goes on: what was recorded by the end of a past day stays as it was.
    clock.on(DAY4)
    platform.loans.grant_guarantee("bpifrance", late, on=DAY4)
    catch_up(world)

    assert figures(world, "french-tech", LOANS, DAYS) == answers[: len(DAYS)]
    assert as_set(figures(world, "french-tech", LOANS, [DAY4])[0]) == as_set(
        loans_recounted(platform, loans, DAY4)
    )


def test_the_loan_figures_know_every_status_a_loan_may_have() -> None:
    # loanFigures tells the status of a past day from the days of the milestones: a new status
    # needs its day in figures_loans and its place in the query.
    assert set(LoanStatus) == {"APPLIED", "GRANTED", "REFUSED", "DISBURSED"}


# --- Acceleration --------------------------------------------------------------------------


def accelerated(
    region: str,
    admitted: date,
    graduated: date | None = None,
    exited: date | None = None,
    companies: int = 1,
) -> dict[str, Any]:
    return {
        "region": region,
        "admittedDay": iso(admitted),
        "graduatedDay": iso(graduated),
        "exitedDay": iso(exited),
        "companies": companies,
    }


def test_acceleration_figures_as_of_each_day_count_admissions_graduations_and_exits(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    acceleration = platform.acceleration
    clock.on(DAY1)
    graduate, leaver, mover = in_rennes(platform), in_rennes(platform), in_paris(platform)
    # One-month programmes: a graduation is only taken once the programme's length is over.
    first = acceleration.open_cohort(
        "bpifrance", name="Promo 1", starts_on=date(2026, 1, 15), months=1
    )
    second = acceleration.open_cohort(
        "bpifrance", name="Promo 2", starts_on=date(2026, 2, 15), months=1
    )
    for company in (graduate, leaver, mover):
        refer_to_bpifrance(platform, company)
        acceleration.admit_to_cohort("bpifrance", first, company_id=company, on=date(2026, 2, 1))
    clock.on(DAY2)
    acceleration.graduate_from_cohort("bpifrance", first, company_id=graduate, on=date(2026, 3, 3))
    acceleration.exit_cohort(
        "bpifrance", first, company_id=mover, on=date(2026, 3, 3), reason="moved"
    )
    clock.on(DAY3)
    acceleration.exit_cohort(
        "bpifrance", first, company_id=leaver, on=date(2026, 3, 4), reason="sold"
    )
    # Back in the programme through another cohort: it counts by that admission from DAY3
    # only, and by its first one, exited on DAY2, before.
    acceleration.admit_to_cohort("bpifrance", second, company_id=mover, on=date(2026, 3, 4))
    cohorts = [first, second]
    build(world)

    answers = figures(world, "cci", ACCELERATION, [*DAYS, None])

    by_day = dict(zip([*DAYS, None], answers, strict=True))
    assert by_day[DAY0] == []
    assert by_day[DAY1] == [accelerated("11", DAY1), accelerated("53", DAY1, companies=2)]
    assert by_day[DAY2] == [
        accelerated("11", DAY1, exited=DAY2),
        accelerated("53", DAY1, graduated=DAY2),
        accelerated("53", DAY1),
    ]
    assert by_day[DAY3] == [
        accelerated("11", DAY3),
        accelerated("53", DAY1, graduated=DAY2),
        accelerated("53", DAY1, exited=DAY3),
    ]
    assert by_day[None] == by_day[DAY3]
    for day in DAYS:
        assert as_set(by_day[day]) == as_set(acceleration_recounted(platform, cohorts, day)), day
    regional = figures(world, REGIONAL, ACCELERATION, [DAY2])[0]
    assert as_set(regional) == as_set(acceleration_recounted(platform, cohorts, DAY2, "53"))
    assert {r["region"] for r in regional} == {"53"}

    clock.on(DAY4)
    acceleration.exit_cohort(
        "bpifrance", second, company_id=mover, on=date(2026, 3, 5), reason="sold"
    )
    catch_up(world)

    assert figures(world, "cci", ACCELERATION, DAYS) == answers[: len(DAYS)]
    assert figures(world, "cci", ACCELERATION, [DAY4])[0] == [
        accelerated("11", DAY1, exited=DAY2),  # exited both: by its first admission again
        accelerated("53", DAY1, graduated=DAY2),
        accelerated("53", DAY1, exited=DAY3),
    ]


# --- Calls ---------------------------------------------------------------------------------


def call_figures(env: World, tenant: str, days: Sequence[date | None]) -> list[dict[str, int]]:
    found = []
    for calls in figures(env, tenant, CALLS, days):
        (call,) = calls
        assert call["code"] == "PIONNIERS_IA"
        found.append(call["figures"])
    return found


def test_call_figures_as_of_each_day_count_applications_selections_and_awards(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
) -> None:
    _, platform, _ = world
    calls = platform.calls
    calls.today = lambda: DAY1
    clock.on(DAY1)
    call = calls.open_call(
        "operator", code="PIONNIERS_IA", opens_on=date(2025, 9, 18), closes_on=date(2026, 3, 31)
    )
    chosen = calls.submit_application(
        "cci", call_id=call, company_id=in_rennes(platform), project_title="Cobotique"
    )
    turned_down = calls.submit_application(
        "cci", call_id=call, company_id=in_paris(platform), project_title="Vision"
    )
    clock.on(DAY2)
    calls.select_application("inria", chosen)
    calls.reject_application("inria", turned_down, reason="hors champ")
    clock.on(DAY3)
    calls.today = lambda: DAY3
    calls.award_phase("inria", chosen, phase=1, amount_cents=150 * K, months=9, on=DAY3)
    applications = [chosen, turned_down]
    build(world)

    answers = call_figures(world, "french-tech", [*DAYS, None])

    def counts(applications: int, selected: int, cents: int) -> dict[str, int]:
        return {"applications": applications, "selected": selected, "awardedCents": cents}

    assert answers == [
        counts(0, 0, 0),
        counts(2, 0, 0),
        counts(2, 1, 0),
        counts(2, 1, 150 * K),
        counts(2, 1, 150 * K),
    ]
    for day, answer in zip(DAYS, answers, strict=False):
        assert answer == call_recounted(platform, applications, day), day
    assert call_figures(world, REGIONAL, [DAY1, DAY3]) == [counts(1, 0, 0), counts(1, 1, 150 * K)]

    clock.on(DAY4)
    calls.today = lambda: DAY4
    calls.evaluate_gate("inria", chosen, phase=1, passed=True, on=DAY4, comment="revue")
    calls.award_phase("bpifrance", chosen, phase=2, amount_cents=600 * K, months=12, on=DAY4)
    catch_up(world)

    assert call_figures(world, "french-tech", DAYS) == answers[: len(DAYS)]
    assert call_figures(world, "french-tech", [DAY4]) == [
        call_recounted(platform, applications, DAY4)
    ]
    assert call_figures(world, "french-tech", [DAY4]) == [counts(2, 1, 750 * K)]


# --- Every figure query: a day not over yet, a past day not yet projected ------------------


EVERY_FIGURE_QUERY = {
    "loanFigures": LOANS,
    "accelerationFigures": ACCELERATION,
    "calls.figures": CALLS,
    "trainingFigures": TRAININGS,
}


def a_call(platform: Platform) -> None:
    """A call to ask the figures of (a call's figures are a field of the call)."""
    platform.calls.today = lambda: DAY1
    platform.calls.open_call(
        "operator", code="PIONNIERS_IA", opens_on=date(2025, 9, 18), closes_on=date(2026, 3, 31)
    )


def error_codes(results: list[ExecutionResult]) -> list[str | None]:
    codes: list[str | None] = []
    for result in results:
        if result.errors is None:
            codes.append(None)
            continue
        assert len(result.errors) == 1, result.errors
        extensions = result.errors[0].extensions or {}
        codes.append(extensions.get("code"))
    return codes


def test_every_figure_query_refuses_a_day_not_over_yet(world: World) -> None:  # noqa: F811
    _, platform, _ = world
    a_call(platform)
    build(world)

    tomorrow = today() + timedelta(days=1)
    answers = {
        name: error_codes(ask(world, "cci", document, [tomorrow, today(), None]))
        for name, document in EVERY_FIGURE_QUERY.items()
    }

    refused = InvalidDate.code
    assert answers == {name: [refused, None, None] for name in EVERY_FIGURE_QUERY}


def test_every_figure_query_of_a_past_day_waits_for_the_read_models_to_hold_the_log(
    world: World,  # noqa: F811
) -> None:
    _, platform, _ = world
    a_call(platform)
    build(world)
    yesterday = today() - timedelta(days=1)
    # Written after the read models were built, and no projector runs here: a past day's
    # figures might have to count it, so they cannot be given yet. Today's can.
    in_rennes(platform)

    waited = {
        name: error_codes(ask(world, "cci", document, [yesterday, None]))
        for name, document in EVERY_FIGURE_QUERY.items()
    }
    catch_up(world)
    answered = {
        name: error_codes(ask(world, "cci", document, [yesterday]))
        for name, document in EVERY_FIGURE_QUERY.items()
    }

    assert waited == {name: [NotYetConsistent.code, None] for name in EVERY_FIGURE_QUERY}
    assert answered == {name: [None] for name in EVERY_FIGURE_QUERY}


# --- Loans, property: any history, each day's figures recount it and never change ----------

LOAN_ACTIONS = ("apply", "grant", "refuse", "disburse")

# One command, two free numbers, and the minutes since the previous command (up to a day and a
# half, so that days pass, some with nothing recorded).
loan_steps = st.lists(
    st.tuples(
        st.sampled_from(LOAN_ACTIONS),
        st.integers(0, 30),
        st.integers(0, 30),
        st.integers(0, 36 * 60),
    ),
    min_size=3,
    max_size=25,
)


# Each property plays a few histories (every one builds the read models): five examples each.
AS_OF_PROPERTY = settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def recorded_days(timer: Clock) -> list[date]:
    """Every day in France from DAY0 to the clock's."""
    last = timer.now.astimezone(PARIS).date()
    return [DAY0 + timedelta(days=n) for n in range((last - DAY0).days + 1)]


class LoanHistory:
    def __init__(self, platform: Platform, timer: Clock) -> None:
        self.platform, self.clock = platform, timer
        self.companies = [in_rennes(platform), in_paris(platform), in_rennes(platform)]
        self.loans: list[UUID] = []

    def play(self, action: str, a: int, b: int, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)
        loans = self.platform.loans
        with contextlib.suppress(DomainError):  # refused commands are part of real histories
            if action == "apply":
                company = self.companies[a % len(self.companies)]
                self.loans.append(apply(self.platform, company, (5 + b) * M))
            elif not self.loans:
                return
            elif action == "grant":
                loans.grant_guarantee("bpifrance", self.loans[a % len(self.loans)], on=DAY1)
            elif action == "refuse":
                loan = self.loans[a % len(self.loans)]
                loans.refuse_guarantee("bpifrance", loan, on=DAY1, reason="risque")
            else:
                loan = self.loans[a % len(self.loans)]
                loans.disburse_loan("bpifrance", loan, amount_cents=(1 + b % 5) * M, on=DAY1)


@AS_OF_PROPERTY
@given(first=loan_steps, then=loan_steps)
def test_loan_figures_as_of_any_day_recount_the_history_and_never_change(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    first: list[tuple[str, int, int, int]],
    then: list[tuple[str, int, int, int]],
) -> None:
    database_url, platform, tenants = world
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    start_world(database_url, platform, tenants)
    history = LoanHistory(platform, clock)
    for step in first:
        history.play(*step)
    build(world)
    days = recorded_days(history.clock)

    answers = figures(world, "french-tech", LOANS, days)

    for day, answer in zip(days, answers, strict=True):
        assert as_set(answer) == as_set(loans_recounted(platform, history.loans, day)), day

    # History goes on from the next day; the read models follow incrementally.
    clock.now = datetime.combine(days[-1] + timedelta(days=1), time(), PARIS).astimezone(UTC)
    for step in then:
        history.play(*step)
    catch_up(world)

    assert figures(world, "french-tech", LOANS, days) == answers


@pytest.mark.parametrize("tenant", ["operator", REGIONAL])
def test_training_figures_as_of_a_day_are_the_same_whenever_asked(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    tenant: str,
) -> None:
    _, platform, _ = world
    trainings = platform.trainings
    clock.on(DAY1)
    enrolments = [
        trainings.enrol_learner(
            "operator",
            learner_ref=f"LRN-{n}",
            training_code="IA-101",
            training_title="L'IA au travail",
            audience="APPRENTICE",
            region=region,
            on=DAY1,
        )
        for n, region in enumerate(("53", "53", "11"))
    ]
    clock.on(DAY2)
    trainings.complete_training("operator", enrolments[0], on=DAY2)
    build(world)

    answers = figures(world, tenant, TRAININGS, [DAY0, DAY1, DAY2])

    bretagne = {"audience": "APPRENTICE", "region": "53"}
    idf = {"audience": "APPRENTICE", "region": "11"}
    expected = [
        [],
        [{**idf, "enrolled": 1, "completed": 0}, {**bretagne, "enrolled": 2, "completed": 0}],
        [{**idf, "enrolled": 1, "completed": 0}, {**bretagne, "enrolled": 2, "completed": 1}],
    ]
    if tenant == REGIONAL:
        expected = [[row for row in rows if row["region"] == "53"] for rows in expected]
    assert answers == expected

    clock.on(DAY3)
    trainings.complete_training("operator", enrolments[1], on=DAY3)
    catch_up(world)

    assert figures(world, tenant, TRAININGS, [DAY0, DAY1, DAY2]) == answers


# --- Acceleration, property: companies in several cohorts count once, as they stood --------

COHORT_ACTIONS = ("admit", "admit", "graduate", "exit")

cohort_steps = st.lists(
    st.tuples(
        st.sampled_from(COHORT_ACTIONS),
        st.integers(0, 30),
        st.integers(0, 30),
        st.integers(0, 36 * 60),
    ),
    min_size=3,
    max_size=25,
)


class CohortHistory:
    """Two cohorts and four companies (three in Bretagne), admitted, graduated and exited."""

    def __init__(self, platform: Platform, timer: Clock) -> None:
        self.platform, self.clock = platform, timer
        self.companies = [in_rennes(platform), in_paris(platform), in_rennes(platform)]
        self.companies.append(in_rennes(platform))
        self.cohorts = [
            platform.acceleration.open_cohort(
                "bpifrance", name=name, starts_on=date(2026, 1, 15), months=1
            )
            for name in ("Promo 1", "Promo 2")
        ]

    def play(self, action: str, a: int, b: int, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)
        acceleration = self.platform.acceleration
        cohort, company = self.cohorts[a % 2], self.companies[b % len(self.companies)]
        with contextlib.suppress(DomainError):
            if action == "admit":
                on = date(2026, 2, 1)
                acceleration.admit_to_cohort("bpifrance", cohort, company_id=company, on=on)
            elif action == "graduate":
                on = date(2026, 3, 1)
                acceleration.graduate_from_cohort("bpifrance", cohort, company_id=company, on=on)
            else:
                on = date(2026, 3, 1)
                acceleration.exit_cohort(
                    "bpifrance", cohort, company_id=company, on=on, reason="sortie"
                )


@AS_OF_PROPERTY
@given(first=cohort_steps, then=cohort_steps)
def test_acceleration_figures_as_of_any_day_recount_the_history_and_never_change(
    world: World,  # noqa: F811
    clock: Clock,  # noqa: F811
    first: list[tuple[str, int, int, int]],
    then: list[tuple[str, int, int, int]],
) -> None:
    database_url, platform, tenants = world
    clock.now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    start_world(database_url, platform, tenants)
    history = CohortHistory(platform, clock)
    for step in first:
        history.play(*step)
    build(world)
    days = recorded_days(history.clock)

    answers = figures(world, "cci", ACCELERATION, days)
    regional = figures(world, REGIONAL, ACCELERATION, days)

    for day, answer, in_region in zip(days, answers, regional, strict=True):
        assert as_set(answer) == as_set(acceleration_recounted(platform, history.cohorts, day))
        recounted = acceleration_recounted(platform, history.cohorts, day, "53")
        assert as_set(in_region) == as_set(recounted), day

    clock.now = datetime.combine(days[-1] + timedelta(days=1), time(), PARIS).astimezone(UTC)
    for step in then:
        history.play(*step)
    catch_up(world)

    assert figures(world, "cci", ACCELERATION, days) == answers
