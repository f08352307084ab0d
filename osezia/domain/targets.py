"""The plan's 2030 targets and their baselines, as configuration with their sources.

The adoption baselines (8 % of TPE, 13 % of PME/ETI, 53 % of large groups) are **Bpifrance's**
figures ("solution d'IA clé en main"), quoted when the plan was launched in July 2025; INSEE's
TIC survey measures something else (≥ 10 persons, at least one AI technology, 10 % in 2024).
The platform's own figures use a third definition: the companies it follows. Each target
therefore carries what its measured figure counts (`definition`) and over which records
(`population`), and nobody should compare the two without reading both. Targets the plan
summary states but no source confirmed (INRIA's 10 partnerships a year, 800,000 apprentices a
year) are configuration: the first defaults to the plan summary's value, the second to none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from osezia.domain.errors import InvalidValue

_LAUNCH = "https://www.economie.gouv.fr/actualites/osez-lia-un-plan-pour-diffuser-lia-dans-toutes-les-entreprises"
_BPIFRANCE_BASELINE = (
    "Bpifrance, companies using a turnkey AI solution, quoted at the plan's launch "
    "(July 2025): " + _LAUNCH + " ; attributed to Bpifrance by "
    "https://www.silicon.fr/Thematique/business-1367/Breves/"
    "osez-ia-plan-gouvernement-accelerer-adoption-entreprises-483145.htm"
)
_EUR = 100  # cents
_MEUR = 1_000_000 * _EUR


class Unit(StrEnum):
    PERCENT = "PERCENT"
    COUNT = "COUNT"
    CENTS = "CENTS"


class TargetCode(StrEnum):
    ADOPTION_TPE = "ADOPTION_TPE"
    ADOPTION_PME_ETI = "ADOPTION_PME_ETI"
    ADOPTION_GE = "ADOPTION_GE"
    AMBASSADORS = "AMBASSADORS"
    PEOPLE_TRAINED = "PEOPLE_TRAINED"
    DIAGNOSTICS = "DIAGNOSTICS"
    ACCELERATION = "ACCELERATION"
    INRIA_PARTNERSHIPS = "INRIA_PARTNERSHIPS"
    BUDGET_COMMITTED = "BUDGET_COMMITTED"


@dataclass(frozen=True)
class Baseline:
    """A figure the target is measured from, with where it comes from."""

    value: float
    year: int
    source: str


@dataclass(frozen=True)
class Target:
    """One target of the plan: its value, and exactly what the platform counts against it."""

    code: TargetCode
    label: str
    unit: Unit
    value: float
    definition: str
    population: str
    year: int | None = 2030  # None: a yearly target, for the year asked about
    baseline: Baseline | None = None

    def year_for(self, as_of_year: int) -> int:
        return self.year if self.year is not None else as_of_year

    def progress_percent(self, measured: float) -> float:
        """The share of the way from the baseline (or zero) to the target, never below 0."""
        start = self.baseline.value if self.baseline is not None else 0.0
        if self.value <= start:
            return 100.0
        return max(0.0, (measured - start) / (self.value - start) * 100)


def _adoption(code: TargetCode, segment: str, label: str, value: float, baseline: float) -> Target:
    return Target(
        code=code,
        label=label,
        unit=Unit.PERCENT,
        value=value,
        baseline=Baseline(baseline, 2025, _BPIFRANCE_BASELINE),
        definition=(
            f"Share of the {segment} companies registered on the platform whose AI adoption "
            "stage had reached ADOPTED (the last stage, recorded by a partner network) as of "
            "the date. A company counts in the segment its latest size assessment gave it then "
            "(décret 2008-1354 category: micro = TPE, PME and ETI = PME_ETI, GE). Not "
            "Bpifrance's definition, which the baseline uses, nor INSEE's."
        ),
        population=(
            f"{segment} companies followed on the platform that the network sees on its own "
            "terms (owned, or every company for a network that sees them all; companies only "
            "shared with it by a revocable referral are left out)"
        ),
    )


def _default_targets() -> tuple[Target, ...]:
    return (
        _adoption(TargetCode.ADOPTION_TPE, "TPE", "AI adoption by TPE", 50, 8),
        _adoption(TargetCode.ADOPTION_PME_ETI, "PME_ETI", "AI adoption by PME and ETI", 80, 13),
        _adoption(TargetCode.ADOPTION_GE, "GE", "AI adoption by large groups", 100, 53),
        Target(
            code=TargetCode.AMBASSADORS,
            label="AI ambassadors",
            unit=Unit.COUNT,
            value=300,
            definition="Ambassadors appointed and not withdrawn as of the date.",
            population="The ambassadors directory the network sees (its region, if regional)",
        ),
        Target(
            code=TargetCode.PEOPLE_TRAINED,
            label="People trained in AI",
            unit=Unit.COUNT,
            value=15_000_000,
            definition=(
                "People trained by the Académie de l'IA as of the date: learners who completed "
                "at least one training, each counted once, every audience (employees, leaders, "
                "job seekers, apprentices)."
            ),
            population="Every training of the plan (its region, for a regional network)",
        ),
        Target(
            code=TargetCode.DIAGNOSTICS,
            label="Data IA diagnostics co-financed",
            unit=Unit.COUNT,
            value=5_000,
            definition=(
                "Diagnostics Data IA whose State co-financing was paid as of the date: the plan "
                "co-finances about 5,000 of them. Requests and delivered reports are in the "
                "diagnostic funnel."
            ),
            population="Diagnostics the network sees (Bpifrance and the State: all of them)",
        ),
        Target(
            code=TargetCode.ACCELERATION,
            label="Companies in the acceleration programme",
            unit=Unit.COUNT,
            value=100,
            definition=(
                "Companies admitted to an acceleration cohort as of the date and not exited "
                "before graduating (graduates count)."
            ),
            population="Every cohort of the plan (its region, for a regional network)",
        ),
        Target(
            code=TargetCode.INRIA_PARTNERSHIPS,
            label="INRIA partnerships with SMEs this year",
            unit=Unit.COUNT,
            value=10,
            year=None,
            definition=(
                "INRIA partnerships signed in the calendar year of the date (by signature "
                "date), recorded as of the date; a later abandonment does not undo a signature."
            ),
            population="Partnerships the network sees (INRIA and the State: all of them)",
        ),
        Target(
            code=TargetCode.BUDGET_COMMITTED,
            label="Budget committed",
            unit=Unit.CENTS,
            value=200 * _MEUR,
            definition=(
                "Funds committed to the plan's measures as of the date, against the 200 M€ "
                "envelope (of which 100 M€ from France 2030)."
            ),
            population="Every budget line of the plan (public)",
        ),
    )


@dataclass(frozen=True)
class PlanTargets:
    """The targets the dashboard measures against; every value may be configured."""

    targets: tuple[Target, ...] = field(default_factory=_default_targets)
    # The plan summary's "800,000 apprentices a year": unverified, so no default.
    apprentices_per_year: int | None = None

    def __post_init__(self) -> None:
        codes = sorted(t.code for t in self.targets)
        if codes != sorted(TargetCode):
            raise InvalidValue(f"targets must list each code once: {', '.join(codes)}")
        for target in self.targets:
            if target.value <= 0:
                raise InvalidValue(f"target {target.code} must be positive, got {target.value}")

    @property
    def envelope_cents(self) -> int:
        return int(self.target(TargetCode.BUDGET_COMMITTED).value)

    @property
    def partnerships_per_year(self) -> int:
        """INRIA's yearly target (the plan summary's 10 a year: unverified)."""
        return int(self.target(TargetCode.INRIA_PARTNERSHIPS).value)

    def target(self, code: TargetCode) -> Target:
        for target in self.targets:
            if target.code is code:
                return target
        raise InvalidValue(f"no target {code}")


PLAN_TARGETS = PlanTargets()
