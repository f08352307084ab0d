"""Figures as of a day equal a recount of the records as they stood at that day's end, and a
past day's answer never changes as history goes on."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.domain import Aggregate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osezia.domain.ambassadors.model import Ambassador
from osezia.domain.application import PlatformApplication
from osezia.domain.companies.model import Company
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.diagnostics.application import Diagnostics
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.errors import DomainError
from osezia.domain.identifiers import complete_siren
from osezia.domain.partnerships.model import Partnership
from osezia.domain.platform import Platform
from osezia.domain.sizes import SME_CATEGORIES, SizeFacts
from osezia.domain.targets import TargetCode
from osezia.projections.access import as_tenant
from osezia.projections.connections import create_pool
from osezia.projections.figures import (
    CompanyCount,
    DiagnosticCount,
    company_counts,
    diagnostic_counts,
)
from osezia.projections.progress import Progress, progress
from osezia.tenants.application import Tenants
from osezia.tenants.profiles import Profile
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
A = TypeVar("A", bound=Aggregate)

NETWORKS = ("cci", "bpifrance", "inria", REGIONAL)
READERS = ("operator", "bpifrance", "inria", REGIONAL)
PLACES = (("53", "35"), ("11", "75"), ("84", "69"))
SIZES = (3, 80, 3000, 9000)  # TPE, PME, ETI, GE headcounts
ACTIONS = (
    "register",
    "follow",
    "reassess",
    "adopt",
    "advance",
    "ambassador",
    "withdraw",
    "diagnose",
    "diagnostic_step",
    "cancel",
    "propose",
    "sign",
    "abandon",
    "share",
)

# One command: what, by whom, two free numbers, and the minutes since the previous command
# (up to a day and a half, so that days pass, some with nothing recorded).
steps = st.lists(
    st.tuples(
        st.sampled_from(ACTIONS),
        st.sampled_from(NETWORKS),
        st.integers(0, 60),
        st.integers(0, 60),
        st.integers(0, 36 * 60),
    ),
    min_size=5,
    max_size=35,
)

DIAGNOSTIC_STEPS: tuple[Callable[[Diagnostics, UUID], None], ...] = (
    lambda app, d: app.check_eligibility("bpifrance", d),
    lambda app, d: app.assign_expert("bpifrance", d, expert="Lumen"),
    lambda app, d: app.deliver_inventory("bpifrance", d),
    lambda app, d: app.identify_use_cases("bpifrance", d, use_cases=[UseCase("U", "Tri")]),
    lambda app, d: app.prioritise_use_cases("bpifrance", d, scores=[UseCaseScore("U", 2, 3)]),
    lambda app, d: app.deliver_report("bpifrance", d, on=date(2026, 4, 1)),
    lambda app, d: app.pay_cofinancing("bpifrance", d, price_cents=1_234_567),
)


@dataclass
class History:
    """Plays commands at the clock's times, remembering the ids of what they created."""

    platform: Platform
    clock: Clock
    ids: dict[str, list[UUID]] = field(default_factory=lambda: defaultdict(list))
    serial: int = 0

    def play(self, action: str, tenant: str, a: int, b: int, minutes: int) -> None:
        self.clock.now += timedelta(minutes=minutes)
        with contextlib.suppress(DomainError):  # refused commands are part of real histories
            self._play(action, tenant, a, b)

    def pick(self, kind: str, a: int) -> UUID | None:
        found = self.ids[kind]
        return found[a % len(found)] if found else None

    def owner(self, app: PlatformApplication, aggregate_id: UUID, kind: type[A]) -> str:
        aggregate = app.find(aggregate_id, kind)
        assert aggregate is not None
        owner: str = getattr(aggregate, "tenant")  # noqa: B009
        return owner

    def follower(self, company_id: UUID, tenant: str) -> str:
        """``tenant`` if it follows the company, else its first follower."""
        company = self.platform.companies.find(company_id, Company)
        assert company is not None
        return tenant if tenant in company.records else company.tenant

    def party(self, company_id: UUID, tenant: str) -> str:
        """``tenant`` if it may act on the company (it follows it or was referred it), else
        its first follower."""
        company = self.platform.companies.find(company_id, Company)
        assert company is not None
        return tenant if tenant in company.parties else company.tenant

    def _play(self, action: str, tenant: str, a: int, b: int) -> None:
        p, (region, departement) = self.platform, PLACES[a % len(PLACES)]
        company, diagnostic = self.pick("company", a), self.pick("diagnostic", a)
        ambassador, partnership = self.pick("ambassador", a), self.pick("partnership", a)
        if action == "register":
            self.serial += 1
            self.ids["company"].append(
                p.companies.register_company(
                    tenant,
                    siren=complete_siren(f"{60_000_000 + self.serial:08d}"),
                    legal_name=f"Entreprise {self.serial}",
                    region=region,
                    departement=departement,
                    naf="62.01Z",
                    size=SizeFacts(headcount_uta=Decimal(SIZES[b % len(SIZES)])),
                )
            )
        elif action == "ambassador":
            self.ids["ambassador"].append(
                p.ambassadors.appoint_ambassador(
                    tenant,
                    full_name=f"Ambassadeur {a}",
                    kind="REGIONAL" if b % 3 else "GRAND_PUBLIC",
                    network="CCI",
                    region=region if b % 3 else None,
                    appointed_on=date(2026, 3, 1),
                )
            )
        elif action == "withdraw" and ambassador is not None:
            owner = self.owner(p.ambassadors, ambassador, Ambassador)
            p.ambassadors.withdraw_ambassador(owner, ambassador, reason="left", on=date(2026, 9, 1))
        elif company is None:
            return
        elif action == "follow":
            # Another network registers the SIREN, with the place and size it collected.
            siren = p.companies.get_company(self.follower(company, tenant), company).siren
            p.companies.register_company(
                tenant,
                siren=siren,
                legal_name=f"Entreprise {siren} ({tenant})",
                region=region,
                departement=departement,
                naf="62.02A",
                size=SizeFacts(headcount_uta=Decimal(SIZES[b % len(SIZES)])),
            )
        elif action == "reassess":
            size = SizeFacts(headcount_uta=Decimal(SIZES[b % len(SIZES)]))
            p.companies.reassess_size(self.follower(company, tenant), company, size=size)
        elif action in ("adopt", "advance"):
            stage = "ADOPTED" if action == "adopt" else ("AWARE", "TRAINED", "PILOTING")[b % 3]
            by = self.follower(company, tenant)
            p.companies.advance_adoption(by, company, stage=stage, on=date(2026, 3, 1))
        elif action == "diagnose":
            self.ids["diagnostic"].append(
                p.diagnostics.request_diagnostic(self.party(company, tenant), company_id=company)
            )
        elif action == "diagnostic_step" and diagnostic is not None:
            for step in DIAGNOSTIC_STEPS:  # the next step this diagnostic may take
                with contextlib.suppress(DomainError):
                    step(p.diagnostics, diagnostic)
                    return
        elif action == "cancel" and diagnostic is not None:
            p.diagnostics.cancel_diagnostic("bpifrance", diagnostic, reason="no longer needed")
        elif action == "propose":
            self.ids["partnership"].append(
                p.partnerships.propose_partnership(
                    self.party(company, tenant),
                    research_team="Willow",
                    topic="Vision",
                    company_id=company,
                )
            )
        elif action == "sign" and partnership is not None:
            on = date(2025 + b % 2, 12, 15)
            p.partnerships.sign_partnership("inria", partnership, on=on)
        elif action == "abandon" and partnership is not None:
            owner = self.owner(p.partnerships, partnership, Partnership)
            p.partnerships.abandon_partnership(owner, partnership, reason="funding")
        elif action == "share":
            p.referrals.share_company(
                self.follower(company, tenant),
                company,
                to_tenant=NETWORKS[b % len(NETWORKS)],
                purpose="OTHER",
                reason="suivi",
                consent_reference=f"accord {a}-{b}",
            )

    def days(self) -> list[date]:
        first = date(2026, 3, 1)
        last = self.clock.now.astimezone(PARIS).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def as_it_stood(app: PlatformApplication, aggregate_id: UUID, day: date) -> Any:
    """The aggregate rebuilt from its events recorded by the end of ``day`` in France."""
    events = [cast(Aggregate.Event, e) for e in app.events.get(aggregate_id)]
    versions = [e.originator_version for e in events if e.timestamp.astimezone(PARIS).date() <= day]
    return app.repository.get(aggregate_id, version=max(versions)) if versions else None


