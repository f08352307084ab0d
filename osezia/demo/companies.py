"""The demo's companies: where they are, how big, who follows them, how far they are with AI.

Sizes follow the real proportions of French companies (INSEE, « Les entreprises en France »:
about 96 % micro-entreprises, 3.7 % PME, 0.15 % ETI and a few hundred GE in all), regions
roughly their share of the population. The share already using AI at registration is the plan's
baseline (Bpifrance: 8 % of TPE, 13 % of PME/ETI, 53 % of GE); more adopt as the plan goes on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from uuid import UUID

from osezia.demo.timeline import Timeline
from osezia.domain.companies.record import AdoptionStage
from osezia.domain.geography import REGION_OF_DEPARTEMENT
from osezia.domain.identifiers import complete_siren
from osezia.domain.sizes import SizeCategory, SizeFacts

# Share of the population, in tenths of a percent, by region code (INSEE COG).
REGION_WEIGHTS = {
    "11": 181, "24": 38, "27": 41, "28": 49, "32": 88, "44": 81, "52": 58, "53": 51,
    "75": 90, "76": 91, "84": 120, "93": 76, "94": 5,
    "01": 6, "02": 5, "03": 4, "04": 13, "06": 4,
}  # fmt: skip
SIZE_WEIGHTS = {
    SizeCategory.MICRO: 96_150,
    SizeCategory.PME: 3_690,
    SizeCategory.ETI: 150,
    SizeCategory.GE: 10,
}
_HEADCOUNTS = {
    SizeCategory.MICRO: (1, 9),
    SizeCategory.PME: (10, 249),
    SizeCategory.ETI: (250, 4_999),
    SizeCategory.GE: (5_000, 40_000),
}
# Using AI at registration (the baseline), and adopting later during the plan, per category.
_ALREADY_ADOPTED = {"MICRO": 0.08, "PME": 0.13, "ETI": 0.13, "GE": 0.53}
_ADOPTS_LATER = {"MICRO": 0.05, "PME": 0.12, "ETI": 0.15, "GE": 0.25}
# Who registered the company: mostly the CCIs, then Bpifrance, La French Tech and INRIA.
_OWNERS = ("cci",) * 11 + ("bpifrance",) * 5 + ("french-tech",) * 3 + ("inria",)
_TRADES = (
    "Atelier", "Boulangerie", "Conseil", "Données", "Énergie", "Fabrique", "Garage",
    "Imprimerie", "Logistique", "Menuiserie", "Optique", "Transports", "Vignobles",
)  # fmt: skip
_PLACES = (
    "du Lac", "des Monts", "de la Côte", "du Val", "des Forges", "du Port", "des Prés",
    "de l'Estuaire", "des Vignes", "du Plateau", "des Halles",
)  # fmt: skip
_NAF = (
    "10.71C", "25.62B", "28.29B", "43.21A", "45.20A", "47.11F", "49.41A", "56.10A",
    "62.01Z", "69.20Z", "71.12B", "86.21Z",
)  # fmt: skip
REGISTRATIONS_START = date(2025, 9, 1)


@dataclass
class DemoCompany:
    id: UUID
    siren: str
    owner: str
    region: str
    category: SizeCategory
    registered_on: date
    referred_to: set[str] = field(default_factory=set)

    @property
    def is_pme_or_eti(self) -> bool:
        return self.category in (SizeCategory.PME, SizeCategory.ETI)


_PURPOSES = {"bpifrance": "FINANCING", "inria": "PARTNERSHIP"}


def refer_to(timeline: Timeline, c: DemoCompany, network: str, purpose: str = "") -> None:
    """A network acts only on a company it follows or was referred: the company's own network
    refers it first, with the leader's consent, once."""
    if network == c.owner or network in c.referred_to:
        return
    timeline.platform.referrals.share_company(
        c.owner,
        c.id,
        to_tenant=network,
        purpose=purpose or _PURPOSES.get(network, "OTHER"),
        reason="Mise en relation demandée par le dirigeant",
        consent_reference=f"Accord écrit du dirigeant, réf. {c.siren}",
    )
    c.referred_to.add(network)


def demo_siren(n: int) -> str:
    return complete_siren(f"{80_000_000 + n * 7:08d}")


def register_companies(
    timeline: Timeline,
    rng: random.Random,
    count: int,
    until: date,
    adopt: Callable[[DemoCompany, date], None],
) -> list[DemoCompany]:
    """Queue the registration of `count` companies, more of them as the plan gets known."""
    departements: dict[str, list[str]] = {}
    for departement, region in sorted(REGION_OF_DEPARTEMENT.items()):
        departements.setdefault(region, []).append(departement)
    regions, region_weights = zip(*sorted(REGION_WEIGHTS.items()), strict=True)
    categories, size_weights = zip(*SIZE_WEIGHTS.items(), strict=True)
    span = (until - REGISTRATIONS_START).days
    companies = []
    for n in range(count):
        region = rng.choices(regions, region_weights)[0]
        category = rng.choices(categories, size_weights)[0]
        # Registrations grow over time: the square root of a uniform draw leans late.
        registered_on = REGISTRATIONS_START + timedelta(days=int(span * rng.random() ** 0.6))
        company = DemoCompany(
            id=timeline.platform.companies.company_id_for(demo_siren(n)),
            siren=demo_siren(n),
            owner=rng.choice(_OWNERS),
            region=region,
            category=category,
            registered_on=registered_on,
        )
        companies.append(company)
        low, high = _HEADCOUNTS[category]
        facts = SizeFacts(headcount_uta=Decimal(rng.randint(low, high)))
        name = f"{rng.choice(_TRADES)} {rng.choice(_PLACES)} {n}"
        departement = rng.choice(departements[region])
        naf = rng.choice(_NAF)
        timeline.at(
            registered_on,
            partial(_register, timeline, company, facts, name, departement, naf),
        )
        adoption = _adoption_path(rng, company, until)
        for stage, on in adoption:
            if stage is AdoptionStage.ADOPTED and on > registered_on:
                timeline.at(on, partial(adopt, company))
            else:
                timeline.at(on, partial(_advance, timeline, company, stage))
    return companies


def _register(
    timeline: Timeline,
    c: DemoCompany,
    facts: SizeFacts,
    name: str,
    departement: str,
    naf: str,
    day: date,
) -> None:
    timeline.platform.companies.register_company(
        c.owner,
        siren=c.siren,
        legal_name=name,
        region=c.region,
        departement=departement,
        naf=naf,
        size=facts,
    )


def _advance(timeline: Timeline, c: DemoCompany, stage: AdoptionStage, day: date) -> None:
    timeline.platform.companies.advance_adoption(c.owner, c.id, stage=stage, on=day)


def _adoption_path(
    rng: random.Random, c: DemoCompany, until: date
) -> list[tuple[AdoptionStage, date]]:
    """The stages a company goes through: already adopted, or aware, trained, piloting…"""
    day = c.registered_on
    if rng.random() < _ALREADY_ADOPTED[c.category]:
        return [(AdoptionStage.ADOPTED, day)]
    path = [(AdoptionStage.AWARE, day)]
    if rng.random() < 0.35:
        day += timedelta(days=rng.randint(20, 120))
        path.append((AdoptionStage.TRAINED, day))
    if rng.random() < _ADOPTS_LATER[c.category]:
        day += timedelta(days=rng.randint(30, 200))
        path.append((AdoptionStage.PILOTING, day))
        day += timedelta(days=rng.randint(30, 150))
        path.append((AdoptionStage.ADOPTED, day))
    return [(stage, on) for stage, on in path if on <= until]
