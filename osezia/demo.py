"""A small, deterministic demo history covering every aggregate, written through the write API.

The same seed always writes the same history (the clock only stamps the events).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from osezia.domain.companies.model import AdoptionStage, Company
from osezia.domain.diagnostics.model import UseCase, UseCaseScore
from osezia.domain.errors import DomainError
from osezia.domain.geography import REGION_OF_DEPARTEMENT, REGIONS
from osezia.domain.identifiers import complete_siren
from osezia.domain.platform import Platform
from osezia.domain.sizes import SizeFacts

_TRADES = ("Atelier", "Boulangerie", "Conseil", "Données", "Énergie", "Fabrique", "Garage")
_PLACES = ("du Lac", "des Monts", "de la Côte", "du Val", "des Forges", "du Port", "des Prés")
_NAF = ("10.71C", "25.62B", "43.21A", "47.11F", "56.10A", "62.01Z", "69.20Z", "71.12B", "86.21Z")
# Headcounts drawn so that micro-enterprises dominate, as they do in France.
_HEADCOUNTS = (2, 4, 7, 9, 15, 40, 120, 300, 1200, 6000)
_HEADCOUNT_WEIGHTS = (30, 20, 12, 8, 12, 9, 5, 3, 1, 0.3)
_OWNERS = ("cci", "cci", "bpifrance", "french-tech", "inria")
_USE_CASES = (
    ("DEVIS", "Devis générés à partir des demandes clients"),
    ("STOCKS", "Prévision des stocks"),
    ("QUALITE", "Contrôle qualité par vision"),
    ("SUPPORT", "Assistant pour le service client"),
)
_TEAMS = ("Équipe Willow", "Équipe Scool", "Équipe Statify", "Équipe Flowers", "Équipe Magnet")
_FIRST_MEETUP = date(2025, 9, 15)
_NATIONAL_DAY = date(2026, 2, 10)


def demo_siren(n: int) -> str:
    return complete_siren(f"{80_000_000 + n * 7:08d}")


def demo_loaded(platform: Platform) -> bool:
    return platform.companies.find(Company.create_id(demo_siren(0)), Company) is not None


def load_demo(platform: Platform, companies: int = 240, seed: int = 2025) -> dict[str, int]:
    """Write the demo history; return how many records of each kind were written."""
    rng = random.Random(seed)
    counts = {"companies": 0, "diagnostics": 0, "ambassadors": 0, "events": 0, "partnerships": 0}
    departements = sorted(REGION_OF_DEPARTEMENT)
    ids: list[tuple[UUID, str]] = []
    for n in range(companies):
        departement = departements[(n * 37) % len(departements)]
        owner = _OWNERS[n % len(_OWNERS)]
        company_id = platform.companies.register_company(
            owner,
            siren=demo_siren(n),
            legal_name=f"{rng.choice(_TRADES)} {rng.choice(_PLACES)} {n}",
            region=REGION_OF_DEPARTEMENT[departement],
            departement=departement,
            naf=rng.choice(_NAF),
            size=SizeFacts(headcount_uta=Decimal(rng.choices(_HEADCOUNTS, _HEADCOUNT_WEIGHTS)[0])),
        )
        ids.append((company_id, owner))
        counts["companies"] += 1
        day = _FIRST_MEETUP
        for stage in list(AdoptionStage)[1 : rng.randint(1, 4)]:
            day += timedelta(days=rng.randint(5, 60))
            platform.companies.advance_adoption(owner, company_id, stage=stage, on=day)
    for company_id, owner in ids[::9]:
        if owner == "cci":  # a CCI adviser refers the company to Bpifrance, with consent
            platform.referrals.share_company(
                owner,
                company_id,
                to_tenant="bpifrance",
                purpose="DIAGNOSTIC",
                reason="Demande un diagnostic Data IA",
                consent_reference=f"Accord écrit du dirigeant, réf. {company_id.hex[:8]}",
            )
    counts["diagnostics"] = _diagnostics(platform, rng, ids)
    counts["ambassadors"] = _ambassadors(platform, rng)
    counts["events"] = _events(platform, rng, ids)
    counts["partnerships"] = _partnerships(platform, rng, ids)
    return counts


def _diagnostics(platform: Platform, rng: random.Random, ids: list[tuple[UUID, str]]) -> int:
    d = platform.diagnostics
    written = 0
    for company_id, _ in ids[::4]:
        diagnostic = d.request_diagnostic("bpifrance", company_id=company_id)
        written += 1
        steps = rng.randint(0, 8)
        try:
            if steps < 1:
                continue
            d.check_eligibility("bpifrance", diagnostic)
            if steps < 2:
                continue
            d.assign_expert("bpifrance", diagnostic, expert=f"Cabinet Data {rng.randint(1, 9)}")
            d.log_expert_days("bpifrance", diagnostic, days=rng.randint(1, 4))
            if steps < 3:
                continue
            d.deliver_inventory("bpifrance", diagnostic)
            cases = rng.sample(_USE_CASES, 3)
            d.identify_use_cases(
                "bpifrance", diagnostic, use_cases=[UseCase(code, title) for code, title in cases]
            )
            if steps < 5:
                continue
            scores = [UseCaseScore(c, rng.randint(1, 5), rng.randint(1, 5)) for c, _ in cases]
            d.prioritise_use_cases("bpifrance", diagnostic, scores=scores)
            d.log_expert_days("bpifrance", diagnostic, days=rng.randint(3, 6))
            if steps < 6:
                continue
            d.deliver_report(
                "bpifrance", diagnostic, on=date(2026, 1, 1) + timedelta(rng.randint(0, 200))
            )
            if steps < 7:
                continue
            d.pay_cofinancing(
                "bpifrance", diagnostic, price_cents=rng.choice((1_000_000, 1_250_000))
            )
        except DomainError:
            continue  # an ineligible company stops there, as it would in real life
    return written


def _ambassadors(platform: Platform, rng: random.Random) -> int:
    written = 0
    for n, region in enumerate(sorted(REGIONS)):
        ambassador = platform.ambassadors.appoint_ambassador(
            "operator",
            full_name=f"Ambassadeur·rice {REGIONS[region]}",
            kind="REGIONAL",
            network=("CCI", "BPIFRANCE", "FRENCH_TECH")[n % 3],
            region=region,
            appointed_on=date(2025, 9, 1),
        )
        written += 1
        for k in range(rng.randint(0, 3)):
            platform.ambassadors.record_intervention(
                "operator",
                ambassador,
                on=date(2025, 10, 1) + timedelta(days=30 * k),
                audience=rng.randint(15, 200),
                format=rng.choice(("CONFERENCE", "WORKSHOP", "WEBINAR", "MEETUP")),
            )
    return written


def _events(platform: Platform, rng: random.Random, ids: list[tuple[UUID, str]]) -> int:
    written = 0
    for month in range(6):
        on = _FIRST_MEETUP + timedelta(days=30 * month)
        for region in sorted(REGIONS)[month % 3 :: 3]:
            event_id = platform.meetups.schedule_event(
                "cci",
                title=f"Rencontres IA {REGIONS[region]}",
                kind="MONTHLY_MEETUP",
                region=region,
                on=on,
                capacity=60,
            )
            written += 1
            provider = complete_siren(f"{90_000_000 + written:08d}")
            platform.meetups.register_provider("cci", event_id, siren=provider, name="Solutions IA")
            for company_id, _ in rng.sample(ids, 3):
                platform.meetups.register_company("cci", event_id, company_id=company_id)
                platform.meetups.book_meeting(
                    "cci", event_id, company_id=company_id, provider_siren=provider
                )
    platform.meetups.schedule_event(
        "operator",
        title="Journée nationale Osez l'IA",
        kind="NATIONAL_DAY",
        on=_NATIONAL_DAY,
        capacity=2000,
    )
    return written + 1


def _partnerships(platform: Platform, rng: random.Random, ids: list[tuple[UUID, str]]) -> int:
    written = 0
    for n, (company_id, _) in enumerate(ids[3::17]):
        partnership = platform.partnerships.propose_partnership(
            "inria",
            research_team=_TEAMS[n % len(_TEAMS)],
            topic="IA pour l'industrie",
            company_id=company_id,
        )
        written += 1
        if n % 4 == 3:
            continue
        signed = date(2025, 3, 1) + timedelta(days=45 * n)
        platform.partnerships.sign_partnership("inria", partnership, on=signed)
        if n % 3 == 0:
            platform.partnerships.start_partnership(
                "inria", partnership, on=signed + timedelta(days=30)
            )
    return written
