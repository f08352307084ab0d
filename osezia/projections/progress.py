"""Progress towards the plan's 2030 targets, as of any past day, from the caller's own schema.

What "as of day D" means is said in ``asof``: what was recorded before the end of D in France.

Record-level figures (companies, diagnostics, ambassadors, partnerships) come from the
tenant's own views: what it sees. Figures of measures whose records not every network sees
(trainings, cohorts, budget) come from the aggregated figure views of the same schema, already
filtered to a regional network's region. Every schema serves every figure view of the
release: `osezia migrate` recreates the views of live read models.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from osezia.domain.geography import REGIONS
from osezia.domain.naf import SECTION_LABELS, section_of_division
from osezia.domain.sizes import Segment
from osezia.domain.targets import PLAN_TARGETS, PlanTargets, Target, TargetCode
from osezia.projections.asof import end_of
from osezia.projections.connections import Connection
from osezia.projections.names import stable_schema
from osezia.projections.partnerships import SME
from osezia.projections.surveys import SurveyMeasurement, measurements
from osezia.tenants.profiles import Profile

NATIONAL = "NATIONAL"

_ADOPTION = {
    Segment.TPE: TargetCode.ADOPTION_TPE,
    Segment.PME_ETI: TargetCode.ADOPTION_PME_ETI,
    Segment.GE: TargetCode.ADOPTION_GE,
}


@dataclass(frozen=True)
class TargetProgress:
    target: Target
    measured: float
    numerator: float | None
    denominator: float | None
    year: int
    progress_percent: float
    # What surveys measured that bears on the target, beside the platform's own share.
    surveys: tuple[SurveyMeasurement, ...] = ()


@dataclass(frozen=True)
class YearCount:
    year: int
    count: int
    target: int | None
    others: int = 0  # counted apart, not towards the target (partnerships with no SME)


@dataclass(frozen=True)
class RegionFigures:
    region: str
    name: str
    companies: int
    adopting: int
    diagnostics: int
    trained: int
    ambassadors: int


@dataclass(frozen=True)
class DiagnosticFunnel:
    requested: int
    report_delivered: int
    cofinanced: int
    cofinancing_cents: int


@dataclass(frozen=True)
class BudgetMeasure:
    measure: str
    allocated_cents: int | None  # None: no published allocation
    committed_cents: int
    paid_cents: int


@dataclass(frozen=True)
class BudgetProgress:
    envelope_cents: int
    committed_cents: int
    paid_cents: int
    measures: list[BudgetMeasure]


@dataclass(frozen=True)
class Progress:
    as_of: date
    scope: str
    every_company: bool  # every company followed on the platform, or the network's own only
    targets: list[TargetProgress]
    partnership_years: list[YearCount]
    apprentice_years: list[YearCount]
    regions: list[RegionFigures]
    diagnostic_funnel: DiagnosticFunnel
    budget: BudgetProgress
    sections: list[SectionFigures]


@dataclass(frozen=True)
class SectionFigures:
    """Companies followed, and of them adopting AI, in one section of NAF rév. 2."""

    section: str
    label: str
    companies: int
    adopting: int


async def companies_by_region_and_segment(
    conn: Connection, tenant: str, profile: Profile | None, cutoff: datetime
) -> list[tuple[str, str | None, str, int, int]]:
    """(region, segment then, NAF section, companies registered, of which adopted) before the
    cutoff.

    Only companies the network sees on its own terms count (its own, or all of them when its
    profile sees every company): one seen through a referral is left out, because revoking the
    referral removes its row, and a past day's answer would change.
    """
    schema = stable_schema(tenant)
    sees_every_company = profile is None or "company" in profile.sees_all
    rows = await conn.fetch(
        "WITH as_of AS (SELECT region, left(naf, 2) AS division, "
        "(SELECT h.step->>'segment' FROM jsonb_array_elements(segment_history) "
        "WITH ORDINALITY AS h(step, n) WHERE (h.step->>'at')::timestamptz < $1 "
        "ORDER BY h.n DESC LIMIT 1) AS segment, "
        "coalesce(adopted_at < $1, false) AS adopted "
        f'FROM "{schema}".companies WHERE registered_at < $1 '
        "AND (owner = $2 OR $3)) "
        "SELECT region, segment, division, count(*) AS companies, "
        "count(*) FILTER (WHERE adopted) AS adopted FROM as_of GROUP BY region, segment, division",
        cutoff,
        tenant,
        sees_every_company,
    )
    return [
        (r["region"], r["segment"], _section(r["division"]), r["companies"], r["adopted"])
        for r in rows
    ]


def _section(division: str) -> str:
    """The NAF section of a division ("?" for a code that names none)."""
    return (section_of_division(int(division)) or "?") if division.isdigit() else "?"


async def diagnostics_by_region(
    conn: Connection, tenant: str, cutoff: datetime
) -> dict[str, DiagnosticFunnel]:
    rows = await conn.fetch(
        "SELECT region, count(*) AS requested, "
        "count(*) FILTER (WHERE report_delivered_at < $1) AS report_delivered, "
        "count(*) FILTER (WHERE cofinanced_at < $1) AS cofinanced, "
        "coalesce(sum(cofinancing_cents) FILTER (WHERE cofinanced_at < $1), 0) AS cents "
        f'FROM "{stable_schema(tenant)}".diagnostics WHERE requested_at < $1 GROUP BY region',
        cutoff,
    )
    return {
        r["region"]: DiagnosticFunnel(
            r["requested"], r["report_delivered"], r["cofinanced"], int(r["cents"])
        )
        for r in rows
    }


async def ambassadors_by_region(
    conn: Connection, tenant: str, cutoff: datetime
) -> dict[str | None, int]:
    """Ambassadors appointed and not withdrawn before the cutoff; None: national ones."""
    rows = await conn.fetch(
        "SELECT region, count(*) AS ambassadors "
        f'FROM "{stable_schema(tenant)}".ambassadors '
        "WHERE appointed_at < $1 AND (withdrawn_at IS NULL OR withdrawn_at >= $1) "
        "GROUP BY region",
        cutoff,
    )
    return {r["region"]: r["ambassadors"] for r in rows}


async def partnerships_by_year(
    conn: Connection, tenant: str, cutoff: datetime
) -> dict[int, tuple[int, int]]:
    """Partnerships signed before the cutoff, by the year of their signature date: those with
    an SME (what the target counts), and the others."""
    rows = await conn.fetch(
        f"SELECT year, count(*) FILTER (WHERE {SME}) AS smes, count(*) AS signed "
        f'FROM "{stable_schema(tenant)}".partnerships WHERE signed_at < $1 GROUP BY year',
        cutoff,
    )
    return {r["year"]: (r["smes"], r["signed"] - r["smes"]) for r in rows}


async def trained_by_region(conn: Connection, tenant: str, day: date) -> dict[str, int]:
    schema = stable_schema(tenant)
    rows = await conn.fetch(
        f'SELECT region, sum(people) AS people FROM "{schema}".figures_people_trained '
        "WHERE completed_day <= $1 GROUP BY region",
        day,
    )
    return {r["region"]: int(r["people"]) for r in rows}


async def apprentices_by_year(conn: Connection, tenant: str, day: date) -> dict[int, int]:
    """Apprentices trained, by the year they first completed a training, as recorded by
    ``day``."""
    schema = stable_schema(tenant)
    rows = await conn.fetch(
        f'SELECT completed_year, sum(people) AS people FROM "{schema}".figures_people_trained '
        "WHERE audience = 'APPRENTICE' AND completed_day <= $1 GROUP BY completed_year",
        day,
    )
    return {r["completed_year"]: int(r["people"]) for r in rows}


async def accelerated(conn: Connection, tenant: str, day: date) -> int:
    schema = stable_schema(tenant)
    # The admission each company counted by on that day: one it had then, and had not left.
    total = await conn.fetchval(
        f'SELECT coalesce(sum(companies), 0) FROM "{schema}".figures_acceleration_history '
        "WHERE counted_from <= $1 AND (counted_until IS NULL OR counted_until > $1) "
        "AND (exited_day IS NULL OR exited_day > $1)",
        day,
    )
    return int(total)


async def budget(conn: Connection, tenant: str, day: date, envelope_cents: int) -> BudgetProgress:
    """Committed and paid by measure as recorded by ``day``; allocations as they stand."""
    schema = stable_schema(tenant)
    allocated: dict[str, int | None] = {}
    moved: dict[tuple[str, str], int] = {}
    for r in await conn.fetch(
        f'SELECT measure, allocated_cents FROM "{schema}".figures_budget WHERE opened_day <= $1',
        day,
    ):
        cents = r["allocated_cents"]
        allocated[r["measure"]] = None if cents is None else int(cents)
    for r in await conn.fetch(
        f'SELECT measure, kind, sum(amount_cents) AS cents FROM "{schema}".'
        "figures_budget_movements WHERE day <= $1 GROUP BY measure, kind",
        day,
    ):
        moved[r["measure"], r["kind"]] = int(r["cents"])
    measures = [
        BudgetMeasure(
            measure,
            allocated.get(measure),
            moved.get((measure, "COMMITMENT"), 0),
            moved.get((measure, "PAYMENT"), 0),
        )
        for measure in sorted(allocated.keys() | {m for m, _ in moved})
    ]
    return BudgetProgress(
        envelope_cents,
        sum(m.committed_cents for m in measures),
        sum(m.paid_cents for m in measures),
        measures,
    )


def _percent(part: int, whole: int) -> float:
    return 100 * part / whole if whole else 0.0


def _measured(
    target: Target,
    measured: float,
    as_of: date,
    ratio: tuple[int, int] | None = None,
    surveys: tuple[SurveyMeasurement, ...] = (),
) -> TargetProgress:
    return TargetProgress(
        target=target,
        measured=measured,
        numerator=float(ratio[0]) if ratio else None,
        denominator=float(ratio[1]) if ratio else None,
        year=target.year_for(as_of.year),
        progress_percent=target.progress_percent(measured),
        surveys=surveys,
    )


def segment_of_target(code: TargetCode) -> Segment | None:
    """The segment whose adoption the target measures; None for the other targets."""
    return next((s for s, adoption in _ADOPTION.items() if adoption is code), None)


def bearing_on(segment: Segment, found: list[SurveyMeasurement]) -> tuple[SurveyMeasurement, ...]:
    """The measurements shown beside a segment's adoption figure: those of the segment, and
    those whose population maps to no segment (each says which population it is over)."""
    return tuple(m for m in found if m.segment is None or m.segment == segment)


async def progress(
    conn: Connection,
    tenant: str,
    profile: Profile | None,
    as_of: date,
    targets: PlanTargets = PLAN_TARGETS,
) -> Progress:
    """Every figure as of the end of ``as_of``, within what ``tenant`` sees. Call inside one
    transaction, so that all figures describe the same state of the read models."""
    cutoff = end_of(as_of)
    companies = await companies_by_region_and_segment(conn, tenant, profile, cutoff)
    diagnostics = await diagnostics_by_region(conn, tenant, cutoff)
    ambassadors = await ambassadors_by_region(conn, tenant, cutoff)
    partnerships = await partnerships_by_year(conn, tenant, cutoff)
    trained = await trained_by_region(conn, tenant, as_of)
    apprentices = await apprentices_by_year(conn, tenant, as_of)
    money = await budget(conn, tenant, as_of, targets.envelope_cents)
    surveyed = await measurements(conn, tenant, cutoff=cutoff)

    by_segment: dict[str | None, list[int]] = defaultdict(lambda: [0, 0])
    by_region: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_section: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for region, segment, section, registered, adopted in companies:
        for totals in (by_segment[segment], by_region[region], by_section[section]):
            totals[0] += registered
            totals[1] += adopted
    funnel = DiagnosticFunnel(
        requested=sum(f.requested for f in diagnostics.values()),
        report_delivered=sum(f.report_delivered for f in diagnostics.values()),
        cofinanced=sum(f.cofinanced for f in diagnostics.values()),
        cofinancing_cents=sum(f.cofinancing_cents for f in diagnostics.values()),
    )
    counts: dict[TargetCode, float] = {
        TargetCode.AMBASSADORS: sum(ambassadors.values()),
        TargetCode.PEOPLE_TRAINED: sum(trained.values()),
        TargetCode.DIAGNOSTICS: funnel.cofinanced,
        TargetCode.ACCELERATION: await accelerated(conn, tenant, as_of),
        TargetCode.INRIA_PARTNERSHIPS: partnerships.get(as_of.year, (0, 0))[0],
        TargetCode.BUDGET_COMMITTED: money.committed_cents,
    }
    measured: list[TargetProgress] = []
    for target in targets.targets:
        segment = segment_of_target(target.code)
        if segment is None:
            measured.append(_measured(target, counts[target.code], as_of))
            continue
        registered, adopted = by_segment[segment]
        ratio = (adopted, registered)
        share = _percent(adopted, registered)
        measured.append(_measured(target, share, as_of, ratio, bearing_on(segment, surveyed)))

    return Progress(
        as_of=as_of,
        scope=profile.region if profile is not None and profile.region else NATIONAL,
        every_company=profile is None or "company" in profile.sees_all,
        targets=measured,
        partnership_years=[
            YearCount(year, smes, targets.partnerships_per_year, others)
            for year, (smes, others) in sorted(partnerships.items())
        ],
        apprentice_years=[
            YearCount(year, count, targets.apprentices_per_year)
            for year, count in sorted(apprentices.items())
        ],
        regions=[
            RegionFigures(
                region=code,
                name=name,
                companies=by_region[code][0],
                adopting=by_region[code][1],
                diagnostics=diagnostics[code].requested if code in diagnostics else 0,
                trained=trained.get(code, 0),
                ambassadors=ambassadors.get(code, 0),
            )
            for code, name in sorted(REGIONS.items())
        ],
        diagnostic_funnel=funnel,
        budget=money,
        sections=[
            SectionFigures(section, SECTION_LABELS.get(section, ""), *by_section[section])
            for section in sorted(by_section)
        ],
    )
