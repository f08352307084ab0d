"""Progress towards the 2030 targets: each figure, as of a day, from what was recorded by then."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import eventsourcing.domain
import pytest

from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.errors import InvalidValue
from osezia.domain.geography import REGIONS
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts
from osezia.domain.targets import PLAN_TARGETS, PlanTargets, TargetCode
from osezia.projections.access import as_tenant
from osezia.projections.asof import end_of
from osezia.projections.connections import create_pool
from osezia.projections.progress import Progress, TargetProgress, progress
from osezia.store.settings import Database
from osezia.tenants.application import Tenants
from osezia.tenants.networks import NETWORKS
from osezia.tenants.profiles import DEFAULT_TENANTS, Profile
from tests.conftest import truncate_history
from tests.integration.projection_support import build_all, viewers_of

REGIONAL = "cci-bretagne"  # a regional network: CCI's profile, within Bretagne (53)


class Clock:
    """The recorded time of every event the platform creates, set by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def on(self, day: date, hour: int = 10, minute: int = 0) -> None:
        """Recorded at hour:minute UTC of ``day``."""
        self.now = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """eventsourcing stamps each new event with this function's time."""
    fake = Clock()
    monkeypatch.setattr(eventsourcing.domain, "datetime_now_with_tzinfo", fake)
    return fake


def start_world(database_url: str, platform: Platform, tenants: Tenants) -> None:
    truncate_history(database_url)
    tenants.seed_defaults()
    cci = DEFAULT_TENANTS["cci"][1]
    tenants.register_tenant(
        REGIONAL,
        name="CCI Bretagne",
        profile=Profile(commands=cci.commands, sees_all=cci.sees_all, region="53"),
    )


@pytest.fixture
def world(database_url: str, clock: Clock) -> Iterator[tuple[str, Platform, Tenants]]:
    env = Database.from_url(database_url).eventsourcing_env(pool_size=4)
    platform = Platform(env, networks=NETWORKS)
    tenants = Tenants(env=env, share_with=platform.companies)
    start_world(database_url, platform, tenants)
    yield database_url, platform, tenants
    platform.close()


def profile_of(tenants: Tenants, slug: str) -> Profile:
    return next(Profile.from_data(t.profile) for t in tenants.list_tenants() if t.slug == slug)


def progress_as_of(
    database_url: str, tenants: Tenants, tenant: str, days: list[date]
) -> dict[date, Progress]:
    """Project the whole log, then read every day's figures as the tenant's own role."""
    asyncio.run(build_all(database_url, viewers_of(tenants)))
    profile = profile_of(tenants, tenant)

    async def read() -> dict[date, Progress]:
        pool = await create_pool(database_url, max_size=2)
        try:
            found = {}
            for day in days:
                async with as_tenant(pool, tenant) as conn:
                    found[day] = await progress(conn, tenant, profile, day)
            return found
        finally:
            await pool.close()

    return asyncio.run(read())


def target(figures: Progress, code: TargetCode) -> TargetProgress:
    return next(t for t in figures.targets if t.target.code is code)


SERIAL = iter(range(10_000_000, 99_999_999))


def a_company(
    platform: Platform,
    owner: str,
    uta: int,
    region: str = "53",
    departement: str = "35",
    naf: str = "62.01Z",
) -> UUID:
    return platform.companies.register_company(
        owner,
        siren=complete_siren(f"{next(SERIAL):08d}"),
        legal_name="Société",
        region=region,
        departement=departement,
        naf=naf,
        size=SizeFacts(headcount_uta=Decimal(uta)),
    )


def enrolled(platform: Platform, learner_ref: str, code: str, audience: str) -> UUID:
    """A learner of the operator's Académie in Bretagne, enrolled on DAY1."""
    return platform.trainings.enrol_learner(
        "operator",
        learner_ref=learner_ref,
        training_code=code,
        training_title="L'IA au travail",
        audience=audience,
        region="53",
        on=DAY1,
    )


def referred_to_bpifrance(platform: Platform, *companies: UUID) -> None:
    """CCI sends its companies to Bpifrance's acceleration programme, with their consent."""
    for company in companies:
        platform.referrals.share_company(
            "cci",
            company,
            to_tenant="bpifrance",
            purpose="OTHER",
            reason="the acceleration programme",
            consent_reference=f"consent-{company}",
        )


