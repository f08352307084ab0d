"""The demo's other measures: the Académie, loans, acceleration, catalogue, budget and the
survey measurements the figures are read beside (the calls for projects are in ``calls``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from uuid import UUID

from osezia.demo.companies import DemoCompany, refer_to
from osezia.demo.timeline import Timeline
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.geography import REGIONS
from osezia.domain.identifiers import complete_siren
from osezia.domain.solutions.usecases import UseCaseCategory

PLAN_LAUNCH = date(2025, 7, 1)
ACADEMIE_LAUNCH = date(2025, 10, 15)  # "October 2025" or "by end of 2025": unverified
LOANS_START = date(2026, 1, 5)  # "January 2026": unverified
CATALOGUE_ONLINE = date(2025, 10, 1)
_TRAININGS = (
    ("IA-DECOUVRIR", "Découvrir l'IA en entreprise"),
    ("IA-DIRIGEANT", "Piloter un projet d'IA : le parcours du dirigeant"),
    ("IA-GENERATIVE", "IA générative au quotidien"),
    ("IA-DONNEES", "Préparer ses données pour l'IA"),
    ("IA-METIERS", "L'IA dans mon métier"),
)
_AUDIENCES = ("EMPLOYEE",) * 11 + ("LEADER",) * 4 + ("JOB_SEEKER",) * 3 + ("APPRENTICE",) * 2
_PROVIDERS = (
    ("Mistral Solutions", "FR"), ("Lumière Analytics", "FR"), ("Donnée Claire", "FR"),
    ("Atelier Vision", "FR"), ("Prévisia", "FR"), ("Hexa Robotique", "FR"),
    ("Nordic Data Works", "EU"), ("Datalake Europa", "EU"), ("Agentia GmbH", "EU"),
    ("Global AI Suite", "OTHER"), ("Cloud Insight Inc", "OTHER"), ("Sécurité Augmentée", "FR"),
)  # fmt: skip


def budget(timeline: Timeline) -> None:
    """The operator opens the 200 M€ envelope at the launch, with the default split."""
    timeline.at(PLAN_LAUNCH, lambda day: _open_budget(timeline))


def _open_budget(timeline: Timeline) -> None:
    timeline.platform.budget.open_budget("operator")


_INSEE_TIC_2024 = (
    "https://www.bfmtv.com/economie/entreprises/"
    "10-des-entreprises-francaises-utilisent-l-ia-moins-que-dans-le-reste-de-l-europe_AD-202507010689.html"
)
_LE_LAB = (
    "https://alliancy.fr/bpifrance-renforce-son-soutien-a-lintelligence-artificielle-avec-un-"
    "plan-dinvestissement-de-10-milliards-deuros"
)
_INSEE = ("INSEE_TIC", "share of companies using at least one AI technology")
_TEN_OR_MORE = "companies with 10 persons or more"
_GENAI_PME = ("BPIFRANCE_LE_LAB", "share of PME using generative AI")
# (survey, what it measures, population, segment, year, basis points, source): INSEE's TIC
# survey published on 1 July 2025, and Bpifrance Le Lab as quoted by the press.
_MEASUREMENTS = (
    (*_INSEE, _TEN_OR_MORE, None, 2023, 600, _INSEE_TIC_2024),
    (*_INSEE, _TEN_OR_MORE, None, 2024, 1000, _INSEE_TIC_2024),
    (*_GENAI_PME, "PME", "PME_ETI", 2023, 1500, _LE_LAB),
    (*_GENAI_PME, "PME", "PME_ETI", 2024, 3100, _LE_LAB),
)


def surveys(timeline: Timeline) -> None:
    """At the launch, the operator records what the surveys had measured, so that the
    platform's adoption figures show beside the country's."""
    timeline.at(PLAN_LAUNCH, lambda day: _record_measurements(timeline))


def _record_measurements(timeline: Timeline) -> None:
    for survey, measures, population, segment, year, value, url in _MEASUREMENTS:
        timeline.platform.surveys.record_survey_measurement(
            "operator",
            survey=survey,
            measures=measures,
            population=population,
            segment=segment,
            year=year,
            value_basis_points=value,
            source_url=url,
        )


def trainings(
    timeline: Timeline, rng: random.Random, companies: list[DemoCompany], learners: int
) -> None:
    """Learners enrolled by the Académie's platform, more each month; most complete."""
    a = timeline.platform.trainings
    regions = sorted(REGIONS)
    span = (timeline.until - ACADEMIE_LAUNCH).days
    for n in range(learners):
        enrolled = ACADEMIE_LAUNCH + timedelta(days=int(span * rng.random() ** 0.7))
        code, title = rng.choice(_TRAININGS)
        audience = rng.choice(_AUDIENCES)
        if audience == "LEADER":
            code, title = _TRAININGS[1]
        employer = (
            rng.choice(companies) if audience != "JOB_SEEKER" and rng.random() < 0.3 else None
        )
        region = employer.region if employer else rng.choice(regions)
        siren = employer.siren if employer and employer.registered_on <= enrolled else None
        finishes = rng.random() < 0.65
        days = rng.randint(5, 60)

        def enrol(
            day: date, n: int = n, code: str = code, title: str = title, audience: str = audience,
            region: str = region, siren: str | None = siren, finishes: bool = finishes,
            days: int = days,
        ) -> None:  # fmt: skip
            enrolment = a.enrol_learner(
                "operator",
                learner_ref=f"APP-{n:07d}",
                training_code=code,
                training_title=title,
                audience=audience,
                region=region,
                siren=siren,
                on=day,
            )
            if finishes:
                timeline.at(
                    day + timedelta(days=days),
                    lambda d: a.complete_training("operator", enrolment, on=d),
                )

        timeline.at(enrolled, enrol)


