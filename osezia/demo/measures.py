"""The demo's diagnostics Data IA, ambassadors, events and INRIA partnerships."""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial
from uuid import UUID

from osezia.demo.companies import DemoCompany, refer_to
from osezia.demo.timeline import Timeline
from osezia.domain.diagnostics.usecases import UseCase, UseCaseScore
from osezia.domain.geography import REGIONS
from osezia.domain.identifiers import complete_siren

# Use-case codes are the catalogue's categories, so a diagnostic's use cases find solutions.
USE_CASES = (
    ("CUSTOMER_SERVICE", "Assistant pour le service client"),
    ("DOCUMENT_PROCESSING", "Lecture automatique des factures et des bons de commande"),
    ("SALES_MARKETING", "Devis générés à partir des demandes clients"),
    ("FORECASTING", "Prévision des ventes et des stocks"),
    ("QUALITY_CONTROL", "Contrôle qualité par vision"),
    ("PREDICTIVE_MAINTENANCE", "Maintenance prédictive des machines"),
    ("FINANCE_ADMIN", "Rapprochements comptables"),
    ("LOGISTICS", "Optimisation des tournées"),
)
DIAGNOSTICS_START = date(2025, 10, 1)
FIRST_MEETUP = date(2025, 9, 15)
NATIONAL_DAY = date(2026, 2, 10)  # the plan summary's "February 2026": unverified
_TEAMS = ("Équipe Willow", "Équipe Scool", "Équipe Statify", "Équipe Flowers", "Équipe Magnet",
          "Équipe Sierra", "Équipe Inedit", "Équipe Tau")  # fmt: skip
_TOPICS = ("Vision pour le contrôle qualité", "Jumeau numérique de ligne de production",
           "Apprentissage frugal sur données industrielles", "Agents conversationnels métier",
           "Prévision de la demande énergétique")  # fmt: skip
_SECTORS = ("INDUSTRIE", "AGRICULTURE", "TRANSPORT", "SANTE", "COMMERCE", "TOURISME", "BTP")


def diagnostics(timeline: Timeline, rng: random.Random, companies: list[DemoCompany]) -> None:
    """Bpifrance's diagnostics: mostly PME and ETI (the eligible ones), at every stage."""
    for c in companies:
        wanted = 0.45 if c.is_pme_or_eti else 0.004
        if rng.random() >= wanted:
            continue
        start = max(c.registered_on, DIAGNOSTICS_START) + timedelta(days=rng.randint(3, 90))
        requester = c.owner if c.owner in ("cci", "bpifrance") else "bpifrance"
        timeline.at(start, partial(_request, timeline, rng, c, requester))


def _request(
    timeline: Timeline, rng: random.Random, c: DemoCompany, requester: str, day: date
) -> None:
    d = timeline.platform.diagnostics
    refer_to(timeline, c, requester, "DIAGNOSTIC")
    diagnostic = d.request_diagnostic(requester, company_id=c.id)
    cases = rng.sample(USE_CASES, 3)
    price = rng.choice((1_000_000, 1_200_000, 1_500_000))  # 10 expert days, 1,000–1,500 € each
    steps = [
        lambda day: d.check_eligibility("bpifrance", diagnostic),
        lambda day: d.assign_expert("bpifrance", diagnostic, expert=_expert(rng)),
        lambda day: d.log_expert_days("bpifrance", diagnostic, days=2),
        lambda day: d.deliver_inventory("bpifrance", diagnostic),
        lambda day: d.identify_use_cases(
            "bpifrance", diagnostic, use_cases=[UseCase(code, title) for code, title in cases]
        ),
        lambda day: d.log_expert_days("bpifrance", diagnostic, days=4),
        lambda day: d.prioritise_use_cases(
            "bpifrance",
            diagnostic,
            scores=[UseCaseScore(code, rng.randint(1, 5), rng.randint(1, 5)) for code, _ in cases],
        ),
        lambda day: d.log_expert_days("bpifrance", diagnostic, days=4),
        lambda day: d.deliver_report("bpifrance", diagnostic, on=day),
        # Bpifrance pays the State's share, which charges the plan's budget the same day.
        lambda day: d.pay_cofinancing("bpifrance", diagnostic, price_cents=price),
    ]
    _chain(timeline, rng, steps, day, gap=(4, 20))


