"""The demo's calls for projects: the generative AI call (10 projects selected) and Pionniers
de l'IA with its gates, each award committed to the plan's budget and paid in part at once."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial
from uuid import UUID

from osezia.demo.companies import DemoCompany, refer_to
from osezia.demo.plan import PLAN_LAUNCH
from osezia.demo.timeline import Timeline
from osezia.domain.calls.model import CallForProjects


def calls_for_projects(
    timeline: Timeline, rng: random.Random, companies: list[DemoCompany]
) -> None:
    """The generative AI call (10 projects selected) and Pionniers de l'IA with its gates."""
    c = timeline.platform.calls
    pme = [co for co in companies if co.is_pme_or_eti]
    timeline.at(
        PLAN_LAUNCH,
        lambda day: c.open_call(
            "bpifrance",
            code="IA_GENERATIVE",
            opens_on=date(2025, 4, 15),
            closes_on=date(2025, 10, 31),
        ),
    )
    timeline.at(
        date(2025, 9, 18),
        lambda day: c.open_call(
            "bpifrance", code="PIONNIERS_IA", opens_on=day, closes_on=date(2026, 3, 31)
        ),
    )
    generative = [co for co in pme if co.registered_on <= date(2025, 10, 20)]
    for k, co in enumerate(rng.sample(generative, min(len(generative), 32))):
        submitted = max(co.registered_on, PLAN_LAUNCH) + timedelta(days=rng.randint(1, 30))
        timeline.at(submitted, partial(_apply_generative, timeline, rng, co, k))
    pionniers = [co for co in pme if co.registered_on <= date(2026, 3, 15)]
    for k, co in enumerate(rng.sample(pionniers, min(len(pionniers), 45))):
        submitted = max(co.registered_on, date(2025, 9, 20)) + timedelta(days=rng.randint(1, 60))
        timeline.at(submitted, partial(_apply_pionniers, timeline, rng, co, k))


def _apply_generative(
    timeline: Timeline, rng: random.Random, co: DemoCompany, k: int, day: date
) -> None:
    c = timeline.platform.calls
    network = co.owner if co.owner != "inria" else "french-tech"
    refer_to(timeline, co, network, "FINANCING")
    application = c.submit_application(
        network,
        call_id=CallForProjects.create_id("IA_GENERATIVE"),
        company_id=co.id,
        project_title=f"Assistant génératif pour la filière — consortium {k + 1}",
    )
    decided = date(2025, 12, 10)
    if k < 10:
        timeline.at(decided, lambda d: c.select_application("bpifrance", application))
        amount = rng.randrange(500, 2_001, 50) * 100_000
        timeline.at(
            decided + timedelta(days=20),
            lambda d: _award(timeline, application, 1, amount, 24, d, "bpifrance"),
        )
    else:
        timeline.at(
            decided,
            lambda d: c.reject_application(
                "bpifrance", application, reason="Réplicabilité insuffisante"
            ),
        )


def _apply_pionniers(
    timeline: Timeline, rng: random.Random, co: DemoCompany, k: int, day: date
) -> None:
    c = timeline.platform.calls
    network = co.owner
    application = c.submit_application(
        network,
        call_id=CallForProjects.create_id("PIONNIERS_IA"),
        company_id=co.id,
        project_title=f"Pionniers de l'IA — projet {k + 1}",
    )
    decided = date(2026, 4, 15) + timedelta(days=k % 20)
    if k % 3:
        timeline.at(
            decided, lambda d: c.reject_application("inria", application, reason="Hors priorités")
        )
        return
    timeline.at(decided, lambda d: c.select_application("inria", application))
    months = rng.randint(6, 12)
    first = decided + timedelta(days=rng.randint(10, 30))
    amount = rng.randrange(100, 201, 5) * 100_000
    timeline.at(first, lambda d: _award(timeline, application, 1, amount, months, d, "inria"))
    gate = first + timedelta(days=30 * months)
    passed = rng.random() < 0.7

    def evaluate(day: date) -> None:
        c.evaluate_gate(
            "inria", application, phase=1, passed=passed, on=day,
            comment="Faisabilité démontrée" if passed else "Verrou technique non levé",
        )  # fmt: skip
        if passed:
            second = rng.randrange(400, 801, 10) * 100_000
            timeline.at(
                day + timedelta(days=20),
                lambda d: _award(timeline, application, 2, second, 12, d, "bpifrance"),
            )

    timeline.at(gate, evaluate)


def _award(
    timeline: Timeline, application: UUID, phase: int, amount: int, months: int, day: date, by: str
) -> None:
    timeline.platform.calls.award_phase(
        by, application, phase=phase, amount_cents=amount, months=months, on=day
    )
    reference = f"AAP-{application}-{phase}"
    b = timeline.platform.budget
    b.commit_funds("operator", measure="CALLS", amount_cents=amount, reference=reference, on=day)
    # An advance of 30 % is paid at the award, the rest at the milestones.
    b.pay_funds(
        "operator", measure="CALLS", reference=reference, amount_cents=amount * 3 // 10, on=day
    )