def loans(timeline: Timeline, rng: random.Random, companies: list[DemoCompany]) -> None:
    """State-guaranteed loans for PME and ETI projects, from January 2026."""
    candidates = [c for c in companies if c.is_pme_or_eti]
    for c in rng.sample(candidates, min(len(candidates), 160)):
        applied = max(LOANS_START, c.registered_on) + timedelta(days=rng.randint(0, 280))
        amount = rng.randrange(50_000, 500_001, 10_000) * 100
        term = rng.choice((36, 60, 84, 120))
        network = c.owner if c.owner in ("cci", "french-tech", "bpifrance") else "bpifrance"

        def apply(
            day: date, c: DemoCompany = c, amount: int = amount, term: int = term,
            network: str = network,
        ) -> None:  # fmt: skip
            p = timeline.platform
            refer_to(timeline, c, network, "FINANCING")
            loan = p.loans.apply_for_loan(
                network,
                company_id=c.id,
                amount_cents=amount,
                term_months=term,
                purpose="Projet d'IA structurant : données, modèles et intégration",
                on=day,
            )
            decided = day + timedelta(days=rng.randint(10, 40))
            if rng.random() < 0.2:
                timeline.at(
                    decided,
                    lambda d: p.loans.refuse_guarantee(
                        "bpifrance", loan, on=d, reason="Plan de financement incomplet"
                    ),
                )
                return
            timeline.at(decided, lambda d: _grant(timeline, loan, amount, d))
            timeline.at(
                decided + timedelta(days=rng.randint(15, 60)),
                lambda d: p.loans.disburse_loan("bpifrance", loan, amount_cents=amount, on=d),
            )

        timeline.at(applied, apply)


def _grant(timeline: Timeline, loan: UUID, amount: int, day: date) -> None:
    timeline.platform.loans.grant_guarantee("bpifrance", loan, on=day)
    # The guarantee fund sets aside part of what it guarantees (a provision of a quarter here).
    timeline.platform.budget.commit_funds(
        "operator", measure="GUARANTEE_FUND", amount_cents=amount // 4, reference=f"PGE-{loan}",
        on=day,
    )  # fmt: skip