def national(app: PlatformApplication, company_id: UUID, day: date) -> Any:
    """A company as the plan counts it by the end of ``day``: each SIREN once, in the place
    it was first registered, with the latest size any follower assessed and the furthest
    stage any follower recorded (None before it was registered)."""
    company = as_it_stood(app, company_id, day)
    if company is None:
        return None
    events = [cast(Aggregate.Event, e) for e in app.events.get(company_id)]
    sizes = [
        e
        for e in events
        if isinstance(e, Company.SizeAssessed) and e.originator_version <= company.version
    ]
    stage = max((r.adoption_stage for r in company.records.values()), key=lambda s: s.rank)
    return company.region, sizes[-1].segment, stage


def seen_company(
    app: PlatformApplication, company_id: UUID, tenant: str, profile: Profile, day: date
) -> Any:
    """What a network counts of a company in its figures, on its own terms (a referral does not
    count): its own record if it follows it, else the national row if its profile sees every
    company there (None if neither)."""
    company = as_it_stood(app, company_id, day)
    if company is None:
        return None
    record = company.records.get(tenant)
    if record is not None:
        return record.region, record.segment, record.adoption_stage
    if "company" in profile.sees_all and profile.region in (None, company.region):
        return national(app, company_id, day)
    return None


def sees(profile: Profile, tenant: str, kind: str, owner: str, region: str | None) -> bool:
    """What a network sees on its own terms (without referrals), written out again."""
    in_region = profile.region is None or region is None or region == profile.region
    if kind == "ambassador":
        return in_region
    return owner == tenant or (kind in profile.sees_all and in_region)