def _expert(rng: random.Random) -> str:
    return f"Cabinet {rng.choice(('Data', 'Nova', 'Alto', 'Orion', 'Lumen'))} {rng.randint(1, 9)}"


def _chain(
    timeline: Timeline,
    rng: random.Random,
    steps: list,  # type: ignore[type-arg]
    day: date,
    gap: tuple[int, int],
) -> None:
    """Run the steps one after the other, days apart; a refused step ends the chain there."""
    if not steps:
        return
    first, rest = steps[0], steps[1:]

    def run(on: date) -> None:
        first(on)
        _chain(timeline, rng, rest, on + timedelta(days=rng.randint(*gap)), gap)

    timeline.at(day, run)


def ambassadors(timeline: Timeline, rng: random.Random, until: date) -> None:
    """Towards 300: regional ones in every region first, then sectoral and grand public."""
    a = timeline.platform.ambassadors
    regions = sorted(REGIONS)
    plan: list[tuple[str, str | None, tuple[str, ...]]] = []
    for n in range(280):
        if n < 180:
            plan.append(("REGIONAL", regions[n % len(regions)], ()))
        elif n < 240:
            plan.append(("SECTORAL", None, (_SECTORS[n % len(_SECTORS)],)))
        else:
            plan.append(("GRAND_PUBLIC", None, ()))
    for n, (kind, region, sectors) in enumerate(plan):
        appointed = date(2025, 7, 15) + timedelta(days=int(480 * (n / len(plan)) ** 1.3))
        network = ("CCI", "BPIFRANCE", "FRENCH_TECH", "FRANCE_NUM")[n % 4]

        def appoint(
            day: date, n: int = n, kind: str = kind, region: str | None = region,
            sectors: tuple[str, ...] = sectors, network: str = network,
        ) -> None:  # fmt: skip
            ambassador = a.appoint_ambassador(
                "operator",
                full_name=f"Ambassadeur·rice n° {n + 1}",
                kind=kind,
                network=network,
                region=region,
                sectors=sectors,
                appointed_on=day,
            )
            for k in range(rng.randint(0, 6)):
                on = day + timedelta(days=20 + 45 * k)
                timeline.at(
                    on,
                    partial(
                        _intervene,
                        timeline,
                        ambassador,
                        rng.randint(15, 300),
                        rng.choice(("CONFERENCE", "WORKSHOP", "WEBINAR", "MEETUP")),
                    ),
                )
            if rng.random() < 0.03:
                timeline.at(
                    day + timedelta(days=rng.randint(60, 300)),
                    partial(_withdraw, timeline, ambassador),
                )

        timeline.at(appointed, appoint)


def events(
    timeline: Timeline, rng: random.Random, companies: list[DemoCompany], until: date
) -> None:
    """A matchmaking meetup every month in every region since September 2025, and the
    national day."""
    m = timeline.platform.events
    by_region: dict[str, list[DemoCompany]] = {}
    for c in companies:
        by_region.setdefault(c.region, []).append(c)
    month = FIRST_MEETUP
    number = 0
    while month <= until:
        for region in sorted(REGIONS):
            number += 1
            host = "cci" if number % 3 else "bpifrance"
            on = month + timedelta(days=sorted(REGIONS).index(region) % 10)
            scheduled = on - timedelta(days=30)

            def schedule(
                day: date, region: str = region, on: date = on, host: str = host, n: int = number
            ) -> None:
                event = m.schedule_event(
                    host,
                    title=f"Rencontres IA {REGIONS[region]} ({on:%m/%Y})",
                    kind="MONTHLY_MEETUP",
                    region=region,
                    on=on,
                    capacity=80,
                )
                _fill(timeline, rng, event, host, on, n, by_region.get(region, []))

            timeline.at(scheduled, schedule)
        month = (month.replace(day=1) + timedelta(days=32)).replace(day=15)
    timeline.at(
        NATIONAL_DAY - timedelta(days=90),
        lambda day: m.schedule_event(
            "operator",
            title="Journée nationale Osez l'IA",
            kind="NATIONAL_DAY",
            on=NATIONAL_DAY,
            capacity=3000,
        ),
    )