def acceleration(timeline: Timeline, rng: random.Random, companies: list[DemoCompany]) -> None:
    """One cohort of 100 high-potential companies, from January 2026."""
    x = timeline.platform.acceleration
    starts = date(2026, 1, 15)
    eligible = [c for c in companies if c.is_pme_or_eti and c.registered_on < starts]
    chosen = rng.sample(eligible, min(len(eligible), 96))

    def open_cohort(day: date) -> None:
        cohort = x.open_cohort(
            "bpifrance", name="Accélérateur IA — promotion 2026", starts_on=starts
        )
        for k, c in enumerate(chosen):
            admitted = starts + timedelta(days=k // 8)
            timeline.at(
                admitted,
                partial(_admit, timeline, cohort, c),
            )
            for m, milestone in enumerate(
                ("Diagnostic stratégique", "Feuille de route IA validée", "Premier cas d'usage")
            ):
                timeline.at(
                    admitted + timedelta(days=60 + 110 * m + rng.randint(0, 30)),
                    partial(_milestone, timeline, cohort, c, milestone),
                )
            if rng.random() < 0.06:
                timeline.at(
                    admitted + timedelta(days=rng.randint(60, 250)),
                    partial(_exit, timeline, cohort, c),
                )

    timeline.at(starts - timedelta(days=30), open_cohort)


def _admit(timeline: Timeline, cohort: UUID, c: DemoCompany, day: date) -> None:
    refer_to(timeline, c, "bpifrance", "FINANCING")
    timeline.platform.acceleration.admit_to_cohort("bpifrance", cohort, company_id=c.id, on=day)


def _milestone(timeline: Timeline, cohort: UUID, c: DemoCompany, milestone: str, day: date) -> None:
    timeline.platform.acceleration.record_milestone(
        "bpifrance", cohort, company_id=c.id, milestone=milestone, on=day
    )


def _exit(timeline: Timeline, cohort: UUID, c: DemoCompany, day: date) -> None:
    timeline.platform.acceleration.exit_cohort(
        "bpifrance", cohort, company_id=c.id, on=day, reason="Cession de l'entreprise"
    )


def _list_provider(timeline: Timeline, siren: str, name: str, sovereignty: str, day: date) -> None:
    timeline.platform.solutions.list_provider(
        "bpifrance", siren=siren, name=name, sovereignty=sovereignty
    )


def adopter(
    timeline: Timeline, rng: random.Random, solutions: list[UUID]
) -> Callable[[DemoCompany, date], None]:
    """How a company adopts AI once the catalogue is online: often through one of its solutions
    (recorded as an adoption), otherwise on its own."""

    def adopt(c: DemoCompany, day: date) -> None:
        listed = [s for s in solutions if day >= CATALOGUE_ONLINE + timedelta(days=30)]
        if listed and rng.random() < 0.6:
            timeline.platform.solutions.record_adoption(
                c.owner, company_id=c.id, solution_id=rng.choice(listed), on=day
            )
        else:
            timeline.platform.companies.advance_adoption(
                c.owner, c.id, stage=AdoptionStage.ADOPTED, on=day
            )

    return adopt


def solutions(timeline: Timeline, rng: random.Random) -> list[UUID]:
    """Providers and their turnkey solutions, online from October 2025; returns solution ids."""
    k = timeline.platform.solutions
    solutions: list[UUID] = []
    categories = list(UseCaseCategory)
    for n, (name, sovereignty) in enumerate(_PROVIDERS):
        siren = complete_siren(f"{70_000_000 + n * 13:08d}")
        provider = k.provider_id_for(siren)
        day = CATALOGUE_ONLINE + timedelta(days=n * 9)
        timeline.at(
            day,
            partial(_list_provider, timeline, siren, name, sovereignty),
        )
        for j in range(rng.randint(2, 4)):
            picked = rng.sample(categories, rng.randint(1, 3))
            solution_name = f"{name} — offre {j + 1}"

            def list_solution(
                d: date,
                p: UUID = provider,
                nm: str = solution_name,
                cats: list = picked,  # type: ignore[type-arg]
            ) -> None:
                solutions.append(
                    k.list_solution(
                        "bpifrance",
                        provider_id=p,
                        name=nm,
                        description="Solution clé en main, déployée en moins de trois mois",
                        categories=[str(c) for c in cats],
                    )
                )

            timeline.at(day + timedelta(days=1 + j), list_solution)
    return solutions