def recount(history: History, tenant: str, profile: Profile, day: date) -> dict[str, Any]:
    """The figures counted again from the domain objects as they stood."""
    p = history.platform
    segments: dict[str | None, Counter[str]] = defaultdict(Counter)
    regions: dict[str, Counter[str]] = defaultdict(Counter)
    funnel: Counter[str] = Counter()
    years: Counter[int] = Counter()
    ambassadors = 0
    for company_id in history.ids["company"]:
        seen = seen_company(p.companies, company_id, tenant, profile, day)
        if seen is None:
            continue
        region, segment, stage = seen
        adopted = stage is AdoptionStage.ADOPTED
        segments[segment].update(companies=1, adopted=int(adopted))
        regions[region].update(companies=1, adopting=int(adopted))
    for diagnostic_id in history.ids["diagnostic"]:
        d = as_it_stood(p.diagnostics, diagnostic_id, day)
        if d is None or not sees(profile, tenant, "diagnostic", d.tenant, d.region):
            continue
        funnel.update(
            requested=1,
            report_delivered=int(d.report_delivered_on is not None),
            cofinanced=int(d.cofinancing_cents is not None),
            cents=d.cofinancing_cents or 0,
        )
        regions[d.region].update(diagnostics=1)
    for ambassador_id in history.ids["ambassador"]:
        a = as_it_stood(p.ambassadors, ambassador_id, day)
        if a is None or not sees(profile, tenant, "ambassador", a.tenant, a.region):
            continue
        if a.withdrawn_on is None:
            ambassadors += 1
            if a.region is not None:
                regions[a.region].update(ambassadors=1)
    for partnership_id in history.ids["partnership"]:
        s = as_it_stood(p.partnerships, partnership_id, day)
        if (
            s is not None
            and s.signed_on is not None
            and sees(profile, tenant, "partnership", s.tenant, s.region)
        ):
            # A year is listed for every signature; only those with an SME count towards it.
            years[s.signed_on.year] += int(s.size_category in SME_CATEGORIES)
    return {
        **plan_recount(history, profile, day),
        "adoption": {
            segment: (segments[segment]["adopted"], segments[segment]["companies"])
            for segment in ("TPE", "PME_ETI", "GE")
        },
        "ambassadors": ambassadors,
        "cofinanced": funnel["cofinanced"],
        "funnel": (
            funnel["requested"],
            funnel["report_delivered"],
            funnel["cofinanced"],
            funnel["cents"],
        ),
        "years": dict(years),
        "this_year": years[day.year],
        "regions": {
            region: (c["companies"], c["adopting"], c["diagnostics"], c["ambassadors"])
            for region, c in regions.items()
            if any(c.values())
        },
    }