def _fill(
    timeline: Timeline,
    rng: random.Random,
    event: UUID,
    host: str,
    on: date,
    number: int,
    local: list[DemoCompany],
) -> None:
    m = timeline.platform.events
    signup = on - timedelta(days=rng.randint(5, 25))
    # A network invites the companies it follows or was referred.
    known = [
        c for c in local if c.registered_on < signup and (c.owner == host or host in c.referred_to)
    ]
    guests = rng.sample(known, min(len(known), rng.randint(8, 30)))
    providers = [complete_siren(f"{90_000_000 + number * 10 + k:08d}") for k in range(4)]

    def register(day: date) -> None:
        for k, siren in enumerate(providers):
            m.register_provider(host, event, siren=siren, name=f"Solutions IA {number}-{k + 1}")
        for c in guests:
            m.register_company(host, event, company_id=c.id)
            m.book_meeting(host, event, company_id=c.id, provider_siren=rng.choice(providers))

    def attend(day: date) -> None:
        m.hold_event(host, event, on=day)
        for c in guests:
            if rng.random() < 0.8:
                m.record_attendance(host, event, on=day, company_id=c.id)

    timeline.at(signup, register)
    timeline.at(on, attend)


def partnerships(timeline: Timeline, rng: random.Random, companies: list[DemoCompany]) -> None:
    """INRIA's partnerships with SMEs since 2025: about 8 signed in 2025, 9 so far in 2026."""
    p = timeline.platform.partnerships
    pme = [c for c in companies if c.is_pme_or_eti]
    early = [c for c in pme if c.registered_on < date(2025, 10, 10)]
    later = [c for c in pme if date(2025, 10, 10) <= c.registered_on < date(2026, 8, 1)]
    chosen = rng.sample(early, min(len(early), 9)) + rng.sample(later, min(len(later), 12))
    for n, c in enumerate(chosen):
        proposed = max(c.registered_on, date(2025, 9, 1)) + timedelta(days=rng.randint(5, 40))

        def propose(day: date, n: int = n, c: DemoCompany = c) -> None:
            refer_to(timeline, c, "inria", "PARTNERSHIP")
            partnership = p.propose_partnership(
                "inria",
                research_team=_TEAMS[n % len(_TEAMS)],
                topic=_TOPICS[n % len(_TOPICS)],
                company_id=c.id,
            )
            if n % 6 == 5:
                timeline.at(
                    day + timedelta(days=60),
                    lambda d: p.abandon_partnership(
                        "inria", partnership, reason="Projet reporté par l'entreprise"
                    ),
                )
                return
            steps = [
                lambda d: p.sign_partnership("inria", partnership, on=d),
                lambda d: p.start_partnership("inria", partnership, on=d),
            ]
            _chain(timeline, rng, steps, day + timedelta(days=rng.randint(20, 60)), (15, 45))

        timeline.at(proposed, propose)


def referrals(timeline: Timeline, rng: random.Random, companies: list[DemoCompany]) -> None:
    """CCI advisers refer some companies to Bpifrance, with the leader's consent."""
    for c in companies:
        if c.owner != "cci" or not c.is_pme_or_eti or rng.random() >= 0.3:
            continue
        timeline.at(
            c.registered_on + timedelta(days=rng.randint(1, 20)),
            partial(_refer, timeline, c),
        )


def _intervene(timeline: Timeline, ambassador: UUID, audience: int, form: str, day: date) -> None:
    timeline.platform.ambassadors.record_intervention(
        "operator", ambassador, on=day, audience=audience, format=form
    )


def _withdraw(timeline: Timeline, ambassador: UUID, day: date) -> None:
    timeline.platform.ambassadors.withdraw_ambassador(
        "operator", ambassador, reason="Fin de mandat", on=day
    )


def _refer(timeline: Timeline, c: DemoCompany, day: date) -> None:
    timeline.platform.referrals.share_company(
        "cci",
        c.id,
        to_tenant="bpifrance",
        purpose="DIAGNOSTIC",
        reason="Demande un diagnostic Data IA",
        consent_reference=f"Accord écrit du dirigeant, réf. {c.siren}",
    )
    c.referred_to.add("bpifrance")