def adopt(platform: Platform, owner: str, company: UUID, on: date) -> None:
    platform.companies.advance_adoption(owner, company, stage="ADOPTED", on=on)


DAY1, DAY2, DAY3 = date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 4)


def test_a_company_counts_as_adopting_from_the_day_its_adoption_was_recorded(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    adopter = a_company(platform, "cci", uta=3)
    a_company(platform, "cci", uta=4)  # registered, never adopting
    clock.on(DAY3)
    adopt(platform, "cci", adopter, on=DAY1)  # dated earlier, recorded on DAY3
    a_company(platform, "cci", uta=5)

    figures = progress_as_of(database_url, tenants, "cci", [DAY2, DAY3])

    before, after = (target(figures[d], TargetCode.ADOPTION_TPE) for d in (DAY2, DAY3))
    assert (before.numerator, before.denominator, before.measured) == (0, 2, 0)
    assert (after.numerator, after.denominator) == (1, 3)
    assert after.measured == pytest.approx(100 / 3)
    assert after.progress_percent == pytest.approx((100 / 3 - 8) / (50 - 8) * 100)


def test_a_company_counts_in_the_segment_it_had_on_the_day(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    company = a_company(platform, "cci", uta=3)
    clock.on(DAY3)
    platform.companies.reassess_size("cci", company, size=SizeFacts(headcount_uta=Decimal(80)))

    figures = progress_as_of(database_url, tenants, "cci", [DAY2, DAY3])

    assert target(figures[DAY2], TargetCode.ADOPTION_TPE).denominator == 1
    assert target(figures[DAY2], TargetCode.ADOPTION_PME_ETI).denominator == 0
    assert target(figures[DAY3], TargetCode.ADOPTION_TPE).denominator == 0
    assert target(figures[DAY3], TargetCode.ADOPTION_PME_ETI).denominator == 1


def test_a_day_ends_at_midnight_in_france_not_in_utc(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1, hour=22, minute=59)  # 23:59 in Paris (winter time): still DAY1
    a_company(platform, "cci", uta=3)
    clock.on(DAY1, hour=23, minute=0)  # 00:00 on DAY2 in Paris
    a_company(platform, "cci", uta=3)

    figures = progress_as_of(database_url, tenants, "cci", [DAY1, DAY2])

    assert target(figures[DAY1], TargetCode.ADOPTION_TPE).denominator == 1
    assert target(figures[DAY2], TargetCode.ADOPTION_TPE).denominator == 2
    spring = end_of(date(2026, 3, 29)).astimezone(UTC) - end_of(date(2026, 3, 28)).astimezone(UTC)
    assert spring == timedelta(hours=23)  # the day clocks go forward is an hour short


def test_ambassadors_count_from_their_appointment_until_their_withdrawal(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    leaving = platform.ambassadors.appoint_ambassador(
        "cci", full_name="A B", kind="REGIONAL", network="CCI", region="53", appointed_on=DAY1
    )
    platform.ambassadors.appoint_ambassador(
        "cci", full_name="C D", kind="GRAND_PUBLIC", network="CCI", appointed_on=DAY1
    )
    clock.on(DAY3)
    platform.ambassadors.withdraw_ambassador("cci", leaving, reason="left", on=DAY3)

    figures = progress_as_of(database_url, tenants, "cci", [DAY2, DAY3])

    assert target(figures[DAY2], TargetCode.AMBASSADORS).measured == 2
    assert target(figures[DAY3], TargetCode.AMBASSADORS).measured == 1
    bretagne = next(r for r in figures[DAY2].regions if r.region == "53")
    assert bretagne.ambassadors == 1  # the national one counts in the total, in no region


def test_the_diagnostic_funnel_counts_each_step_from_the_day_it_was_recorded(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    company = a_company(platform, "cci", uta=80)
    done = platform.diagnostics.request_diagnostic("cci", company_id=company)
    platform.diagnostics.request_diagnostic("cci", company_id=company)
    run_to_report(platform, done)
    clock.on(DAY3)
    platform.diagnostics.pay_cofinancing("bpifrance", done, price_cents=1_000_000)

    figures = progress_as_of(database_url, tenants, "bpifrance", [DAY2, DAY3])

    funnel = figures[DAY2].diagnostic_funnel
    assert (funnel.requested, funnel.report_delivered, funnel.cofinanced) == (2, 1, 0)
    assert figures[DAY3].diagnostic_funnel.cofinancing_cents == 400_000
    assert target(figures[DAY2], TargetCode.DIAGNOSTICS).measured == 0
    assert target(figures[DAY3], TargetCode.DIAGNOSTICS).measured == 1


def run_to_report(platform: Platform, diagnostic: UUID) -> None:
    app = platform.diagnostics
    app.check_eligibility("bpifrance", diagnostic)
    app.assign_expert("bpifrance", diagnostic, expert="Lumen")
    app.deliver_inventory("bpifrance", diagnostic)
    app.identify_use_cases("bpifrance", diagnostic, use_cases=[UseCase("UC1", "Factures")])
    app.prioritise_use_cases("bpifrance", diagnostic, scores=[UseCaseScore("UC1", 3, 4)])
    app.deliver_report("bpifrance", diagnostic, on=DAY1)


def test_inria_partnerships_count_in_the_year_of_their_signature_once_recorded(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    company = a_company(platform, "inria", uta=30)
    signed = [
        platform.partnerships.propose_partnership(
            "inria", research_team="Willow", topic="Vision", company_id=company
        )
        for _ in range(3)
    ]
    platform.partnerships.sign_partnership("inria", signed[0], on=date(2025, 12, 1))
    platform.partnerships.sign_partnership("inria", signed[1], on=DAY1)
    clock.on(DAY3)
    platform.partnerships.sign_partnership("inria", signed[2], on=DAY3)
    platform.partnerships.abandon_partnership("inria", signed[1], reason="funding")

    figures = progress_as_of(database_url, tenants, "inria", [DAY2, DAY3])

    years = [(y.year, y.count, y.target) for y in figures[DAY2].partnership_years]
    assert years == [(2025, 1, 10), (2026, 1, 10)]
    this_year = target(figures[DAY3], TargetCode.INRIA_PARTNERSHIPS)
    assert (this_year.measured, this_year.year, this_year.target.value) == (2, 2026, 10)


def test_a_company_only_shared_with_a_network_is_not_in_its_figures(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    company = a_company(platform, "bpifrance", uta=3)
    platform.referrals.share_company(
        "bpifrance",
        company,
        to_tenant="cci",
        purpose="OTHER",
        reason="suivi",
        consent_reference="accord",
    )

    figures = progress_as_of(database_url, tenants, "cci", [DAY1])

    assert target(figures[DAY1], TargetCode.ADOPTION_TPE).denominator == 0


def test_a_network_counts_what_it_sees_and_the_state_counts_everything(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    a_company(platform, "cci", uta=3)
    a_company(platform, "bpifrance", uta=3, region="11", departement="75")
    a_company(platform, REGIONAL, uta=3)
    for region in ("53", "11"):
        platform.ambassadors.appoint_ambassador(
            "cci", full_name="A B", kind="REGIONAL", network="CCI", region=region, appointed_on=DAY1
        )

    counted = {
        tenant: progress_as_of(database_url, tenants, tenant, [DAY1])[DAY1]
        for tenant in ("operator", "cci", REGIONAL)
    }

    def companies(tenant: str) -> float | None:
        return target(counted[tenant], TargetCode.ADOPTION_TPE).denominator

    assert (companies("operator"), companies("cci"), companies(REGIONAL)) == (3, 1, 1)
    assert target(counted[REGIONAL], TargetCode.AMBASSADORS).measured == 1
    assert target(counted["cci"], TargetCode.AMBASSADORS).measured == 2
    assert (counted["operator"].scope, counted[REGIONAL].scope) == ("NATIONAL", "53")
    for figures in counted.values():
        assert [r.region for r in figures.regions] == sorted(REGIONS)
    by_region = {r.region: r.companies for r in counted["operator"].regions}
    assert (by_region["53"], by_region["11"], by_region["94"]) == (2, 1, 0)


def test_people_trained_count_completed_trainings_once_recorded(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    enrolments = [
        enrolled(platform, f"L{n}", "IA-101", audience)
        for n, audience in enumerate(("APPRENTICE", "EMPLOYEE", "LEADER"))
    ]
    platform.trainings.complete_training("operator", enrolments[0], on=DAY1)
    clock.on(DAY3)
    platform.trainings.complete_training("operator", enrolments[1], on=DAY3)

    figures = progress_as_of(database_url, tenants, "cci", [DAY2, DAY3])

    assert target(figures[DAY2], TargetCode.PEOPLE_TRAINED).measured == 1
    assert target(figures[DAY3], TargetCode.PEOPLE_TRAINED).measured == 2
    assert [(y.year, y.count, y.target) for y in figures[DAY3].apprentice_years] == [
        (2026, 1, None)
    ]
    assert next(r for r in figures[DAY3].regions if r.region == "53").trained == 2


def test_an_empty_platform_measures_zero_against_every_target(
    world: tuple[str, Platform, Tenants],
) -> None:
    database_url, _, tenants = world

    figures = progress_as_of(database_url, tenants, "operator", [DAY1])[DAY1]

    assert [t.target.code for t in figures.targets] == list(TargetCode)
    assert all(t.measured == 0 and t.progress_percent == 0 for t in figures.targets)
    assert figures.budget.envelope_cents == 200_000_000 * 100


def test_every_adoption_target_keeps_bpifrances_baseline_and_its_source() -> None:
    baselines = {
        code: PLAN_TARGETS.target(code).baseline
        for code in (TargetCode.ADOPTION_TPE, TargetCode.ADOPTION_PME_ETI, TargetCode.ADOPTION_GE)
    }

    assert {code: b.value for code, b in baselines.items() if b} == {
        TargetCode.ADOPTION_TPE: 8,
        TargetCode.ADOPTION_PME_ETI: 13,
        TargetCode.ADOPTION_GE: 53,
    }
    assert all(b is not None and "Bpifrance" in b.source for b in baselines.values())
    assert all(PLAN_TARGETS.target(code).definition for code in TargetCode)


def test_targets_must_list_every_code_once() -> None:
    with pytest.raises(InvalidValue):
        PlanTargets(targets=PLAN_TARGETS.targets[1:])
    with pytest.raises(InvalidValue):
        PlanTargets(targets=(*PLAN_TARGETS.targets, PLAN_TARGETS.targets[0]))


def test_the_budget_counts_commitments_and_payments_from_the_day_they_were_recorded(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    platform.budget.open_budget("operator")
    platform.budget.commit_funds(
        "operator", measure="DIAGNOSTICS", amount_cents=5_000_000, reference="C1", on=DAY1
    )
    clock.on(DAY3)
    platform.budget.pay_funds(
        "operator", measure="DIAGNOSTICS", amount_cents=2_000_000, reference="C1", on=DAY3
    )

    figures = progress_as_of(database_url, tenants, "cci", [DAY2, DAY3])

    before, after = figures[DAY2].budget, figures[DAY3].budget
    assert (before.committed_cents, before.paid_cents) == (5_000_000, 0)
    assert (after.committed_cents, after.paid_cents) == (5_000_000, 2_000_000)
    diagnostics = next(m for m in after.measures if m.measure == "DIAGNOSTICS")
    assert (diagnostics.committed_cents, diagnostics.paid_cents) == (5_000_000, 2_000_000)
    assert target(figures[DAY2], TargetCode.BUDGET_COMMITTED).measured == 5_000_000
    assert target(figures[DAY2], TargetCode.BUDGET_COMMITTED).progress_percent == pytest.approx(
        5_000_000 / PLAN_TARGETS.envelope_cents * 100
    )


def test_accelerated_companies_count_from_admission_until_an_exit(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    cohort = platform.acceleration.open_cohort("bpifrance", name="Promotion 1", starts_on=DAY1)
    staying, leaving = a_company(platform, "cci", uta=80), a_company(platform, "cci", uta=90)
    referred_to_bpifrance(platform, staying, leaving)
    for company in (staying, leaving):
        platform.acceleration.admit_to_cohort("bpifrance", cohort, company_id=company, on=DAY1)
    clock.on(DAY3)
    platform.acceleration.exit_cohort(
        "bpifrance", cohort, company_id=leaving, reason="left", on=DAY3
    )

    figures = progress_as_of(database_url, tenants, "cci", [DAY2, DAY3])

    assert target(figures[DAY2], TargetCode.ACCELERATION).measured == 2
    assert target(figures[DAY3], TargetCode.ACCELERATION).measured == 1


def test_the_budgets_allocations_count_from_the_day_the_envelope_was_opened(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY2)
    platform.budget.open_budget("operator")

    figures = progress_as_of(database_url, tenants, "cci", [DAY1, DAY2])

    assert all(m.allocated_cents == 0 for m in figures[DAY1].budget.measures)
    allocated = {m.measure: m.allocated_cents for m in figures[DAY2].budget.measures}
    assert allocated["CALLS"] == 100_000_000 * 100


def test_a_person_who_completes_two_trainings_is_one_person_trained(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    for code in ("IA-101", "IA-102"):
        enrolment = enrolled(platform, "L1", code, "APPRENTICE")
        platform.trainings.complete_training("operator", enrolment, on=DAY1)

    figures = progress_as_of(database_url, tenants, "cci", [DAY2])

    assert target(figures[DAY2], TargetCode.PEOPLE_TRAINED).measured == 1
    assert [(y.year, y.count) for y in figures[DAY2].apprentice_years] == [(2026, 1)]
    assert next(r for r in figures[DAY2].regions if r.region == "53").trained == 1


def test_a_company_admitted_to_two_cohorts_is_one_accelerated_company(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    company = a_company(platform, "cci", uta=80)
    referred_to_bpifrance(platform, company)
    for name in ("Promotion 1", "Promotion 2"):
        cohort = platform.acceleration.open_cohort("bpifrance", name=name, starts_on=DAY1)
        platform.acceleration.admit_to_cohort("bpifrance", cohort, company_id=company, on=DAY1)

    figures = progress_as_of(database_url, tenants, "cci", [DAY2])

    assert target(figures[DAY2], TargetCode.ACCELERATION).measured == 1


def test_a_company_that_left_a_cohort_counts_again_from_its_next_admission(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    a = platform.acceleration
    clock.on(DAY1)
    company = a_company(platform, "cci", uta=80)
    referred_to_bpifrance(platform, company)
    first = a.open_cohort("bpifrance", name="Promotion 1", starts_on=DAY1)
    second = a.open_cohort("bpifrance", name="Promotion 2", starts_on=DAY1)
    a.admit_to_cohort("bpifrance", first, company_id=company, on=DAY1)
    clock.on(DAY2)
    a.exit_cohort("bpifrance", first, company_id=company, on=DAY2, reason="relocation")
    clock.on(DAY3)
    a.admit_to_cohort("bpifrance", second, company_id=company, on=DAY3)

    figures = progress_as_of(database_url, tenants, "cci", [DAY1, DAY2, DAY3])

    assert [target(figures[d], TargetCode.ACCELERATION).measured for d in (DAY1, DAY2, DAY3)] == [
        1,
        0,
        1,
    ]


def test_only_partnerships_with_smes_count_towards_inrias_target(
    world: tuple[str, Platform, Tenants], clock: Clock
) -> None:
    database_url, platform, tenants = world
    clock.on(DAY1)
    sizes = {"MICRO": 4, "PME": 30, "ETI": 600, "GE": 250_000}  # GE: La Poste's size
    for category, uta in sizes.items():
        company = a_company(platform, "inria", uta=uta)
        partnership = platform.partnerships.propose_partnership(
            "inria", research_team="Willow", topic=category, company_id=company
        )
        platform.partnerships.sign_partnership("inria", partnership, on=DAY1)

    figures = progress_as_of(database_url, tenants, "inria", [DAY1])[DAY1]

    (year,) = figures.partnership_years
    assert (year.year, year.count, year.others) == (2026, 2, 2)
    assert target(figures, TargetCode.INRIA_PARTNERSHIPS).measured == 2