def plan_recount(history: History, profile: Profile, day: date) -> dict[str, Any]:
    """Counts over the whole plan (within a regional network's region), by hand."""
    p = history.platform
    companies: Counter[tuple[str, str | None, str]] = Counter()
    diagnostics: Counter[tuple[str, str]] = Counter()
    cents: Counter[tuple[str, str]] = Counter()
    for company_id in history.ids["company"]:
        c = national(p.companies, company_id, day)
        if c is not None and profile.region in (None, c[0]):
            region, segment, stage = c
            companies[region, segment, str(stage)] += 1
    for diagnostic_id in history.ids["diagnostic"]:
        d = as_it_stood(p.diagnostics, diagnostic_id, day)
        if d is not None and profile.region in (None, d.region):
            diagnostics[d.region, str(d.status)] += 1
            cents[d.region, str(d.status)] += d.cofinancing_cents or 0
    return {
        "plan_companies": dict(companies),
        "plan_diagnostics": {key: (n, cents[key]) for key, n in diagnostics.items()},
    }


def measured(figures: Progress, plan: Plan) -> dict[str, Any]:
    """The same shape, read from what the projections computed."""
    target = {t.target.code: t for t in figures.targets}
    adoption = {
        "TPE": target[TargetCode.ADOPTION_TPE],
        "PME_ETI": target[TargetCode.ADOPTION_PME_ETI],
        "GE": target[TargetCode.ADOPTION_GE],
    }
    funnel = figures.diagnostic_funnel
    companies, diagnostics = plan
    return {
        "plan_companies": {(c.region, c.segment, c.adoption_stage): c.companies for c in companies},
        "plan_diagnostics": {
            (d.region, d.status): (d.diagnostics, d.cofinancing_cents) for d in diagnostics
        },
        "adoption": {s: (t.numerator, t.denominator) for s, t in adoption.items()},
        "ambassadors": target[TargetCode.AMBASSADORS].measured,
        "cofinanced": target[TargetCode.DIAGNOSTICS].measured,
        "funnel": (
            funnel.requested,
            funnel.report_delivered,
            funnel.cofinanced,
            funnel.cofinancing_cents,
        ),
        "years": {y.year: y.count for y in figures.partnership_years},
        "this_year": target[TargetCode.INRIA_PARTNERSHIPS].measured,
        "regions": {
            r.region: (r.companies, r.adopting, r.diagnostics, r.ambassadors)
            for r in figures.regions
            if (r.companies, r.adopting, r.diagnostics, r.ambassadors) != (0, 0, 0, 0)
        },
    }


Plan = tuple[list[CompanyCount], list[DiagnosticCount]]


def read_every_day(
    database_url: str, tenants: Tenants, days: list[date]
) -> dict[tuple[str, date], tuple[Progress, Plan]]:
    profiles = {tenant: profile_of(tenants, tenant) for tenant in READERS}

    async def read() -> dict[tuple[str, date], tuple[Progress, Plan]]:
        pool = await create_pool(database_url, max_size=2)
        found = {}
        try:
            for tenant in READERS:
                for day in days:
                    async with as_tenant(pool, tenant) as conn:
                        found[tenant, day] = (
                            await progress(conn, tenant, profiles[tenant], day),
                            (
                                await company_counts(conn, tenant, day),
                                await diagnostic_counts(conn, tenant, day),
                            ),
                        )
        finally:
            await pool.close()
        return found

    return asyncio.run(read())


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(first=steps, then=steps)
def test_figures_as_of_a_day_recount_the_records_as_they_stood_and_never_change(
    world: tuple[str, Platform, Tenants],  # noqa: F811
    clock: Clock,  # noqa: F811
    first: list[tuple[str, str, int, int, int]],
    then: list[tuple[str, str, int, int, int]],
) -> None:
    database_url, platform, tenants = world
    clock.now = datetime(2026, 3, 25, 8, 0, tzinfo=UTC)  # clocks go forward on the 29th
    start_world(database_url, platform, tenants)
    history = History(platform, clock)
    for step in first:
        history.play(*step)
    viewers = viewers_of(tenants)
    asyncio.run(build_all(database_url, viewers))
    days = history.days()

    answers = read_every_day(database_url, tenants, days)

    for tenant in READERS:
        profile = profile_of(tenants, tenant)
        for day in days:
            assert measured(*answers[tenant, day]) == recount(history, tenant, profile, day), (
                tenant,
                day,
            )

    # History goes on from the next day; the read models follow incrementally.
    tomorrow = days[-1] + timedelta(days=1)
    clock.now = datetime.combine(tomorrow, time(), PARIS).astimezone(UTC)
    for step in then:
        history.play(*step)
    asyncio.run(catch_up_all(database_url, viewers))

    assert read_every_day(database_url, tenants, days) == answers
